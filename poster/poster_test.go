package poster_test

// Poster tests check the HTML layout directly and the printed PDF with the
// tools a print shop or a phone would use: poppler (pdffonts, pdftotext,
// pdfinfo, pdftoppm), librsvg and zbar. Nothing here decodes a QR code or
// reads a PDF with our own code.
//
// Printing is slow (a Chromium tab per poster), so one Printer serves the
// whole test binary and the tests print only three PDFs: K7Q2M in A4 and A3
// (Latin, Vietnamese, Ethiopic, Arabic) and S5FJ3 in A4 (Chinese). The
// rendered A4 pages are also copied to /tmp/poster-look/ for a human to look
// at.

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

const (
	testBase = "http://localhost:8080"
	// lookDir is where the rendered pages are copied for a human to view.
	lookDir = "/tmp/poster-look"
)

var (
	siteOnce sync.Once
	demoSite *pages.Site
	siteErr  error

	// printer is shared by every test (and benchmark) of this binary, so
	// that Chromium starts once; TestMain closes it.
	printer    poster.Printer
	firstPrint sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	printer.Close()
	os.Exit(code)
}

func demo(t testing.TB) *pages.Site {
	t.Helper()
	siteOnce.Do(func() {
		demoSite, siteErr = pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return demoSite
}

func venue(t testing.TB, code string) *site.Venue {
	t.Helper()
	v, ok := demo(t).Config.Venue(code)
	if !ok {
		t.Fatalf("demo has no venue %s", code)
	}
	return v
}

func size(t testing.TB, name string) poster.Size {
	t.Helper()
	sz, err := poster.SizeByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return sz
}

// render returns the poster HTML of one demo venue.
func render(t testing.TB, code, sizeName string, langs ...string) []byte {
	t.Helper()
	b, err := poster.Render(demo(t), assets.FS(), []*site.Venue{venue(t, code)},
		poster.Options{Size: size(t, sizeName), Langs: langs, BaseURL: testBase})
	if err != nil {
		t.Fatalf("Render %s %s %v: %v", code, sizeName, langs, err)
	}
	return b
}

// headline is a language's poster headline as the catalog has it.
func headline(t testing.TB, langID string) string {
	t.Helper()
	loc, ok := demo(t).Catalog.Locale(langID)
	if !ok {
		t.Fatalf("catalog has no %s", langID)
	}
	h := loc.Text("poster.headline")
	if h == "" || h == "poster.headline" {
		t.Fatalf("%s has no poster.headline", langID)
	}
	return h
}

// tearLabel is a language's strip label, which is also the headline of
// a poster whose strip line is not confidential.
func tearLabel(t testing.TB, langID string) string {
	t.Helper()
	loc, ok := demo(t).Catalog.Locale(langID)
	if !ok {
		t.Fatalf("catalog has no %s", langID)
	}
	return loc.Text("poster.tear")
}

func requireBrowser(t testing.TB) {
	t.Helper()
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (Debian package chromium)", err)
		}
		t.Skip(err)
	}
}

// printPDF prints html with the shared printer and writes it to dir/name.
// The first print of the binary includes starting Chromium; its time is
// logged.
func printPDF(t testing.TB, html []byte, dir, name string) string {
	t.Helper()
	requireBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	pdf, err := printer.PDF(ctx, html)
	if err != nil {
		t.Fatalf("print %s: %v", name, err)
	}
	firstPrint.Do(func() {
		t.Logf("TIMING first poster PDF including browser start: %v", time.Since(start).Round(time.Millisecond))
	})
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print %s: output is not a PDF: %.20q", name, pdf)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// ---------------------------------------------------------------------------
// HTML

var (
	pageSizeRE = regexp.MustCompile(`@page\{size:([0-9.]+)mm ([0-9.]+)mm\}`)
	qrVarRE    = regexp.MustCompile(`--qr:([0-9.]+)mm`)
	blockRE    = regexp.MustCompile(`<section class="block" lang="([^"]*)" dir="([^"]*)">`)
	htmlLangRE = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)
	sosRE      = regexp.MustCompile(`(?s)<p class="sos"[^>]*>(.*?)</p>`)
	urlRE      = regexp.MustCompile(`(?s)<p class="url">(.*?)</p>`)
	qrSVGRE    = regexp.MustCompile(`(?s)<div class="qr">(<svg.*?</svg>)`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	inlineRE   = regexp.MustCompile(`</?(span|bdi|wbr)\b[^>]*>`)
	styleRE    = regexp.MustCompile(`(?s)<style>.*?</style>`)
	scriptRE   = regexp.MustCompile(`(?s)<script>.*?</script>`)
)

// visibleText is the text of the HTML body without tags, unescaped.
func visibleText(b []byte) string {
	s := styleRE.ReplaceAllString(string(b), " ")
	s = scriptRE.ReplaceAllString(s, " ")
	s = inlineRE.ReplaceAllString(s, "") // the address is split into unbreakable parts
	return html.UnescapeString(tagRE.ReplaceAllString(s, " "))
}

func parseMM(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRenderSizes checks each paper size's page rule and QR size, and what
// every poster must say, straight from the HTML.
func TestRenderSizes(t *testing.T) {
	tests := []struct {
		size  string
		w, h  float64
		minQR float64 // mm, quiet zone included
	}{
		// About a tenth of the scanning distance: A5 at arm's length
		// (60 cm), A4 at a metre, A3 across a corridor (1.5 m).
		{"A5", 148, 210, 60},
		{"A4", 210, 297, 100},
		{"A3", 297, 420, 150},
	}
	for _, tt := range tests {
		t.Run(tt.size, func(t *testing.T) {
			b := render(t, "K7Q2M", tt.size)
			doc := string(b)

			pm := pageSizeRE.FindAllStringSubmatch(doc, -1)
			if len(pm) != 1 {
				t.Fatalf("found %d @page{size:...} rules, want exactly 1", len(pm))
			}
			if w, h := parseMM(t, pm[0][1]), parseMM(t, pm[0][2]); w != tt.w || h != tt.h {
				t.Errorf("@page size %gmm x %gmm, want %gmm x %gmm", w, h, tt.w, tt.h)
			}

			qm := qrVarRE.FindAllStringSubmatch(doc, -1)
			if len(qm) != 1 {
				t.Fatalf("found %d --qr declarations, want exactly 1", len(qm))
			}
			if q := parseMM(t, qm[0][1]); q < tt.minQR {
				t.Errorf("--qr is %gmm, want at least %gmm on %s", q, tt.minQR, tt.size)
			}
			// The variable only matters if the code's box uses it and the
			// SVG fills the box.
			for _, rule := range []string{".qr{inline-size:var(--qr);block-size:var(--qr)", ".qr svg{display:block;inline-size:100%;block-size:100%}"} {
				if !strings.Contains(doc, rule) {
					t.Errorf("poster CSS lacks %q, so --qr may not size the code", rule)
				}
			}
			if !qrSVGRE.MatchString(doc) {
				t.Error("no inline <svg> inside <div class=\"qr\">")
			}

			// Each block has its own lang and dir; Arabic reads right to left.
			blocks := blockRE.FindAllStringSubmatch(doc, -1)
			want := venue(t, "K7Q2M").Languages
			if len(blocks) != len(want) {
				t.Fatalf("%d language blocks, want %d (%v)", len(blocks), len(want), want)
			}
			for i, m := range blocks {
				wantDir := "ltr"
				if m[1] == "ar" {
					wantDir = "rtl"
				}
				if m[1] != want[i] || m[2] != wantDir {
					t.Errorf("block %d: lang=%q dir=%q, want lang=%q dir=%q", i, m[1], m[2], want[i], wantDir)
				}
			}

			text := visibleText(b)
			for _, s := range []string{"localhost:8080/K7Q2M", "08000 121 700"} {
				if !strings.Contains(text, s) {
					t.Errorf("poster text lacks %q", s)
				}
			}
			if m := urlRE.FindStringSubmatch(doc); m == nil || !strings.Contains(visibleText([]byte(m[1])), "localhost:8080/K7Q2M") {
				t.Errorf("the large printed address is %q, want localhost:8080/K7Q2M", m)
			}
			if m := sosRE.FindStringSubmatch(doc); m == nil || !strings.Contains(m[1], "999") {
				t.Errorf("emergency line is %q, want it to carry 999", m)
			}
		})
	}
}

// TestRenderLanguageChoice: chosen languages come in the given order, the
// first sets the page's own lang and dir, and too many or unknown
// languages are clear errors.
func TestRenderLanguageChoice(t *testing.T) {
	b := render(t, "K7Q2M", "A4", "ar", "en")
	if m := htmlLangRE.FindStringSubmatch(string(b)); m == nil || m[1] != "ar" || m[2] != "rtl" {
		t.Errorf("<html> lang/dir = %v, want ar rtl", m)
	}
	blocks := blockRE.FindAllStringSubmatch(string(b), -1)
	if len(blocks) != 2 || blocks[0][1] != "ar" || blocks[0][2] != "rtl" || blocks[1][1] != "en" || blocks[1][2] != "ltr" {
		t.Errorf("blocks = %v, want ar/rtl then en/ltr", blocks)
	}
	if !strings.Contains(visibleText(b), headline(t, "ar")) {
		t.Errorf("poster lacks the Arabic headline %q", headline(t, "ar"))
	}

	six := []string{"en", "sq", "vi", "ti", "ar", "nl"}
	b = render(t, "K7Q2M", "A4", six...)
	if n := len(blockRE.FindAllString(string(b), -1)); n != 6 {
		t.Errorf("six languages gave %d blocks", n)
	}

	seven := append(six, "es")
	_, err := poster.Render(demo(t), assets.FS(), []*site.Venue{venue(t, "K7Q2M")},
		poster.Options{Size: size(t, "A4"), Langs: seven, BaseURL: testBase})
	if err == nil {
		t.Fatal("seven languages rendered without error")
	}
	if msg := err.Error(); !strings.Contains(msg, "7 languages") || !strings.Contains(msg, strconv.Itoa(poster.MaxLanguages)) {
		t.Errorf("error for seven languages is unclear: %q", msg)
	}

	_, err = poster.Render(demo(t), assets.FS(), []*site.Venue{venue(t, "K7Q2M")},
		poster.Options{Size: size(t, "A4"), Langs: []string{"en", "xx"}, BaseURL: testBase})
	if err == nil || !strings.Contains(err.Error(), `"xx"`) {
		t.Errorf("unknown language: err = %v, want an error naming \"xx\"", err)
	}

	if _, err := poster.SizeByName("B5"); err == nil {
		t.Error("SizeByName accepted B5")
	}
	if sz, err := poster.SizeByName("a3"); err != nil || sz.Name != "A3" {
		t.Errorf("SizeByName(a3) = %v, %v", sz.Name, err)
	}
}

// TestRenderLanguageIDs: --langs and the staff form may spell a language
// in any letter case; a language twice is refused, not printed twice.
func TestRenderLanguageIDs(t *testing.T) {
	b := render(t, "K7Q2M", "A4", "AR", "En", "zh-hans")
	blocks := blockRE.FindAllStringSubmatch(string(b), -1)
	if len(blocks) != 3 || blocks[0][1] != "ar" || blocks[1][1] != "en" || blocks[2][1] != "zh-Hans" {
		t.Errorf("blocks = %v, want ar, en, zh-Hans", blocks)
	}
	for _, langs := range [][]string{{"en", "EN"}, {"ar", "en", "ar"}} {
		_, err := poster.Render(demo(t), assets.FS(), []*site.Venue{venue(t, "K7Q2M")},
			poster.Options{Size: size(t, "A4"), Langs: langs, BaseURL: testBase})
		if err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("%v: err = %v, want an error saying a language is listed twice", langs, err)
		}
	}
}

// TestRenderFontsNeeded: the HTML embeds a script's fonts only when its
// languages use the script.
func TestRenderFontsNeeded(t *testing.T) {
	faceRE := regexp.MustCompile(`@font-face\{font-family:"([^"]+)";font-weight:(\d+)`)
	for _, tt := range []struct {
		code  string
		langs []string
		want  []string
	}{
		{"K7Q2M", []string{"en"}, []string{"NotoSans"}},
		{"K7Q2M", []string{"en", "nl", "vi", "uk"}, []string{"NotoSans"}},
		{"K7Q2M", []string{"fa", "en"}, []string{"NotoSans", "NotoSansArabic"}},
		{"K7Q2M", nil, []string{"NotoSans", "NotoSansArabic", "NotoSansEthiopic"}},
		{"K7Q2M", []string{"am"}, []string{"NotoSans", "NotoSansEthiopic"}},
		{"S5FJ3", nil, []string{"NotoSans", "NotoSansSC"}},
	} {
		doc := string(render(t, tt.code, "A4", tt.langs...))
		got := map[string]int{}
		for _, m := range faceRE.FindAllStringSubmatch(doc, -1) {
			got[m[1]]++
		}
		for _, f := range tt.want {
			if got[f] != 2 {
				t.Errorf("%s %v: %d faces of %s, want regular and bold", tt.code, tt.langs, got[f], f)
			}
			delete(got, f)
		}
		if len(got) > 0 {
			t.Errorf("%s %v: embeds fonts its languages do not need: %v", tt.code, tt.langs, got)
		}
	}
}

// TestRenderDiscreet: the discreet poster has the neutral headline and no
// helpline number anywhere; its strips carry the address only.
func TestRenderDiscreet(t *testing.T) {
	s := demo(t)
	en, _ := s.Catalog.Locale("en")
	plain := visibleText(render(t, "K7Q2M", "A4", "en"))
	b, err := poster.Render(s, assets.FS(), []*site.Venue{venue(t, "K7Q2M")},
		poster.Options{Size: size(t, "A4"), Langs: []string{"en"}, BaseURL: testBase, Discreet: true})
	if err != nil {
		t.Fatal(err)
	}
	text := visibleText(b)
	if !strings.Contains(plain, "08000 121 700") {
		t.Fatal("the ordinary poster lacks the helpline number; the test is wrong")
	}
	if strings.Contains(text, "08000 121 700") || strings.Contains(text, "0800") {
		t.Error("the discreet poster prints the helpline number")
	}
	if h := en.Text("poster.headline"); strings.Contains(text, h) {
		t.Errorf("the discreet poster still says %q", h)
	}
	if h := en.Text("poster.tear"); !strings.Contains(text, h) {
		t.Errorf("the discreet poster lacks the neutral headline %q", h)
	}
	strips := regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllSubmatch(b, -1)
	if len(strips) != size(t, "A4").TearStrips {
		t.Fatalf("%d strips", len(strips))
	}
	for _, m := range strips {
		if got := strings.TrimSpace(visibleText(m[1])); got != "localhost:8080/K7Q2M" {
			t.Errorf("a discreet strip says %q, want the short address only", got)
		}
	}
}

// TestIsLocal: addresses only this computer or its network can reach.
func TestIsLocal(t *testing.T) {
	for _, tt := range []struct {
		url   string
		local bool
	}{
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://app.localhost", true},
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080", true},
		{"http://192.168.1.20", true},
		{"http://10.0.0.5", true},
		{"http://172.20.1.1", true},
		{"http://169.254.1.1", true},
		{"http://100.101.102.103", true},
		{"http://[fd12:3456::1]", true},
		{"http://100.128.0.1", false},
		{"http://0.0.0.0:8080", true},
		{"http://kiosk", true},
		{"http://printer.local", true},
		{"", true},
		{"not a url", true},
		{"https://help.example.org", false},
		{"https://help.example.org/nl/", false},
		{"http://203.0.113.7", false},
		{"https://help-and-advice-for-everyone.example.org", false},
	} {
		if got := poster.IsLocal(tt.url); got != tt.local {
			t.Errorf("IsLocal(%q) = %v, want %v", tt.url, got, tt.local)
		}
	}
}

// TestRenderAllVenues: one document with a sheet per venue.
func TestRenderAllVenues(t *testing.T) {
	s := demo(t)
	var vs []*site.Venue
	for i := range s.Config.Venues {
		vs = append(vs, &s.Config.Venues[i])
	}
	b, err := poster.Render(s, assets.FS(), vs, poster.Options{Size: size(t, "A4"), BaseURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if n := strings.Count(doc, `<main class="sheet"`); n != len(vs) {
		t.Errorf("%d sheets, want %d", n, len(vs))
	}
	text := visibleText(b)
	for _, v := range vs {
		if !strings.Contains(text, "localhost:8080/"+v.Code) {
			t.Errorf("document lacks %s's address", v.Code)
		}
	}
}

// TestRenderQRDecodes rasterises the poster's inline QR SVG with librsvg and
// reads it with zbar.
func TestRenderQRDecodes(t *testing.T) {
	realtools.Need(t, "zbarimg", "zbar-tools")
	rsvg := realtools.Need(t, "rsvg-convert", "librsvg2-bin")
	m := qrSVGRE.FindSubmatch(render(t, "K7Q2M", "A4"))
	if m == nil {
		t.Fatal("no QR SVG in the poster")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "qr.svg"), filepath.Join(dir, "qr.png")
	if err := os.WriteFile(in, m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	realtools.Run(t, rsvg, "-w", "400", "-b", "white", "-o", out, in)
	if got, want := realtools.DecodeQR(t, out), "HTTP://LOCALHOST:8080/K7Q2M"; got != want {
		t.Errorf("poster QR decodes to %q, want %q", got, want)
	}
}

// ---------------------------------------------------------------------------
// PDF

type pdfFont struct{ name, typ, emb string }

// pdfFonts runs pdffonts and splits its table by the columns that its
// dashed rule marks (font types such as "CID TrueType" contain spaces).
func pdfFonts(t testing.TB, file string) []pdfFont {
	t.Helper()
	out := realtools.Run(t, realtools.Need(t, "pdffonts", "poppler-utils"), file)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "---") {
		t.Fatalf("unexpected pdffonts output:\n%s", out)
	}
	header := lines[0]
	var cols [][2]int // start, end of each column
	start := 0
	for _, f := range strings.Split(lines[1], " ") {
		cols = append(cols, [2]int{start, start + len(f)})
		start += len(f) + 1
	}
	col := func(line string, i int) string {
		a, b := cols[i][0], cols[i][1]
		if a >= len(line) {
			return ""
		}
		return strings.TrimSpace(line[a:min(b, len(line))])
	}
	if col(header, 0) != "name" || col(header, 1) != "type" || col(header, 3) != "emb" {
		t.Fatalf("pdffonts columns are not name/type/encoding/emb:\n%s", out)
	}
	var fonts []pdfFont
	for _, l := range lines[2:] {
		fonts = append(fonts, pdfFont{name: col(l, 0), typ: col(l, 1), emb: col(l, 3)})
	}
	return fonts
}

// pdfPageSize returns pdfinfo's page count and page size in points.
func pdfPageSize(t testing.TB, file string) (pages int, w, h float64) {
	t.Helper()
	out := realtools.Run(t, realtools.Need(t, "pdfinfo", "poppler-utils"), file)
	m := regexp.MustCompile(`(?m)^Page size:\s+([0-9.]+) x ([0-9.]+) pts`).FindStringSubmatch(out)
	n := regexp.MustCompile(`(?m)^Pages:\s+([0-9]+)`).FindStringSubmatch(out)
	if m == nil || n == nil {
		t.Fatalf("pdfinfo output lacks Pages or Page size:\n%s", out)
	}
	pages, _ = strconv.Atoi(n[1])
	return pages, parseMM(t, m[1]), parseMM(t, m[2])
}

func pdfText(t testing.TB, file string) string {
	t.Helper()
	return realtools.Run(t, realtools.Need(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", file, "-")
}

// rasterise renders the first page at 150 dpi to a PNG next to the PDF.
func rasterise(t testing.TB, file string) string {
	t.Helper()
	prefix := strings.TrimSuffix(file, ".pdf")
	realtools.Run(t, realtools.Need(t, "pdftoppm", "poppler-utils"), "-r", "150", "-png", "-singlefile", file, prefix)
	return prefix + ".png"
}

// squash is the NFKC form of s without spaces, line breaks and format
// characters (bidi marks), so that text extracted from a PDF compares with
// the catalog's text whatever line breaks and presentation forms
// pdftotext chose.
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

const ptPerMM = 72 / 25.4

func checkPageSize(t *testing.T, file string, sz poster.Size) {
	t.Helper()
	n, w, h := pdfPageSize(t, file)
	if n != 1 {
		t.Errorf("%s has %d pages, want 1 (did the layout overflow?)", filepath.Base(file), n)
	}
	// ISO 216 sizes to within 0.05 mm, as pdfinfo reads them.
	if wmm, hmm := w/ptPerMM, h/ptPerMM; abs(wmm-sz.W) > 0.05 || abs(hmm-sz.H) > 0.05 {
		t.Errorf("%s page is %.3f x %.3f mm (%g x %g pts), want %s = %g x %g mm within 0.05 mm", filepath.Base(file), wmm, hmm, w, h, sz.Name, sz.W, sz.H)
	}
}

// checkPDFClean: every entry of the PDF's cross-reference table points at
// its object. The printer rewrites the page size and shifts the table;
// poppler would silently rebuild a broken table, but stricter readers at
// print shops refuse the file.
func checkPDFClean(t *testing.T, file string) {
	t.Helper()
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.LastIndex(pdf, []byte("startxref"))
	if start < 0 {
		t.Fatal("no startxref")
	}
	f := strings.Fields(string(pdf[start:]))
	off, err := strconv.Atoi(f[1])
	if err != nil || off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatalf("startxref %q does not point at the xref table", f[1])
	}
	lines := strings.Split(string(pdf[off:start]), "\n")[1:]
	obj, entries := 0, 0
	for _, line := range lines {
		w := strings.Fields(line)
		switch {
		case len(w) == 2: // subsection: first object, count
			obj, _ = strconv.Atoi(w[0])
		case len(w) == 3 && w[2] == "n":
			o, _ := strconv.Atoi(w[0])
			gen, _ := strconv.Atoi(w[1])
			if want := fmt.Sprintf("%d %d obj", obj, gen); o >= len(pdf) || !bytes.HasPrefix(pdf[o:], []byte(want)) {
				t.Errorf("xref: object %d at offset %d is not %q", obj, o, want)
			}
			obj++
			entries++
		case len(w) == 3:
			obj++
		}
	}
	if entries == 0 {
		t.Error("the xref table has no objects")
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// checkScan reads the QR code off a 150 dpi rendering of the page with
// zbar, then measures how large it was printed.
func checkScan(t *testing.T, pngFile string, sz poster.Size, code string) {
	t.Helper()
	realtools.Need(t, "zbarimg", "zbar-tools")
	want, err := qr.Payload(testBase, code)
	if err != nil {
		t.Fatal(err)
	}
	if want != "HTTP://LOCALHOST:8080/"+code {
		t.Fatalf("qr.Payload = %q; the test expects the upper-case URL", want)
	}
	if got := realtools.DecodeQR(t, pngFile); got != want {
		t.Errorf("printed %s QR decodes to %q, want %q", sz.Name, got, want)
	}

	// The symbol's printed size: --qr is the symbol with its quiet zone,
	// so the dark modules span (n-2*QuietZone)/n of it.
	sym, err := qr.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(sym.Size())
	module := sz.QR / n
	wantMM := sz.QR * (n - 2*qr.QuietZone) / n
	w, h := darkestBlockMM(t, pngFile, 150, sz.Tear, 1.5*module)
	t.Logf("%s: QR symbol printed %.1f x %.1f mm, %.1f mm with its quiet zone (--qr: %g mm)", sz.Name, w, h, w*n/(n-2*qr.QuietZone), sz.QR)
	if abs(w-wantMM) > module/2 || abs(h-wantMM) > module/2 {
		t.Errorf("%s: QR symbol printed %.1f x %.1f mm, want %.1f mm square (--qr %g mm with the quiet zone)", sz.Name, w, h, wantMM, sz.QR)
	}
}

// darkestBlockMM finds the tallest band of rows with dark pixels above the
// tear-off strips (bands are split by at least gapMM of blank rows) and
// returns the width and height of its dark pixels in mm. On a poster page
// that band is the QR symbol: its quiet zone and margins separate it from
// the text above and below. This measures the print; zbar decodes it.
func darkestBlockMM(t *testing.T, pngFile string, dpi, tearMM, gapMM float64) (w, h float64) {
	t.Helper()
	f, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	b := img.Bounds()
	limit := b.Max.Y - px(tearMM) - px(2)
	gap := px(gapMM)
	type band struct{ y0, y1, x0, x1 int }
	var best, cur band
	last := -1 << 30
	for y := b.Min.Y; y < limit; y++ {
		x0, x1 := -1, -1
		for x := b.Min.X; x < b.Max.X; x++ {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
				if x0 < 0 {
					x0 = x
				}
				x1 = x
			}
		}
		if x0 < 0 {
			continue
		}
		if y-last > gap {
			cur = band{y0: y, x0: x0, x1: x1}
		}
		cur.y1, cur.x0, cur.x1 = y, min(cur.x0, x0), max(cur.x1, x1)
		last = y
		if cur.y1-cur.y0 > best.y1-best.y0 {
			best = cur
		}
	}
	mm := func(p int) float64 { return float64(p) / dpi * 25.4 }
	return mm(best.x1 - best.x0 + 1), mm(best.y1 - best.y0 + 1)
}

func lookCopy(t *testing.T, png, name string) {
	t.Helper()
	data, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(lookDir, 0o755); err != nil {
		t.Logf("cannot copy to %s: %v", lookDir, err)
		return
	}
	dst := filepath.Join(lookDir, name)
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Logf("cannot copy to %s: %v", lookDir, err)
		return
	}
	t.Logf("look at %s", dst)
}

// TestPDF prints K7Q2M (English, Albanian, Vietnamese, Tigrinya, Arabic)
// on A4 and A3 and S5FJ3 (with Simplified Chinese) on A4, and checks the
// PDFs with poppler and zbar.
func TestPDF(t *testing.T) {
	requireBrowser(t)
	for _, tool := range []string{"pdffonts", "pdftotext", "pdfinfo", "pdftoppm"} {
		realtools.Need(t, tool, "poppler-utils")
	}
	realtools.Need(t, "zbarimg", "zbar-tools")
	dir := t.TempDir()

	t.Run("K7Q2M-A4", func(t *testing.T) {
		sz := size(t, "A4")
		file := printPDF(t, render(t, "K7Q2M", "A4"), dir, "K7Q2M-A4.pdf")
		checkPDFClean(t, file)

		checkFonts(t, pdfFonts(t, file), false, "NotoSans-Regular", "NotoSans-Bold",
			"NotoSansArabic-Regular", "NotoSansArabic-Bold", "NotoSansEthiopic-Regular", "NotoSansEthiopic-Bold")

		text := pdfText(t, file)
		sq := squash(text)
		for _, want := range []string{"08000 121 700", "localhost:8080/K7Q2M", "999"} {
			if !strings.Contains(sq, squash(want)) {
				t.Errorf("pdftotext output lacks %q:\n%s", want, text)
			}
		}
		for _, id := range []string{"en", "sq", "vi", "ti"} {
			if h := headline(t, id); !strings.Contains(sq, squash(h)) {
				t.Errorf("pdftotext output lacks the %s headline %q", id, h)
			}
		}
		checkArabic(t, sq, headline(t, "ar"))

		checkPageSize(t, file, sz)
		png := rasterise(t, file)
		checkScan(t, png, sz, "K7Q2M")
		lookCopy(t, png, "K7Q2M-A4.png")
	})

	// Farsi first, Arabic last, on the smallest paper: both must extract
	// in logical order, the clauses on the right side of the Arabic comma.
	t.Run("K7Q2M-fa-en-ar-A5", func(t *testing.T) {
		sz := size(t, "A5")
		file := printPDF(t, render(t, "K7Q2M", "A5", "fa", "en", "ar"), dir, "K7Q2M-fa-en-ar-A5.pdf")
		checkPDFClean(t, file)
		checkFonts(t, pdfFonts(t, file), false, "NotoSans-Regular", "NotoSans-Bold", "NotoSansArabic-Regular", "NotoSansArabic-Bold")
		text := pdfText(t, file)
		sq := squash(text)
		var msgs []string // every Arabic-script text the poster prints
		for _, id := range []string{"fa", "ar"} {
			loc, _ := demo(t).Catalog.Locale(id)
			want := loc.Text("poster.instruction")
			if !strings.Contains(want, "،") {
				t.Fatalf("the %s instruction %q has no Arabic comma; the test needs one", id, want)
			}
			// The sentence with the comma is one line of the PDF: it
			// must come out whole, its clauses in the order written.
			if !strings.Contains(sq, squash(want)) {
				t.Errorf("pdftotext output lacks the %s instruction %q in logical order:\n%s", id, want, text)
			}
			msgs = append(msgs, squash(loc.Text("poster.headline")), squash(want), squash(loc.Text("poster.tear")),
				squash(loc.Text("poster.emergency", "Number", "999")))
		}
		// Any line in Arabic script (a headline may wrap, and pdftotext
		// then puts the next column's lines between its halves) is a
		// piece of one of those texts in logical order, never reversed.
		arabic := 0
		for _, line := range strings.Split(text, "\n") {
			if strings.IndexFunc(line, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) < 0 {
				continue
			}
			arabic++
			l, ok := squash(line), false
			for _, m := range msgs {
				ok = ok || strings.Contains(m, l)
			}
			if !ok {
				t.Errorf("pdftotext line %q is not in logical order (or not a poster text)", line)
			}
		}
		if arabic < 4 {
			t.Errorf("only %d lines in Arabic script:\n%s", arabic, text)
		}
		checkPageSize(t, file, sz)
		checkScan(t, rasterise(t, file), sz, "K7Q2M")
	})

	// A 40-character domain on the smallest paper: the code decodes from a
	// 150 dpi rendering, and every strip and the address carry the code.
	t.Run("N3VB7-long-domain-A5", func(t *testing.T) {
		sz := size(t, "A5")
		html, err := poster.Render(demo(t), assets.FS(), []*site.Venue{venue(t, "N3VB7")},
			poster.Options{Size: sz, BaseURL: longBase})
		if err != nil {
			t.Fatal(err)
		}
		file := printPDF(t, html, dir, "N3VB7-long-A5.pdf")
		checkPDFClean(t, file)
		checkPageSize(t, file, sz)
		want, err := qr.Payload(longBase, "N3VB7")
		if err != nil {
			t.Fatal(err)
		}
		if got := realtools.DecodeQR(t, rasterise(t, file)); got != want {
			t.Errorf("QR decodes to %q, want %q", got, want)
		}
		text := pdfText(t, file)
		if n := strings.Count(text, "N3VB7"); n != sz.TearStrips+1 {
			t.Errorf("the PDF text has the code %d times, want %d (each strip and the address):\n%s", n, sz.TearStrips+1, text)
		}
		if n := strings.Count(text, "help-and-advice-for-everyone.example.org/"); n != sz.TearStrips+1 {
			t.Errorf("the PDF text has the whole host %d times, want %d:\n%s", n, sz.TearStrips+1, text)
		}
	})

	t.Run("K7Q2M-A3", func(t *testing.T) {
		sz := size(t, "A3")
		file := printPDF(t, render(t, "K7Q2M", "A3"), dir, "K7Q2M-A3.pdf")
		checkPDFClean(t, file)
		checkPageSize(t, file, sz)
		checkScan(t, rasterise(t, file), sz, "K7Q2M")
	})

	t.Run("S5FJ3-A4", func(t *testing.T) {
		sz := size(t, "A4")
		file := printPDF(t, render(t, "S5FJ3", "A4"), dir, "S5FJ3-A4.pdf")
		// assets/fonts/build.py converts Noto Sans SC's CFF outlines to
		// TrueType, which Chromium embeds as a named CID font, never as an
		// unnamed Type 3 font.
		checkFonts(t, pdfFonts(t, file), false, "NotoSans-Regular", "NotoSans-Bold", "NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold")

		text := pdfText(t, file)
		sq := squash(text)
		// The hotline's policy is unknown (shares = "unknown"): the
		// headline is the plain strip label, not "Free, confidential advice".
		if strings.Contains(sq, squash(headline(t, "en"))) {
			t.Errorf("the US poster promises %q over a line whose sharing is unknown", headline(t, "en"))
		}
		for _, want := range []string{tearLabel(t, "zh-Hans"), tearLabel(t, "es"), "1-888-373-7888", "911", "localhost:8080/S5FJ3"} {
			if !strings.Contains(sq, squash(want)) {
				t.Errorf("pdftotext output lacks %q:\n%s", want, text)
			}
		}
		checkPageSize(t, file, sz)
		png := rasterise(t, file)
		checkScan(t, png, sz, "S5FJ3")
		lookCopy(t, png, "S5FJ3-A4.png")
	})
}

// TestPDFEveryLanguage prints every language the demo site has, three to
// a poster, and reads the fonts of each PDF: every font is one of the
// poster's own, embedded and named (no Type 3 font, which is what Chromium
// writes for a glyph it takes from a system font or for CFF outlines),
// and Urdu prints in Nastaliq. New languages are covered as they are
// added to the demo.
func TestPDFEveryLanguage(t *testing.T) {
	requireBrowser(t)
	realtools.Need(t, "pdffonts", "poppler-utils")
	dir := t.TempDir()
	var ids []string
	for _, l := range demo(t).Locales {
		ids = append(ids, l.ID)
	}
	if len(ids) < 15 {
		t.Fatalf("the demo has %d languages", len(ids))
	}
	for i := 0; i < len(ids); i += 3 {
		langs := ids[i:min(i+3, len(ids))]
		name := strings.Join(langs, "-")
		t.Run(name, func(t *testing.T) {
			file := printPDF(t, render(t, "K7Q2M", "A4", langs...), dir, name+".pdf")
			fonts := pdfFonts(t, file)
			var required []string
			if slices.Contains(langs, "ur") {
				required = append(required, "NotoNastaliqUrdu-Bold", "NotoNastaliqUrdu-Regular")
			}
			checkFonts(t, fonts, false, required...)
			for _, f := range fonts {
				if strings.Contains(f.typ, "Type 3") {
					t.Errorf("%s: a Type 3 font (%s)", name, f.name)
				}
			}
		})
	}
}

// ourFonts are the PostScript names of the poster's embedded fonts. Any
// other font in a PDF is a system font that Chromium fell back to for a
// glyph the subsets lack: another laptop may not have it and print boxes.
var ourFonts = map[string]bool{
	"NotoSans-Regular": true, "NotoSans-Bold": true,
	"NotoSansArabic-Regular": true, "NotoSansArabic-Bold": true,
	"NotoNastaliqUrdu-Regular": true, "NotoNastaliqUrdu-Bold": true,
	"NotoSansEthiopic-Regular": true, "NotoSansEthiopic-Bold": true,
	"NotoSansDevanagari-Regular": true, "NotoSansDevanagari-Bold": true,
	"NotoSansBengali-Regular": true, "NotoSansBengali-Bold": true,
	"NotoSansGurmukhi-Regular": true, "NotoSansGurmukhi-Bold": true,
	"NotoSansTamil-Regular": true, "NotoSansTamil-Bold": true,
	"NotoSansMalayalam-Regular": true, "NotoSansMalayalam-Bold": true,
	"NotoSansThai-Regular": true, "NotoSansThai-Bold": true,
	"NotoSansCJKsc-Regular": true, "NotoSansCJKsc-Bold": true,
}

// checkFonts: every font is embedded, every named font is one of ours and
// appears once (a second NotoSans-Regular would be the system's copy,
// standing in for a missing glyph), and the required ones are there.
// Unnamed (Type 3) fonts are allowed only where unnamed is true.
func checkFonts(t *testing.T, fonts []pdfFont, unnamed bool, required ...string) {
	t.Helper()
	t.Logf("pdffonts: %v", fonts)
	if len(fonts) == 0 {
		t.Fatal("pdffonts lists no fonts")
	}
	seen := map[string]int{}
	for _, f := range fonts {
		if f.emb != "yes" {
			t.Errorf("font %q (%s) is not embedded (emb=%q)", f.name, f.typ, f.emb)
		}
		if f.name == "[none]" {
			if !unnamed {
				t.Errorf("unnamed %s font in the PDF: a fallback font for a glyph the subsets lack?", f.typ)
			}
			continue
		}
		_, base, ok := strings.Cut(f.name, "+") // drop the subset tag
		if !ok {
			base = f.name
		}
		if !ourFonts[base] {
			t.Errorf("font %q is not one of the poster's fonts (a glyph missing from the subsets?)", f.name)
		}
		if seen[base]++; seen[base] == 2 {
			t.Errorf("font %s appears twice: one is a system copy standing in for a missing glyph", base)
		}
	}
	for _, r := range required {
		if seen[r] == 0 {
			t.Errorf("no %s font in the PDF", r)
		}
	}
}

// checkArabic looks for the Arabic headline in squashed pdftotext output.
// Poppler (22.12) extracts Chromium's Arabic in logical order, wrapped in
// U+202B/U+202C embedding marks, which squash drops with the spaces; NFKC
// folds any presentation forms back to the base letters. So the headline
// must appear exactly, not merely as a set of letters.
func checkArabic(t *testing.T, text, headline string) {
	t.Helper()
	want := squash(headline)
	if strings.Contains(text, want) {
		return
	}
	t.Errorf("pdftotext output lacks the Arabic headline %q (squashed %q):\n%s", headline, want, text)
}

// ---------------------------------------------------------------------------
// Benchmarks: go test ./poster -run '^$' -bench . -benchtime 1x

// BenchmarkPosterPDF prints one A4 poster per op with the shared, already
// started printer.
func BenchmarkPosterPDF(b *testing.B) {
	requireBrowser(b)
	html := render(b, "K7Q2M", "A4")
	ctx := context.Background()
	if _, err := printer.PDF(ctx, html); err != nil { // start the browser
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := printer.PDF(ctx, html); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPosterRun20 is `waymark posters` for 20 posters: a new printer
// (so one browser start) and 20 prints cycling through the demo venues.
// It logs the first poster (with the browser start) and the whole run.
func BenchmarkPosterRun20(b *testing.B) {
	requireBrowser(b)
	s := demo(b)
	var docs [][]byte
	for i := range s.Config.Venues {
		docs = append(docs, render(b, s.Config.Venues[i].Code, "A4"))
	}
	ctx := context.Background()
	for b.Loop() {
		var p poster.Printer
		start := time.Now()
		var first time.Duration
		for i := 0; i < 20; i++ {
			if _, err := p.PDF(ctx, docs[i%len(docs)]); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				first = time.Since(start)
			}
		}
		total := time.Since(start)
		p.Close()
		b.Logf("first poster incl. browser start %v; 20 posters %v (%v per poster after the first)",
			first.Round(time.Millisecond), total.Round(time.Millisecond), ((total - first) / 19).Round(time.Millisecond))
		b.ReportMetric(float64(first.Milliseconds()), "ms-first")
		b.ReportMetric(float64(total.Milliseconds()), "ms-20")
	}
}
