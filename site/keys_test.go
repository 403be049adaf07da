package site

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestConfigReferenceCoversDecoder: docs/config.md has a row for every
// setting the decoder accepts, under a heading naming its table, and no
// row for a setting it does not, so that the reference cannot drift.
func TestConfigReferenceCoversDecoder(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	// documented[table] = the settings in the rows under its heading.
	documented := map[string][]string{}
	var tables []string
	tableRE := regexp.MustCompile("`\\[\\[([a-z._]+)\\]\\]`")
	rowRE := regexp.MustCompile("^\\| `([a-z_]+)` \\|")
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "## Top level"):
			tables = []string{""}
		case strings.HasPrefix(line, "## Example"):
			tables = nil
		case strings.HasPrefix(line, "## "):
			tables = nil
			for _, m := range tableRE.FindAllStringSubmatch(line, -1) {
				tables = append(tables, m[1])
			}
		default:
			if m := rowRE.FindStringSubmatch(line); m != nil {
				if len(tables) == 0 {
					t.Errorf("docs/config.md: row %q is under no table's heading", m[1])
				}
				for _, tb := range tables {
					documented[tb] = append(documented[tb], m[1])
				}
			}
		}
	}
	decoder := Tables()
	for table, keys := range decoder {
		for _, k := range keys {
			if !slices.Contains(documented[table], k) {
				t.Errorf("docs/config.md: setting %q of [[%s]] has no row", k, table)
			}
		}
	}
	for table, keys := range documented {
		valid, ok := decoder[table]
		if !ok {
			t.Errorf("docs/config.md documents [[%s]], which the decoder does not know", table)
			continue
		}
		for _, k := range keys {
			if !slices.Contains(valid, k) {
				t.Errorf("docs/config.md documents %q in [[%s]], which the decoder does not accept", k, table)
			}
		}
	}
	if len(decoder) < 9 {
		t.Errorf("the decoder has only %d tables: Tables() no longer walks the config", len(decoder))
	}
}

// An unknown setting names the closest valid one and lists them all.
func TestUnknownSettingSuggests(t *testing.T) {
	for _, tt := range []struct {
		key  []string
		want []string
	}{
		{[]string{"regions", "helplines", "sahres"}, []string{`"regions.helplines.sahres" (did you mean "shares"?)`, "in [[regions.helplines]] are name, names, kind, shares"}},
		{[]string{"regions", "helplines", "channels", "langauges"}, []string{`(did you mean "languages"?)`, "type, number, address"}},
		{[]string{"regions", "emergency", "textonly"}, []string{`(did you mean "text_only"?)`}},
		{[]string{"colour"}, []string{`"colour": the settings at the top of the file are default_region`}},
	} {
		got := unknownKeyMessage(tt.key)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", tt.key, got, w)
			}
		}
		if tt.key[0] == "colour" && strings.Contains(got, "did you mean") {
			t.Errorf("colour: a suggestion for a key nothing is near: %q", got)
		}
	}
}
