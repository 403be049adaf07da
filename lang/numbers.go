package lang

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// KindNumbers is a translation whose numbers differ from the English: a
// number dropped, added or changed. On this site a number is a fact (press
// 55, 30 days, section 45), as binding as a placeholder, so a changed digit
// is an error, never a style choice.
const KindNumbers = "numbers"

// Numbers returns the numbers written in a text, outside its {{.Name}}
// placeholders, in order: every run of decimal digits of any script, read
// as ASCII digits, so that Arabic-Indic ٥٥ and Devanagari ५५ are 55 like
// 55. A run is a number as a reader sees one; separators split runs, so
// "24/7" is 24 and 7, and "1,000" is 1 and 000 in any language that
// writes it so.
func Numbers(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range stripActions(text) {
		if d, ok := digitValue(r); ok {
			b.WriteByte('0' + byte(d))
			continue
		}
		flush()
	}
	flush()
	return out
}

// digitValue returns the value of a decimal digit of any script. Unicode
// lays every script's digits out as ten consecutive code points from its
// zero, and each range of the Nd table starts at a zero, so the value is
// the distance from the range's start, modulo ten.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// checkNumbers compares the numbers of one form of a translation with the
// English: the same numbers, in any order (a sentence may put them in
// another order), none dropped, changed or added. A number the English has
// may appear more than once ("section 45 (section 45)": a gloss, which the
// descriptions ask for with names to keep), but a number it lacks may not.
// A plural form is compared with the English form of the same name where
// English has one, else with "other".
func checkNumbers(lr *LanguageReport, m *Message, form string, src *source) {
	en, ok := src.msg.Forms[form]
	if !ok {
		en = src.msg.Forms["other"]
	}
	want, have := Numbers(en), Numbers(m.Forms[form])
	if sameNumbers(want, have) {
		return
	}
	p := Problem{Severity: SeverityError, Kind: KindNumbers, File: m.File, Line: m.Line, ID: m.ID}
	if len(m.Forms) > 1 {
		p.Form = form
	}
	p.Explain = fmt.Sprintf("the numbers differ from English: English has %s; this translation has %s. "+
		"Numbers are facts (a key to press, a number of days, a section of a law): write each one as in English, "+
		"with 0-9 or your script's digits", listNumbers(want), listNumbers(have))
	lr.add(p)
}

// numbersAgree reports whether every form of a translation has the
// numbers of the English.
func numbersAgree(m, src *Message) bool {
	for form, text := range m.Forms {
		en, ok := src.Forms[form]
		if !ok {
			en = src.Forms["other"]
		}
		if !sameNumbers(Numbers(en), Numbers(text)) {
			return false
		}
	}
	return true
}

func sameNumbers(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// listNumbers names each distinct number once, in the text's order.
func listNumbers(ns []string) string {
	var out []string
	for _, n := range ns {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "no number"
	}
	return strings.Join(out, ", ")
}
