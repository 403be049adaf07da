package qr

import (
	"strings"
	"testing"
)

// byteModeCapacity is what version 40 at level Q holds in byte mode, the
// least dense mode, so any payload this long or shorter must encode.
const byteModeCapacity = 1663

func FuzzPayload(f *testing.F) {
	for _, seed := range []struct{ base, code string }{
		{"https://waymark.example", "abc123"},
		{"http://Waymark.Example:8080/Help/", "Z"},
		{"https://example.org/p%20q", "0"},
		{"https://[::1]/", "x"},
		{"https://[fe80::1%25en0]/", "x"},
		{"https://user@host/", "x"},
		{"https://host/?q", "x"},
		{"https://host/#f", "x"},
		{"https://bücher.example", "x"},
		{"https://host", "ab-c"},
		{"https://host", ""},
		{"", ""},
		{"https://host/a b", "é"},
	} {
		f.Add(seed.base, seed.code)
	}
	f.Fuzz(func(t *testing.T, base, code string) {
		p, err := Payload(base, code)
		if err != nil {
			if p != "" {
				t.Fatalf("Payload returned %q alongside error %v", p, err)
			}
			return
		}

		scheme, rest, ok := strings.Cut(p, "://")
		if !ok || (scheme != "HTTP" && scheme != "HTTPS") {
			t.Fatalf("payload %q does not start with HTTP:// or HTTPS://", p)
		}
		host, _, _ := strings.Cut(rest, "/")
		if host == "" || host != strings.ToUpper(host) {
			t.Fatalf("payload %q: host %q is not upper-case", p, host)
		}
		suffix := "/" + strings.ToUpper(code)
		if !strings.HasSuffix(p, suffix) {
			t.Fatalf("payload %q does not end in the upper-cased code %q", p, suffix)
		}
		for i := 0; i < len(p); i++ {
			if p[i] <= ' ' || p[i] >= 0x7f {
				t.Fatalf("payload %q has byte %#x; a printed URL must be visible ASCII", p, p[i])
			}
		}
		// Feeding the result back must be a fixed point, or the same venue
		// could end up with two different posters.
		if again, err := Payload(strings.TrimSuffix(p, suffix), code); err != nil || again != p {
			t.Fatalf("Payload(%q, %q) = %q, %v; want the fixed point %q", strings.TrimSuffix(p, suffix), code, again, err, p)
		}

		s, err := Encode(p)
		if err != nil {
			if len(p) <= byteModeCapacity {
				t.Fatalf("Encode(%q): %v", p, err)
			}
			return
		}
		if v := version(s); (s.Size()-2*QuietZone-17)%4 != 0 || v < 1 || v > 40 {
			t.Fatalf("Encode(%q): size %d is not a QR symbol with quiet zone", p, s.Size())
		}
		for i := 0; i < s.Size(); i++ {
			if s.Dark(i, 0) || s.Dark(0, i) || s.Dark(i, s.Size()-1) || s.Dark(s.Size()-1, i) {
				t.Fatalf("Encode(%q): dark module on the outer edge", p)
			}
		}
	})
}
