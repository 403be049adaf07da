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

// Dir returns "rtl" or "ltr" for a language, from its (likely) script.
func Dir(t language.Tag) string {
	s, _ := t.Script()
	if rtlScripts[s.String()] {
		return "rtl"
	}
	return "ltr"
}

// Script returns the ISO 15924 code of a language's likely script.
func Script(t language.Tag) string {
	s, _ := t.Script()
	return s.String()
}

// NativeName is the language's name in itself, for the language picker:
// a person who reads no English must still find their language.
func NativeName(t language.Tag) string {
	name := display.Self.Name(t)
	if name == "" {
		return t.String()
	}
	// Picker entries start a line; CLDR gives some names in lower case
	// ("español"), which the language's own casing rules capitalise.
	r, size := utf8.DecodeRuneInString(name)
	return cases.Upper(t).String(string(r)) + name[size:]
}
