//go:build linux

package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/site"
)

// printRunConfig is the demo's regions and areas with venues of its own;
// confirmed sets every number confirmed and verified today, so that
// `check --strict` passes.
func printRunConfig(t *testing.T, confirmed bool, venues string) string {
	demo := string(site.DemoTOML())
	demo = demo[:strings.Index(demo, "[[venues]]")]
	if confirmed {
		demo = strings.ReplaceAll(demo, "confirmed = false", "confirmed = true")
		demo = regexp.MustCompile(`verified = \d{4}-\d\d-\d\d`).ReplaceAllString(demo, "verified = "+time.Now().UTC().Format("2006-01-02"))
	}
	cfg := filepath.Join(t.TempDir(), "waymark.toml")
	if err := os.WriteFile(cfg, []byte(demo+venues), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestPostersPrintRun: `waymark posters` prints each venue at its own
// paper size into a folder per region and area, lists the run for the
// print shop, and with --draft marks every sheet DRAFT.
func TestPostersPrintRun(t *testing.T) {
	if testing.Short() {
		t.Skip("prints posters: skipped with -short")
	}
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (Debian package chromium)", err)
		}
		t.Skip(err)
	}
	pdfinfo := realtools.Need(t, "pdfinfo", "poppler-utils")
	pdftotext := realtools.Need(t, "pdftotext", "poppler-utils")
	venues := `
[[venues]]
code = "K7Q2M"
name = "Victoria Coach Station"
region = "uk"
area = "london"
languages = ["en", "ar"]
paper = "A3"
copies = 4

[[venues]]
code = "N3VB7"
name = "Amsterdam Sloterdijk"
region = "nl"
languages = ["nl", "en"]

[[venues]]
code = "R4T8W"
name = "Birmingham New Street"
region = "uk"
languages = ["en"]
paper = "A5"
`
	pageMM := func(file string) string {
		info := realtools.Run(t, pdfinfo, file)
		m := regexp.MustCompile(`(?m)^Page size:\s+([0-9.]+) x ([0-9.]+) pts`).FindStringSubmatch(info)
		if m == nil {
			t.Fatalf("pdfinfo %s lacks the page size:\n%s", file, info)
		}
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		return strconv.Itoa(int(w*25.4/72+.5)) + "x" + strconv.Itoa(int(h*25.4/72+.5))
	}
	mm := map[string]string{"A5": "148x210", "A4": "210x297", "A3": "297x420"}

	cfg := printRunConfig(t, true, venues)
	out := t.TempDir()
	code, _, stderr := cli(t, "posters", "--config", cfg, "--out", out, "--base-url", "https://help.example.org")
	if code != 0 {
		t.Fatalf("posters on a confirmed config: exit %d\n%s", code, stderr)
	}
	// Sorted by region, then area: nl, then uk (no area), then uk/london.
	want := []struct{ file, size string }{
		{"nl/N3VB7-A4.pdf", "A4"},
		{"uk/R4T8W-A5.pdf", "A5"},
		{"uk/london/K7Q2M-A3.pdf", "A3"},
	}
	for _, w := range want {
		f := filepath.Join(out, w.file)
		if got := pageMM(f); got != mm[w.size] {
			t.Errorf("%s is %s mm, want %s (%s)", w.file, got, mm[w.size], w.size)
		}
		if strings.Contains(realtools.Run(t, pdftotext, f, "-"), "DRAFT") {
			t.Errorf("%s says DRAFT, though check --strict passes", w.file)
		}
	}
	list, err := os.ReadFile(filepath.Join(out, "print-run.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(strings.NewReader(string(list))).ReadAll()
	if len(rows) != 4 || rows[1][0] != want[0].file || rows[3][0] != want[2].file || rows[3][4] != "A3" || rows[3][5] != "4" || rows[1][5] != "1" {
		t.Errorf("print-run.csv:\n%s", list)
	}

	// An unconfirmed config prints only with --draft, each sheet marked;
	// --size overrides every venue's paper.
	cfg = printRunConfig(t, false, venues)
	out = t.TempDir()
	code, _, stderr = cli(t, "posters", "--config", cfg, "--out", out, "--draft", "--size", "a5", "--base-url", "https://help.example.org")
	if code != 0 {
		t.Fatalf("posters --draft: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"nl/N3VB7-A5.pdf", "uk/R4T8W-A5.pdf", "uk/london/K7Q2M-A5.pdf"} {
		p := filepath.Join(out, f)
		if got := pageMM(p); got != mm["A5"] {
			t.Errorf("%s is %s mm, want A5 (--size)", f, got)
		}
		if text := realtools.Run(t, pdftotext, p, "-"); !strings.Contains(text, "DRAFT - NOT FOR DISPLAY") {
			t.Errorf("%s printed with --draft does not say DRAFT:\n%s", f, text)
		}
	}
}

// TestPostersRefuseUnconfirmed is the "done when" on the 500-venue
// config: `posters --out` refuses while `check --strict` fails, naming
// the reason and the way out, and prints nothing.
func TestPostersRefuseUnconfirmed(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "waymark.toml")
	os.WriteFile(cfg, site.DemoTOML(), 0o600)
	sheet := filepath.Join(dir, "venues.csv")
	os.WriteFile(sheet, campaignSheet(500), 0o600)
	if code, out, errOut := runCLI(t, "venues", "import", sheet, "--config", cfg); code != 0 {
		t.Fatalf("import: %s\n%s", out, errOut)
	}
	out := filepath.Join(dir, "posters")
	code, _, errOut := runCLI(t, "posters", "--config", cfg, "--out", out, "--base-url", "https://help.example.org")
	if code != 1 || !regexp.MustCompile(`not printing: \d+ numbers unconfirmed`).MatchString(errOut) || !strings.Contains(errOut, "--draft") {
		t.Errorf("posters on an unconfirmed config: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a refused run still made its output folder")
	}
}

// TestPosterVenuePaper: `waymark poster CODE` prints at the venue's own
// paper unless --size says otherwise.
func TestPosterVenuePaper(t *testing.T) {
	cfg := printRunConfig(t, false, `
[[venues]]
code = "K7Q2M"
name = "Victoria Coach Station"
region = "uk"
languages = ["en"]
paper = "A3"
`)
	for _, tt := range []struct{ size, want string }{{"", "@page{size:297mm 420mm}"}, {"A5", "@page{size:148mm 210mm}"}} {
		args := []string{"poster", "K7Q2M", "--html", "--allow-local", "-o", "-", "--config", cfg}
		if tt.size != "" {
			args = append(args, "--size", tt.size)
		}
		code, stdout, stderr := cli(t, args...)
		if code != 0 || !strings.Contains(stdout.String(), tt.want) {
			t.Errorf("--size %q: exit %d, want %s\n%s", tt.size, code, tt.want, stderr)
		}
	}
}
