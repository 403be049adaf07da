package site

import (
	"errors"
	"strings"
	"testing"
)

// Config hygiene: control characters, bidirectional controls and huge
// values are refused in every string, literal or escaped, each with its
// file and line.
func TestParseHygiene(t *testing.T) {
	for _, tt := range []struct {
		name, from, to string
		line           int
		want           string
	}{
		{"RLO in a venue name", `name = "Test venue"`, "name = \"Test \u202Evenue\"", 25, "venue 1: name: holds a bidirectional control U+202E"},
		{"escaped RLO", `name = "Test venue"`, `name = "Test \u202Evenue"`, 25, "U+202E"},
		{"isolate in a title", `title = "Travel information"`, `title = "Travel \u2067information"`, 6, "region 1: title: holds a bidirectional control U+2067"},
		{"LRM in a helpline name", `name = "Line"`, `name = "Li\u200Ene"`, 16, "U+200E"},
		{"ALM in hours", `hours = "24/7"`, `hours = "24/7\u061C"`, 19, "U+061C"},
		{"ESC in a name", `name = "Test venue"`, `name = "Test \u001b[31mvenue"`, 25, "holds a ESC"},
		{"NUL in a source", `source = "test"`, `source = "te\u0000st"`, 12, "NUL"},
		{"C1 in a region id", `id = "uk"`, `id = "u\u0085k"`, 5, "C1 control character U+0085"},
		{"DEL in exit_url", `exit_url = "https://www.bbc.co.uk/weather"`, `exit_url = "https://www.bbc.co.uk/wea\u007fther"`, 7, "U+007F"},
		{"multi-megabyte name", `name = "Test venue"`, `name = "` + strings.Repeat("x", 3<<20) + `"`, 25, "too long (at most 200)"},
		{"long URL", `exit_url = "https://www.bbc.co.uk/weather"`, `exit_url = "https://www.bbc.co.uk/` + strings.Repeat("w", 3000) + `"`, 7, "too long (at most 2048)"},
		{"control in a language list", `languages = ["en"]`, `languages = ["en\u0007"]`, 27, "U+0007"},
		{"huge number", `languages = ["en"]`, "languages = [\"en\"]\nkiosk_idle = 9999999999", 28, "out of range"},
	} {
		data := strings.Replace(validConfig, tt.from, tt.to, 1)
		if data == validConfig {
			t.Fatalf("%s: %q not in the config", tt.name, tt.from)
		}
		_, err := Parse("test.toml", []byte(data), testLangs)
		var errs Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: Parse = %v, want site.Errors", tt.name, err)
			continue
		}
		found := false
		for _, e := range errs {
			if strings.Contains(e.Msg, tt.want) {
				found = true
				if e.Line != tt.line || e.File != "test.toml" {
					t.Errorf("%s: %s:%d, want test.toml:%d", tt.name, e.File, e.Line, tt.line)
				}
				if len(e.Error()) > 400 {
					t.Errorf("%s: the message repeats the value (%d bytes)", tt.name, len(e.Error()))
				}
			}
		}
		if !found {
			t.Errorf("%s: errors %v, want one containing %q", tt.name, errs, tt.want)
		}
	}
	// Right-to-left text itself is fine: names in Arabic stay as written.
	data := strings.Replace(validConfig, `name = "Test venue"`, `name = "محطة الحافلات"`, 1)
	if _, err := Parse("test.toml", []byte(data), testLangs); err != nil {
		t.Errorf("an Arabic venue name: %v", err)
	}
}
