package qr

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/realtools"
)

// decodePayloads mix short and long payloads and a case-sensitive path.
var decodePayloads = []struct{ base, code string }{
	{"https://wm.example", "a"},
	{"https://waymark.example/", "abc123"},
	{"https://Waymark.example/Help/", "X9y8Z7"},
	{"http://localhost:8080", strings.Repeat("Code42", 20)},
}

func TestDecodePNG(t *testing.T) {
	realtools.Need(t, "zbarimg", "zbar-tools")
	dir := t.TempDir()
	for _, tt := range decodePayloads {
		payload, err := Payload(tt.base, tt.code)
		if err != nil {
			t.Fatal(err)
		}
		s := mustEncode(t, payload)
		// zbar cannot read 1-pixel modules (which MinPNG gives for most
		// symbols), so start at the smallest size with 2-pixel modules.
		for _, px := range []int{max(2*s.Size(), MinPNG), 300, 1000} {
			b, err := s.PNG(px)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "code.png")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := realtools.DecodeQR(t, file); got != payload {
				t.Errorf("PNG(%d) of %q decodes to %q", px, payload, got)
			}
		}
	}
}

func TestDecodeSVG(t *testing.T) {
	realtools.Need(t, "zbarimg", "zbar-tools")
	rsvg := realtools.Need(t, "rsvg-convert", "librsvg2-bin")
	dir := t.TempDir()
	for _, tt := range decodePayloads {
		payload, err := Payload(tt.base, tt.code)
		if err != nil {
			t.Fatal(err)
		}
		s := mustEncode(t, payload)
		sized, err := s.SVGWithSize("40mm")
		if err != nil {
			t.Fatal(err)
		}
		for name, svg := range map[string][]byte{
			"SVG":         s.SVG(),
			"SVGWithSize": sized,
			"SVGInline":   s.SVGInline("Scan for help & info"),
		} {
			in, out := filepath.Join(dir, "code.svg"), filepath.Join(dir, "code.png")
			if err := os.WriteFile(in, svg, 0o644); err != nil {
				t.Fatal(err)
			}
			// A width that is not a multiple of the module count makes the
			// rasteriser anti-alias module edges, as a real display would.
			cmd := exec.Command(rsvg, "--width", "333", "--keep-aspect-ratio", "--output", out, in)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("rsvg-convert %s of %q: %v\n%s", name, payload, err, msg)
			}
			if got := realtools.DecodeQR(t, out); got != payload {
				t.Errorf("%s of %q decodes to %q", name, payload, got)
			}
		}
	}
}
