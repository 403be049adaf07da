package lang

import (
	"fmt"
	"strings"
	"unicode"
)

// KindLongSentence is a warning on English: a sentence too long for a
// reader of about 10, the reading level every English section keeps to.
const KindLongSentence = "long-sentence"

// MaxSentenceWords is the longest English sentence the check accepts.
// Plain-language guidance for readers of about 9 to 11 puts the average
// near 15 words; 25 leaves room for a legal name explained once.
const MaxSentenceWords = 25

// checkPlain warns on English sentences over MaxSentenceWords words.
// Placeholders are not counted: most stand for a number or a name.
func checkPlain(lr *LanguageReport, m *Message) {
	for _, form := range sortedForms(m.Forms) {
		for _, s := range sentences(stripActions(m.Forms[form])) {
			if n := countWords(s); n > MaxSentenceWords {
				p := Problem{Severity: SeverityWarning, Kind: KindLongSentence, File: m.File, Line: m.Line, ID: m.ID,
					Explain: fmt.Sprintf("a sentence of %d words (over %d): split it so that a reader of about 10 can follow: %q", n, MaxSentenceWords, shorten(s))}
				if len(m.Forms) > 1 {
					p.Form = form
				}
				lr.add(p)
			}
		}
	}
}

// sentences splits text after ".", "!", "?" and ":" followed by a space.
func sentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i, r := range rs {
		if (r == '.' || r == '!' || r == '?' || r == ':') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) {
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}
