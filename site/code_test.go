package site

import "testing"

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"K7Q2M", "K7Q2M", true},
		{"k7q2m", "K7Q2M", true},
		{"K7-Q2M", "K7Q2M", true},
		{"OIL2A", "0112A", true}, // O→0, I and L→1
		{"oil2a", "0112A", true},
		{"K7Q", "", false},              // too short
		{"K7QU2", "", false},            // U is not in the alphabet
		{"K7Q2M/", "", false},           // path characters
		{"K7Q2M%00", "", false},         // encoded NUL
		{"K7Q2\x00M", "", false},        // raw NUL
		{"ÄÖÜÄÖÜ", "", false},           // non-ASCII
		{"\xff\xfe\xfd\xfc", "", false}, // invalid UTF-8
		{"ABCDEFGHJKMNP", "", false},    // 13 characters
		{"----", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"K7Q2M", "oil2a", "K7-Q2M", "", "\x00", "../../etc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := NormalizeCode(s)
		if !ok {
			return
		}
		if len(code) < MinCodeLen || len(code) > MaxCodeLen {
			t.Fatalf("NormalizeCode(%q) = %q: bad length", s, code)
		}
		for i := 0; i < len(code); i++ {
			if !containsByte(codeAlphabet, code[i]) {
				t.Fatalf("NormalizeCode(%q) = %q: %q outside the alphabet", s, code, code[i])
			}
		}
		again, ok := NormalizeCode(code)
		if !ok || again != code {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, code, again)
		}
	})
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// Typed slips after a right code still find its venue; they never turn a
// code into another one, and a slip alone is no code.
func TestLookupCodeForgivesSlips(t *testing.T) {
	cfg := &Config{venueByCode: map[string]*Venue{"S5FJ3": {Code: "S5FJ3"}}}
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"S5FJ3", true},
		{"S5FJ3/", true},
		{"S5FJ3.", true},
		{"S5FJ3,", true},
		{"s5fj3.,/", true},
		{"S5FJ3 .", true},
		{"S5FJ", false},   // one character short is another code, not a slip
		{".S5FJ3", false}, // only trailing slips
		{"S5F.J3", false}, // not inside the code
		{"S5FJ3;", false}, // only the slips the issue names
		{"./,.", false},
		{"", false},
	} {
		v, ok := cfg.LookupCode(tt.in)
		if ok != tt.ok || (ok && v.Code != "S5FJ3") {
			t.Errorf("LookupCode(%q) = %v, %v; want found=%v", tt.in, v, ok, tt.ok)
		}
	}
}
