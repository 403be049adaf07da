package site

import "strings"

// Poster codes use Crockford's base-32 alphabet: digits and upper-case letters
// without I, L, O and U. People copy codes from worn posters by hand, so the
// letters that look like digits are read as those digits instead of rejected.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Code lengths: short enough to type from a poster, long enough that a typo
// rarely lands on another venue.
const (
	MinCodeLen = 4
	MaxCodeLen = 12
)

// NormalizeCode returns the canonical form of a poster code typed or scanned
// in any case, with O read as 0, I and L as 1, and hyphens and spaces (which
// people add when copying) dropped. ok is false when the input cannot be a
// code at all; the caller then shows the default help page.
func NormalizeCode(s string) (code string, ok bool) {
	var buf [MaxCodeLen]byte
	n, ok := normalize(s, &buf)
	if !ok {
		return "", false
	}
	return string(buf[:n]), true
}

// LookupCode finds the venue of a code as typed, without allocating: it
// runs on every poster scan. Slips that people make when typing a short
// address are forgiven (see TrimSlips).
func (c *Config) LookupCode(raw string) (*Venue, bool) {
	var buf [MaxCodeLen]byte
	n, ok := normalize(TrimSlips(raw), &buf)
	if !ok {
		return nil, false
	}
	v, ok := c.venueByCode[string(buf[:n])]
	return v, ok
}

func normalize(s string, buf *[MaxCodeLen]byte) (int, bool) {
	if len(s) < MinCodeLen || len(s) > MaxCodeLen*2 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == ' ':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		if strings.IndexByte(codeAlphabet, c) < 0 || n == MaxCodeLen {
			return 0, false
		}
		buf[n] = c
		n++
	}
	return n, n >= MinCodeLen
}

// TrimSlips drops what people add after an address they type or copy:
// a full stop or comma from the sentence around it, or a slash
// ("/K7Q2M/", "/K7Q2M.", "/K7Q2M,"). None of these can be part of a code,
// so a right code with a slip still reaches its venue (and its country's
// emergency number) instead of the default region's page. It only shortens
// the string, so it does not allocate.
func TrimSlips(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case '.', ',', '/':
			s = s[:len(s)-1]
		default:
			return s
		}
	}
	return s
}
