package site

import (
	"errors"
	"strings"
	"testing"
)

type langs []string

func (l langs) Has(tag string) bool {
	for _, t := range l {
		if t == tag {
			return true
		}
	}
	return false
}

var testLangs = langs{"en", "ar"}

const validConfig = `default_region = "uk"
languages = ["en", "ar"]

[[regions]]
id = "uk"
title = "Travel information"
exit_url = "https://www.bbc.co.uk/weather"
rights = ["uk-s45"]

  [[regions.emergency]]
  number = "999"
  source = "test"
  verified = 2026-11-01

  [[regions.helplines]]
  name = "Line"
  kind = "slavery"
  call = "08000 121 700"
  hours = "24/7"
  source = "test"
  verified = 2026-11-01

[[venues]]
code = "K7Q2M"
name = "Test venue"
region = "uk"
languages = ["en"]
`

func TestParseValid(t *testing.T) {
	c, err := Parse("test.toml", []byte(validConfig), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := c.Venue("K7Q2M")
	if !ok || v.Region != "uk" {
		t.Fatalf("venue not found: %+v", v)
	}
	if !c.Default().Helplines[0].HoursInfo().Always {
		t.Error("24/7 not parsed as always open")
	}
	if !c.Default().Unconfirmed() {
		t.Error("facts without confirmed = true must count as unconfirmed")
	}
}

// Each broken config must be refused with the file, the line and what is
// wrong, so that a non-specialist can fix it.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string // substring of the error, including the line
	}{
		{"syntax", [2]string{`id = "uk"`, `id = "uk`}, "test.toml:5:"},
		{"unknown key", [2]string{`  hours = "24/7"`, `  hours = "24/7"` + "\n  phone = \"1\""}, "test.toml:20: unknown setting"},
		{"bad code", [2]string{`code = "K7Q2M"`, `code = "k7q2m"`}, `test.toml:24: venue code "k7q2m": write it as "K7Q2M"`},
		{"code with U", [2]string{`code = "K7Q2M"`, `code = "KUQ2M"`}, "test.toml:24: venue code"},
		{"unknown region", [2]string{"\nregion = \"uk\"", "\nregion = \"fr\""}, `test.toml:26: venue "K7Q2M": region "fr" is not defined`},
		{"bad number", [2]string{`call = "08000 121 700"`, `call = "call us"`}, "test.toml:18: helpline \"Line\": call"},
		{"bad hours", [2]string{`hours = "24/7"`, `hours = "always"`}, "test.toml:19: helpline \"Line\": hours"},
		{"no source", [2]string{"  source = \"test\"\n  verified = 2026-11-01\n\n  [[regions.helplines]]", "  verified = 2026-11-01\n\n  [[regions.helplines]]"}, "test.toml:10: every number needs a source"},
		{"http exit", [2]string{`https://www.bbc.co.uk/weather`, `http://www.bbc.co.uk/weather`}, "test.toml:7: region \"uk\": exit_url"},
		{"missing locale", [2]string{`languages = ["en", "ar"]`, `languages = ["en", "xx"]`}, `test.toml:2: languages: "xx" has no locale file`},
		{"venue language", [2]string{`languages = ["en"]`, `languages = ["ar", "fa"]`}, `test.toml:27: venue "K7Q2M": language "fa"`},
		{"unknown rights", [2]string{`rights = ["uk-s45"]`, `rights = ["uk-s99"]`}, `test.toml:8: region "uk": rights topic "uk-s99"`},
		{"default region", [2]string{`default_region = "uk"`, `default_region = "nl"`}, `test.toml:1: default_region "nl"`},
		{"wrong type", [2]string{`title = "Travel information"`, `title = 3`}, "test.toml:6:"},
		{"duplicate venue", [2]string{"languages = [\"en\"]\n", "languages = [\"en\"]\n[[venues]]\ncode = \"K7Q2M\"\nname = \"x\"\nregion = \"uk\"\nlanguages = [\"en\"]\n"}, `test.toml:29: venue code "K7Q2M" is used twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(validConfig, tt.replace[0], tt.replace[1], 1)
			if src == validConfig {
				t.Fatalf("replacement %q did not apply", tt.replace[0])
			}
			_, err := Parse("test.toml", []byte(src), testLangs)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\ndoes not contain %q", err, tt.want)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Errorf("want site.Errors, got %T", err)
			}
		})
	}
}

func TestDemoLoads(t *testing.T) {
	all := langs{"en", "nl", "ti", "ar", "sq", "vi", "so", "uk", "es", "pl", "ro", "fa", "bg", "am", "zh-Hans"}
	c, err := Demo(all)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"uk", "nl", "us"} {
		if _, ok := c.Region(id); !ok {
			t.Errorf("demo lacks region %q", id)
		}
	}
	uk, _ := c.Region("uk")
	found := false
	for _, h := range uk.Helplines {
		found = found || h.Call == "08000 121 700"
	}
	if !found {
		t.Error("demo lacks the UK Modern Slavery & Exploitation Helpline 08000 121 700")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validConfig))
	f.Add([]byte("[[venues]]\ncode = 1"))
	f.Add([]byte("default_region = \"\"\n[[regions]]\n[[regions.helplines]]\nhours = \"Mon-Fri 09:00-17:00\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.toml", data, testLangs)
		if err == nil && c.Default() == nil {
			t.Fatal("a valid config must have a default region")
		}
	})
}
