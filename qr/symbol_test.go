package qr

import (
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// samplePayloads span small and large symbol versions.
var samplePayloads = []string{
	"HTTPS://WM.EXAMPLE/A",
	"HTTPS://WAYMARK.EXAMPLE/ABC123",
	"HTTPS://WAYMARK.EXAMPLE/help/ABC123",
	"HTTP://[::1]:8080/" + strings.Repeat("Z9", 60),
	"HTTPS://WAYMARK.EXAMPLE/" + strings.Repeat("0123456789ABCDEFGHIJ", 30),
}

// version recovers the QR version from the module count.
func version(s *Symbol) int { return (s.Size() - 2*QuietZone - 17) / 4 }

func mustEncode(t testing.TB, payload string) *Symbol {
	t.Helper()
	s, err := Encode(payload)
	if err != nil {
		t.Fatalf("Encode(%q): %v", payload, err)
	}
	return s
}

func TestQuietZone(t *testing.T) {
	const zone = 4 // ISO 18004's minimum, spelled out rather than QuietZone
	for _, p := range samplePayloads {
		s := mustEncode(t, p)
		n := s.Size()
		if v := (n - 2*zone - 17) / 4; (n-2*zone-17)%4 != 0 || v < 1 || v > 40 {
			t.Fatalf("%q: size %d is not a QR version plus a %d-module quiet zone", p, n, zone)
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				inZone := x < zone || y < zone || x >= n-zone || y >= n-zone
				if inZone && s.Dark(x, y) {
					t.Fatalf("%q: quiet-zone module (%d,%d) is dark", p, x, y)
				}
			}
		}
		// The finder patterns' outer corners must sit right inside the
		// quiet zone; otherwise the zone is wider than 4 or off-centre.
		for _, c := range [][2]int{{zone, zone}, {n - 1 - zone, zone}, {zone, n - 1 - zone}} {
			if !s.Dark(c[0], c[1]) {
				t.Errorf("%q: finder corner (%d,%d) is light", p, c[0], c[1])
			}
		}
	}
}

func TestDarkOutside(t *testing.T) {
	s := mustEncode(t, samplePayloads[0])
	for _, c := range [][2]int{{-1, 4}, {4, -1}, {s.Size(), 4}, {4, s.Size()}} {
		if s.Dark(c[0], c[1]) {
			t.Errorf("Dark(%d,%d) outside the symbol = true", c[0], c[1])
		}
	}
}

// formatInfo reads both copies of the 15-bit format information
// (ISO 18004 §7.9) straight from the modules, so the tests check what a
// scanner sees rather than what we asked skip2 for.
func formatInfo(s *Symbol) (first, second int) {
	n := s.Size() - 2*QuietZone
	bit := func(x, y int) int {
		if s.Dark(x+QuietZone, y+QuietZone) {
			return 1
		}
		return 0
	}
	for i := 0; i <= 5; i++ {
		first |= bit(8, i) << i
	}
	first |= bit(8, 7)<<6 | bit(8, 8)<<7 | bit(7, 8)<<8
	for i := 9; i < 15; i++ {
		first |= bit(14-i, 8) << i
	}
	for i := 0; i < 8; i++ {
		second |= bit(n-1-i, 8) << i
	}
	for i := 8; i < 15; i++ {
		second |= bit(8, n-15+i) << i
	}
	return first, second
}

// isoLevel decodes the error correction letter from format information,
// after checking its BCH(15,5) code so that misread modules cannot pass.
func isoLevel(t *testing.T, s *Symbol) string {
	t.Helper()
	first, second := formatInfo(s)
	if first != second {
		t.Fatalf("format information copies differ: %015b vs %015b", first, second)
	}
	bits := first ^ 0x5412
	data := bits >> 10
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	if data<<10|rem&0x3ff != bits {
		t.Fatalf("format information %015b fails its BCH check", first)
	}
	return [4]string{"M", "L", "H", "Q"}[data>>3]
}

func TestLevels(t *testing.T) {
	const p = "HTTPS://WAYMARK.EXAMPLE/ABC123"
	for level, want := range map[qrcode.RecoveryLevel]string{
		qrcode.Low: "L", qrcode.Medium: "M", qrcode.High: "Q", qrcode.Highest: "H",
	} {
		s, err := EncodeLevel(p, level)
		if err != nil {
			t.Fatalf("EncodeLevel(%v): %v", level, err)
		}
		if got := isoLevel(t, s); got != want {
			t.Errorf("EncodeLevel(skip2 level %d) wrote ISO level %s, want %s", level, got, want)
		}
	}
}

func TestDefaultLevelIsSkip2High(t *testing.T) {
	if DefaultLevel != qrcode.High {
		t.Fatalf("DefaultLevel = %d, want qrcode.High (%d)", DefaultLevel, qrcode.High)
	}
	for _, p := range samplePayloads {
		s := mustEncode(t, p)
		if s.level != qrcode.High {
			t.Errorf("%q: Encode used skip2 level %d, want qrcode.High", p, s.level)
		}
		if got := isoLevel(t, s); got != "Q" {
			t.Errorf("%q: Encode wrote ISO level %s, want Q (skip2 High)", p, got)
		}
	}
}

// Our own quiet zone should reproduce skip2's bordered bitmap exactly; if a
// skip2 upgrade changes its border or mask choice this will say so.
func TestMatchesSkip2Bitmap(t *testing.T) {
	for _, p := range samplePayloads {
		q, err := qrcode.New(p, qrcode.High)
		if err != nil {
			t.Fatal(err)
		}
		want := q.Bitmap()
		s := mustEncode(t, p)
		if len(want) != s.Size() {
			t.Fatalf("%q: size %d, skip2 bordered size %d", p, s.Size(), len(want))
		}
		for y, row := range want {
			for x, dark := range row {
				if s.Dark(x, y) != dark {
					t.Fatalf("%q: module (%d,%d) differs from skip2's bordered bitmap", p, x, y)
				}
			}
		}
	}
}

func TestUpperCaseSavesAVersion(t *testing.T) {
	upper, err := Payload("https://wm.example", "abc123")
	if err != nil {
		t.Fatal(err)
	}
	lower := strings.ToLower(upper)
	vu, vl := version(mustEncode(t, upper)), version(mustEncode(t, lower))
	if vu >= vl {
		t.Errorf("version(%q) = %d, not smaller than version(%q) = %d", upper, vu, lower, vl)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		level   qrcode.RecoveryLevel
		wantErr string
	}{
		{"empty", "", qrcode.High, "empty payload"},
		{"bad level", "X", qrcode.RecoveryLevel(9), "unknown recovery level"},
		{"too long", strings.Repeat("\xff", 3000), qrcode.High, "3000-byte payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := EncodeLevel(tt.payload, tt.level)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("EncodeLevel = %v, %v; want error containing %q", s, err, tt.wantErr)
			}
		})
	}
}
