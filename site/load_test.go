package site

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/locales"
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

// HasText: English has every message except those naming "nonexistent",
// so that tests can name a rights topic or kind without text.
func (l langs) HasText(id string) bool { return !strings.Contains(id, "nonexistent") }

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
		{"no source", [2]string{"  source = \"test\"\n  verified = 2026-11-01\n\n  [[regions.helplines]]", "  verified = 2026-11-01\n\n  [[regions.helplines]]"}, "test.toml:10: region uk: emergency number: every number needs a source"},
		{"http exit", [2]string{`https://www.bbc.co.uk/weather`, `http://www.bbc.co.uk/weather`}, "test.toml:7: region \"uk\": exit_url"},
		{"missing locale", [2]string{`languages = ["en", "ar"]`, `languages = ["en", "xx"]`}, `test.toml:2: languages: "xx" has no locale file`},
		{"venue language", [2]string{`languages = ["en"]`, `languages = ["ar", "fa"]`}, `test.toml:27: venue "K7Q2M": language "fa"`},
		{"rights without text", [2]string{`rights = ["uk-s45"]`, `rights = ["ie-nonexistent"]`}, `test.toml:8: region "uk": rights topic "ie-nonexistent" has no English text: add the message "rights.ie-nonexistent.title"`},
		{"rights not an ID", [2]string{`rights = ["uk-s45"]`, `rights = ["UK s45"]`}, `test.toml:8: region "uk": rights topic "UK s45": use lower-case`},
		{"kind without text", [2]string{`kind = "slavery"`, `kind = "nonexistent-kind"`}, `test.toml:17: helpline "Line": kind "nonexistent-kind" has no English text: add the message "helpline.kind.nonexistent-kind"`},
		{"no kind", [2]string{"  kind = \"slavery\"\n", ""}, `helpline "Line": kind is required`},
		{"quoted date", [2]string{`verified = 2026-11-01`, `verified = "2026-11-01"`}, `test.toml:13: region uk: emergency number: verified = "2026-11-01": write the date without quotes`},
		{"unknown area", [2]string{"\nregion = \"uk\"", "\nregion = \"uk\"\narea = \"leeds\""}, `test.toml:27: venue "K7Q2M": area "leeds" is not defined`},
		{"names in unknown language", [2]string{`  kind = "slavery"`, `  names = { fa = "x" }` + "\n  kind = \"slavery\""}, `test.toml:17: helpline "Line": names: "fa" is not one of the site's languages`},
		{"default region", [2]string{`default_region = "uk"`, `default_region = "nl"`}, `test.toml:1: default_region "nl"`},
		{"wrong type", [2]string{`title = "Travel information"`, `title = 3`}, "test.toml:6:"},
		{"paper", [2]string{"languages = [\"en\"]\n", "languages = [\"en\"]\npaper = \"a4\"\n"}, `test.toml:28: venue "K7Q2M": paper "a4": want "A5", "A4" or "A3"`},
		{"copies", [2]string{"languages = [\"en\"]\n", "languages = [\"en\"]\ncopies = 5000\n"}, `test.toml:28: venue "K7Q2M": copies 5000: from 1 to 500`},
		{"retired code", [2]string{"default_region = \"uk\"", "default_region = \"uk\"\nretired_codes = [\"k7q2m\"]"}, `test.toml:25: venue code "K7Q2M" is retired`},
		{"own id twice", [2]string{"languages = [\"en\"]\n", "languages = [\"en\"]\nown_id = \"A\"\n[[venues]]\ncode = \"K7Q2N\"\nname = \"x\"\nregion = \"uk\"\nlanguages = [\"en\"]\nown_id = \"A\"\n"}, `venue "K7Q2N": own_id "A" is used twice`},
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

// A mistake made many times is reported at each place, once: a quoted
// date in every number, a misspelt key in every helpline.
func TestParseErrorsEachPlace(t *testing.T) {
	src := strings.ReplaceAll(validConfig, "verified = 2026-11-01", `verified = "2026-11-01"`)
	src = strings.ReplaceAll(src, `hours = "24/7"`, `hours = "24/7"`+"\n  hour = \"x\"")
	src = strings.Replace(src, "[[venues]]", `[[regions.helplines]]
  name = "Second"
  kind = "slavery"
  call = "101"
  hour = "y"
  source = "test"
  verified = "2026-11-02"

[[venues]]`, 1)
	_, err := Parse("test.toml", []byte(src), testLangs)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want site.Errors, got %v", err)
	}
	var quoted, misspelt []int
	for _, e := range es {
		switch {
		case strings.Contains(e.Msg, "without quotes"):
			quoted = append(quoted, e.Line)
		case strings.Contains(e.Msg, `unknown setting "regions.helplines.hour"`):
			misspelt = append(misspelt, e.Line)
		}
	}
	lines := strings.Split(src, "\n")
	for _, l := range quoted {
		if !strings.Contains(lines[l-1], `verified = "`) {
			t.Errorf("quoted date reported at line %d: %q", l, lines[l-1])
		}
	}
	for _, l := range misspelt {
		if !strings.Contains(lines[l-1], "hour =") {
			t.Errorf("misspelt key reported at line %d: %q", l, lines[l-1])
		}
	}
	if len(quoted) != 3 || len(misspelt) != 2 {
		t.Errorf("want 3 quoted dates and 2 misspelt keys, each once; got lines %v and %v in\n%v", quoted, misspelt, err)
	}
}

// Areas add local organisations; their numbers get every check a region's
// get, and every number is listed with its line for the operator.
func TestAreasAndFacts(t *testing.T) {
	src := validConfig + `
[[areas]]
id = "leeds"
name = "Leeds"
names = { ar = "ليدز" }

  [[areas.helplines]]
  name = "Local Project"
  kind = "slavery"
  call = "0113 000 0000"
  note = "call them before printing"
  source = "https://example.org"
  verified = 2024-01-01
`
	src = strings.Replace(src, "\nregion = \"uk\"", "\nregion = \"uk\"\narea = \"leeds\"", 1)
	c, err := Parse("test.toml", []byte(src), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := c.Area("leeds")
	if !ok || a.NameIn("ar") != "ليدز" || a.NameIn("en") != "Leeds" {
		t.Fatalf("area: %+v", a)
	}
	v, _ := c.Venue("K7Q2M")
	if v.Area != "leeds" {
		t.Errorf("venue area %q", v.Area)
	}
	lines := strings.Split(src, "\n")
	var found bool
	for _, f := range c.Facts() {
		if f.Number == "" || !strings.Contains(lines[f.Line-1], f.Number) {
			t.Errorf("fact %s %q at line %d: %q", f.Where, f.Number, f.Line, lines[f.Line-1])
		}
		found = found || (f.Where == "area leeds: Local Project" && f.Note == "call them before printing")
	}
	if !found || len(c.Facts()) != 3 {
		t.Errorf("facts: %+v", c.Facts())
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ws := c.Warnings(now)
	if len(ws) != 1 || !strings.Contains(ws[0].Error(), "test.toml:") || !strings.Contains(ws[0].Msg, "2024-01-01 is more than 12 months ago") {
		t.Errorf("warnings at %v: %v", now, ws)
	}
	if ws := c.Warnings(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); strings.Count(ws.Error(), "in the future") != 2 {
		t.Errorf("want the two 2026-11-01 dates in the future: %v", ws)
	}
	if kinds := c.HelplineKinds(); len(kinds) != 1 || kinds[0] != "slavery" {
		t.Errorf("kinds %v", kinds)
	}

	noLines := strings.Replace(src, `  [[areas.helplines]]`, "", 1)
	noLines = strings.Replace(noLines, "  name = \"Local Project\"\n", "", 1)
	if _, err := Parse("test.toml", []byte(noLines), testLangs); err == nil || !strings.Contains(err.Error(), `area "leeds": list at least one local organisation`) {
		t.Errorf("area without helplines: %v", err)
	}
}

func TestDemoLoads(t *testing.T) {
	// Every language that has a locale file, read from the folder: a
	// translator who adds a language to demo.toml and locales/ must not
	// have to edit this test too.
	names, err := fs.Glob(locales.FS(), "active.*.json")
	if err != nil || len(names) < 2 {
		t.Fatalf("locale files: %v %v", names, err)
	}
	var all langs
	for _, n := range names {
		all = append(all, strings.TrimSuffix(strings.TrimPrefix(n, "active."), ".json"))
	}
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
