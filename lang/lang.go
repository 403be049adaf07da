// Package lang loads the translations, chooses a page's language and
// reports on the health of each locale file for translators.
package lang

import (
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Source is the language every message is written in first.
const Source = "en"

// rtlScripts are the scripts written right to left that a page may need.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true,
}

// unlisted are languages that CLDR's data in x/text does not name or give
// a script: Dari (prs), which CLDR otherwise treats as Persian in
// Afghanistan (fa-AF).
var unlisted = map[string]struct{ self, english, script string }{
	"prs": {"دری", "Dari", "Arab"},
}

// Dir returns "rtl" or "ltr" for a language, from its (likely) script.
func Dir(t language.Tag) string {
	if rtlScripts[Script(t)] {
		return "rtl"
	}
	return "ltr"
}

// Script returns the ISO 15924 code of a language's likely script.
func Script(t language.Tag) string {
	s, conf := t.Script()
	if u, ok := unlisted[t.String()]; ok && conf != language.Exact {
		return u.script
	}
	return s.String()
}

// NativeName is the language's name in itself, for the language picker:
// a person who reads no English must still find their language.
func NativeName(t language.Tag) string {
	if u, ok := unlisted[t.String()]; ok {
		return u.self
	}
	name := display.Self.Name(t)
	if name == "" {
		return t.String()
	}
	// Picker entries start a line; CLDR gives some names in lower case
	// ("español"), which the language's own casing rules capitalise.
	r, size := utf8.DecodeRuneInString(name)
	return cases.Upper(t).String(string(r)) + name[size:]
}

// englishNames are English names that CLDR gives otherwise: CLDR reads
// Tagalog (tl) as Filipino (fil), its standard form, but people who help
// a Filipino reader often look for "Tagalog".
var englishNames = map[string]string{"fil": "Tagalog (Filipino)"}

// EnglishName is the language's name in English, for maintainers and for
// finding a language in the picker.
func EnglishName(t language.Tag) string {
	if u, ok := unlisted[t.String()]; ok {
		return u.english
	}
	if n, ok := englishNames[t.String()]; ok {
		return n
	}
	return display.English.Tags().Name(t)
}
