package main

// CLI tests run the command in-process through run(ctx, args, stdout,
// stderr), exactly as main does, and check its files with real tools
// (zbar, librsvg, poppler). This file also holds the helpers that
// poster_test.go and serve_test.go share.

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

// lockedBuffer lets a test read what a running command writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// cli runs `waymark args...` in-process and returns its exit code and
// output.
func cli(t testing.TB, args ...string) (code int, stdout, stderr *lockedBuffer) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	code = run(context.Background(), args, stdout, stderr)
	return code, stdout, stderr
}

// demoVenues are the venues of the embedded demo config.
func demoVenues(t testing.TB) []site.Venue {
	t.Helper()
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := site.Demo(cat)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Venues
}

func TestQRPNGFile(t *testing.T) {
	realtools.Need(t, "zbarimg", "zbar-tools")
	file := filepath.Join(t.TempDir(), "k7q2m.png")
	code, stdout, stderr := cli(t, "qr", "K7Q2M", "--format", "png", "--size", "400", "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout.String() != "" {
		t.Errorf("-o FILE still wrote %d bytes to stdout", len(stdout.String()))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s is not a PNG", file)
	}
	if got, want := realtools.DecodeQR(t, file), "HTTP://LOCALHOST:8080/K7Q2M"; got != want {
		t.Errorf("qr PNG decodes to %q, want %q", got, want)
	}
}

func TestQRSVGStdout(t *testing.T) {
	rsvg := realtools.Need(t, "rsvg-convert", "librsvg2-bin")
	realtools.Need(t, "zbarimg", "zbar-tools")
	// A lower-case code is the same venue; --base-url goes into the code
	// with its scheme and host upper-cased.
	code, stdout, stderr := cli(t, "qr", "k7q2m", "--format", "svg", "--base-url", "https://Help.Example.org")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "<svg") {
		t.Fatalf("stdout is not an SVG: %.80q", stdout.String())
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "qr.svg"), filepath.Join(dir, "qr.png")
	if err := os.WriteFile(in, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	realtools.Run(t, rsvg, "-w", "400", "-b", "white", "-o", out, in)
	if got, want := realtools.DecodeQR(t, out), "HTTPS://HELP.EXAMPLE.ORG/K7Q2M"; got != want {
		t.Errorf("qr SVG decodes to %q, want %q", got, want)
	}
}

func TestQRErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"qr", "ZZZZZ"}, 1, "waymark venues"},
		{[]string{"qr", "x!"}, 1, "waymark venues"},
		{[]string{"qr"}, 2, "Usage: waymark qr"},
		{[]string{"qr", "K7Q2M", "R4T8W"}, 2, "Usage: waymark qr"},
		{[]string{"qr", "K7Q2M", "--format", "gif"}, 1, "choose svg or png"},
		{[]string{"qr", "K7Q2M", "--format", "png", "--size", "10"}, 1, "outside"},
		{[]string{"qr", "K7Q2M", "--format", "svg", "--size", "10"}, 1, "outside"},
		{[]string{"qr", "K7Q2M", "--format", "png", "--size", "5000"}, 1, "outside"},
		{[]string{"qr", "K7Q2M", "--base-url", "ftp://x.example"}, 1, "http"},
		{[]string{"qr", "K7Q2M", "--no-such-flag"}, 2, "no-such-flag"},
	} {
		code, stdout, stderr := cli(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, stderr)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, stderr, tt.want)
		}
		if stdout.String() != "" {
			t.Errorf("%v: wrote %q to stdout on error", tt.args, stdout)
		}
	}
}

// TestQRSize: --size is a minimum for PNG (whole modules, rounded up: 64
// once gave 33 px) and the width and height of an SVG; the PNG still
// decodes.
func TestQRSize(t *testing.T) {
	realtools.Need(t, "zbarimg", "zbar-tools")
	dir := t.TempDir()
	for _, px := range []int{64, 65, 100, 1024, 4096} {
		file := filepath.Join(dir, fmt.Sprintf("q%d.png", px))
		if code, _, stderr := cli(t, "qr", "K7Q2M", "--format", "png", "--size", strconv.Itoa(px), "-o", file); code != 0 {
			t.Fatalf("--size %d: exit %d: %s", px, code, stderr)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// At least px, except at the maximum, where whole modules
		// round down to stay within it.
		lo, hi := px, px+40
		if px == qr.MaxPNG {
			lo, hi = px-40, px
		}
		if cfg.Width < lo || cfg.Width > hi || cfg.Height != cfg.Width {
			t.Errorf("--size %d gave %dx%d px, want a square of %d to %d", px, cfg.Width, cfg.Height, lo, hi)
		}
		if px == 100 || px == 1024 {
			if got := realtools.DecodeQR(t, file); got != "HTTP://LOCALHOST:8080/K7Q2M" {
				t.Errorf("--size %d decodes to %q", px, got)
			}
		}
	}

	code, stdout, stderr := cli(t, "qr", "K7Q2M", "--format", "svg", "--size", "300")
	if code != 0 {
		t.Fatalf("svg --size 300: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), `width="300px" height="300px"`) {
		t.Errorf("svg --size 300 lacks width and height 300px: %.200s", stdout)
	}
	code, stdout, _ = cli(t, "qr", "K7Q2M", "--format", "svg")
	if svgTag := regexp.MustCompile(`<svg[^>]*>`).FindString(stdout.String()); code != 0 || svgTag == "" || strings.Contains(svgTag, "width=") {
		t.Errorf("svg without --size should scale to its box: %.200s", stdout)
	}
}

// TestVenuesThenQR: `venues` prints one line per demo venue, code first and
// no header, and every code it prints is one that `qr` accepts.
func TestVenuesThenQR(t *testing.T) {
	code, stdout, stderr := cli(t, "venues")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	venues := demoVenues(t)
	if len(lines) != len(venues) {
		t.Fatalf("venues printed %d lines for %d demo venues:\n%s", len(lines), len(venues), stdout)
	}
	for i, v := range venues {
		fields := strings.Split(lines[i], "\t")
		if fields[0] != v.Code {
			t.Errorf("line %d starts with %q, want the code %s (no header line)", i+1, fields[0], v.Code)
		}
		if len(fields) != 4 || fields[1] != v.Region || fields[2] != strings.Join(v.Languages, ",") || fields[3] != v.Name {
			t.Errorf("line %d = %q, want code, region, languages, name", i+1, lines[i])
		}
		if code, out, errOut := cli(t, "qr", fields[0]); code != 0 || !strings.Contains(out.String(), "<svg") {
			t.Errorf("qr %s: exit %d, %s", fields[0], code, errOut)
		}
	}
}
