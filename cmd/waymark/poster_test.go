package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// TestPosterPDF prints an A5 poster in English and Arabic through the CLI
// and checks the PDF with poppler. It starts one browser.
func TestPosterPDF(t *testing.T) {
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (Debian package chromium)", err)
		}
		t.Skip(err)
	}
	pdfinfo := realtools.Need(t, "pdfinfo", "poppler-utils")
	pdftotext := realtools.Need(t, "pdftotext", "poppler-utils")

	file := filepath.Join(t.TempDir(), "k7q2m-a5.pdf")
	code, stdout, stderr := cli(t, "poster", "K7Q2M", "--size", "A5", "--langs", "EN,Ar", "--base-url", "https://help.example.org", "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout.String() != "" {
		t.Errorf("-o FILE still wrote to stdout")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF", file)
	}

	info := realtools.Run(t, pdfinfo, file)
	// Issue 22, finding 10: nothing says what printed it, where or when
	// (the browser put its version and the OS in /Creator).
	if m := regexp.MustCompile(`(?im)^(Creator|Producer|CreationDate|ModDate|Author):.*\S.*$`).FindAllString(info, -1); len(m) > 0 {
		t.Errorf("the PDF carries metadata: %q", m)
	}
	for _, leak := range []string{"Chrome", "Mozilla", "Skia", "Linux", "X11"} {
		if bytes.Contains(data, []byte(leak)) || strings.Contains(info, leak) {
			t.Errorf("the PDF names %q", leak)
		}
	}
	m := regexp.MustCompile(`(?m)^Page size:\s+([0-9.]+) x ([0-9.]+) pts`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo lacks the page size:\n%s", info)
	}
	w, _ := strconv.ParseFloat(m[1], 64)
	h, _ := strconv.ParseFloat(m[2], 64)
	// A5 is 148 x 210 mm = 419.528 x 595.276 pt; ISO 216 within 0.05 mm.
	if wmm, hmm := w*25.4/72, h*25.4/72; wmm < 147.95 || wmm > 148.05 || hmm < 209.95 || hmm > 210.05 {
		t.Errorf("page is %.3f x %.3f mm, want A5 (148 x 210 mm within 0.05 mm)", wmm, hmm)
	}
	if !regexp.MustCompile(`(?m)^Pages:\s+1$`).MatchString(info) {
		t.Errorf("want exactly one page:\n%s", info)
	}

	// Only the chosen languages, in Arabic script too.
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	text := squash(realtools.Run(t, pdftotext, "-enc", "UTF-8", file, "-"))
	for _, id := range []string{"en", "ar"} {
		loc, _ := cat.Locale(id)
		if h := squash(loc.Text("poster.headline")); !strings.Contains(text, h) {
			t.Errorf("PDF text lacks the %s headline %q", id, h)
		}
	}
	if loc, _ := cat.Locale("sq"); strings.Contains(text, squash(loc.Text("poster.headline"))) {
		t.Error("PDF has the Albanian headline, which --langs en,ar left out")
	}
	if !strings.Contains(text, "help.example.org/K7Q2M") {
		t.Error("PDF text lacks the short address")
	}
}

// TestPosterHTMLAndErrors needs no browser: --html writes the print-ready
// page, and bad arguments fail before any printing.
func TestPosterHTMLAndErrors(t *testing.T) {
	code, stdout, stderr := cli(t, "poster", "K7Q2M", "--html", "--size", "A3", "--allow-local", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "@page{size:297mm 420mm}") {
		t.Error("--html --size A3 output lacks @page{size:297mm 420mm}")
	}
	if !strings.Contains(stdout.String(), "localhost:8080/") {
		t.Error("--allow-local without --base-url does not print localhost:8080")
	}

	// --discreet: no helpline number (K7Q2M's region has 08000 121 700).
	code, stdout, stderr = cli(t, "poster", "K7Q2M", "--html", "--discreet", "--base-url", "https://help.example.org", "-o", "-")
	if code != 0 {
		t.Fatalf("--discreet: exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout.String(), "08000 121 700") || !strings.Contains(stdout.String(), `class="tears discreet"`) {
		t.Error("--discreet still prints the helpline number, or no discreet strips")
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"poster", "K7Q2M", "--html", "--allow-local", "--langs", "en,xx"}, `"xx"`},
		{[]string{"poster", "K7Q2M", "--html", "--allow-local", "--langs", "en,sq,vi,ti,ar,nl,es"}, "at most 6"},
		{[]string{"poster", "K7Q2M", "--html", "--allow-local", "--langs", "en,ar,EN"}, `"en" is listed twice`},
		// No poster for localhost: without a public --base-url the
		// commands say how to set one.
		{[]string{"poster", "K7Q2M", "--html"}, "set it to the public address"},
		{[]string{"poster", "K7Q2M", "--html", "--base-url", "http://localhost:8080"}, "--allow-local"},
		{[]string{"poster", "K7Q2M", "--base-url", "http://192.168.1.20"}, "local address"},
		{[]string{"posters", "--out", t.TempDir()}, "--base-url"},
		{[]string{"posters", "--out", t.TempDir(), "--base-url", "http://127.0.0.1:8080"}, "--allow-local"},
	} {
		code, stdout, stderr := cli(t, tt.args...)
		if code != 1 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, stderr, tt.want)
		}
		if stdout.String() != "" {
			t.Errorf("%v: wrote to stdout on error", tt.args)
		}
	}
}

// squash is the NFKC form of s without spaces, line breaks and format
// characters: pdftotext wraps Arabic in U+202B/U+202C embedding marks and
// breaks lines where the layout did.
func squash(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
