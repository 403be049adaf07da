package site

import (
	"strings"
	"testing"
)

// TestCodeMaker: a new code is never a taken or retired code, nor one
// that reads as one of them (O as 0, I and L as 1), nor a code with fewer
// than two digits, nor one that reads as a blocked word or a language.
func TestCodeMaker(t *testing.T) {
	c := &Config{Venues: []Venue{{Code: "K7Q2M"}}, RetiredCodes: []string{"AB1CD"}}
	m := NewCodeMaker(c, langs{"en", "ar", "am12a"})
	// The random source proposes, in turn: the demo code, a retired code,
	// a code with one digit, "25EX2" (S E X), a language tag, and a fit
	// one.
	proposals := "K7Q2M" + "AB1CD" + "ABCD2" + "25EX2" + "AM12A" + "7K9Q2"
	i := 0
	m.random = func(max int) int {
		if i >= len(proposals) {
			t.Fatal("the maker asked for more than the proposals")
		}
		ch := proposals[i]
		i++
		return strings.IndexByte(codeAlphabet, ch)
	}
	got, err := m.New()
	if err != nil {
		t.Fatal(err)
	}
	if got != "7K9Q2" {
		t.Errorf("New() = %q, want 7K9Q2 (every earlier proposal is unfit)", got)
	}
	m.random = cryptoRandom
	m.Take("abicd") // read as AB1CD
	for range 3000 {
		code, err := m.New()
		if err != nil {
			t.Fatal(err)
		}
		if !wellFormed(code) || code == "K7Q2M" || code == "7K9Q2" {
			t.Fatalf("unfit code %s", code)
		}
		if n, ok := NormalizeCode(code); !ok || n != code {
			t.Fatalf("code %s is not canonical", code)
		}
	}
	for _, w := range []string{"25EX2", "H31P7", "8008S", "K1LL2"} {
		if !SpellsWord(w) {
			t.Errorf("SpellsWord(%q) = false", w)
		}
	}
}
