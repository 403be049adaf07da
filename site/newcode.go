package site

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// NewCodeLen is the length of the codes Waymark gives new venues: five
// characters of 32 hold 33 million codes, and a person types five from a
// worn poster without losing their place.
const NewCodeLen = 5

// CodeMaker gives new venues codes that can be told apart from every code
// the config has or had. It knows every taken code in its canonical form
// (O read as 0, I and L as 1), so a new code never reads as another.
type CodeMaker struct {
	taken map[string]bool
	// isLang reports whether a code reads as a language tag ("/AMHA"
	// must not be mistaken for a language page): such codes are skipped.
	isLang func(string) bool
	// random returns n in [0, max); tests replace it.
	random func(max int) int
}

// NewCodeMaker returns a CodeMaker that avoids the config's codes, its
// retired codes and codes that read as one of its language tags.
func NewCodeMaker(c *Config, langs LanguageSet) *CodeMaker {
	m := &CodeMaker{taken: map[string]bool{}, random: cryptoRandom}
	if langs != nil {
		m.isLang = func(code string) bool { return langs.Has(strings.ToLower(code)) }
	}
	for _, v := range c.Venues {
		m.Take(v.Code)
	}
	for _, r := range c.RetiredCodes {
		m.Take(r)
	}
	return m
}

// Take marks a code as used.
func (m *CodeMaker) Take(code string) {
	if n, ok := NormalizeCode(code); ok {
		m.taken[n] = true
	}
}

// New returns a code no venue has or had, and marks it taken.
//
// Codes are random, so that a code says nothing of when or where its
// poster went up, and so that one venue's code does not lead to the next
// by counting. Each has at least two digits, so no run of more than three
// letters can spell a word; and none holds, read with its digits as the
// letters they look like (0 as O, 1 as I, 5 as S...), a word from a short
// list of words in the demo's languages that a poster must not carry.
func (m *CodeMaker) New() (string, error) {
	var b [NewCodeLen]byte
	for try := 0; try < 10000; try++ {
		for i := range b {
			b[i] = codeAlphabet[m.random(len(codeAlphabet))]
		}
		code := string(b[:])
		if m.taken[code] || !wellFormed(code) || (m.isLang != nil && m.isLang(code)) {
			continue
		}
		m.taken[code] = true
		return code, nil
	}
	return "", fmt.Errorf("no free venue code found: the code space is nearly full")
}

func cryptoRandom(max int) int {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(max)))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return int(n.Int64())
}

// wellFormed reports whether a generated code is fit to print: at least
// two digits, and no blocked word in it.
func wellFormed(code string) bool {
	digits := 0
	for i := 0; i < len(code); i++ {
		if code[i] >= '0' && code[i] <= '9' {
			digits++
		}
	}
	if digits < 2 {
		return false
	}
	return !SpellsWord(code)
}

// lookalike reads a code's digits as the letters people see in them.
var lookalike = strings.NewReplacer("0", "O", "3", "E", "4", "A", "5", "S", "6", "G", "7", "T", "8", "B", "9", "G")

// blockedWords are short words that a code must not contain, read with
// lookalike digits: rude, frightening or telling words in the languages a
// poster carries (English, Dutch, German, Spanish, Polish, Romanian,
// Albanian), "within reason": a short list of what a person would
// notice, not a dictionary. Codes have no I, L, O or U, so words are
// listed as they can appear (O as 0 and I as 1 are read back by
// lookalike).
var blockedWords = []string{
	// telling: what the poster is about, or who might be looking
	"HELP", "SOS", "SEX", "COP", "COPS", "POL", "ICE", "KKK", "NAZI", "SS", "SA", "ISIS",
	// rude, in English and the languages of the demo
	"ASS", "FCK", "FUK", "FUC", "SHT", "SHIT", "TIT", "DIK", "DICK", "COCK", "CNT", "CUNT", "FAG",
	"NGR", "NIG", "PIS", "PISS", "PORN", "RAPE", "SLAVE", "KILL", "DEAD", "DIE", "GAY", "HOE",
	"KUT", "PIK", "HOER", "FOTZE", "PUTA", "PUTE", "KURWA", "CHUJ", "PIZDA", "MUIE", "PIDH", "KAR",
	"FICK", "MERDE", "CACA", "PEDO", "ANAL", "BOOB", "TWAT", "WANK", "JEW", "ARAB",
}

// SpellsWord reports whether code, read with lookalike digits, contains a
// blocked word.
func SpellsWord(code string) bool {
	read := lookalike.Replace(strings.ToUpper(code))
	// 1 reads as I or as L.
	for _, one := range []string{"I", "L"} {
		r := strings.ReplaceAll(read, "1", one)
		for _, w := range blockedWords {
			if strings.Contains(r, w) {
				return true
			}
		}
	}
	return false
}
