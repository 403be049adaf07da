package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/waymark/waymark/internal/realtools"
)

// TestTranslatingLanguageWithoutRebuild follows TRANSLATING.md, section 9,
// "A new language for one deployment, without a rebuild", word for word:
// Pashto poster texts written to a deployment's texts folder, with the
// program as it is already built (this test binary, started as waymark),
// pass `waymark i18n` and print a poster in which every font is one the
// poster carries (no Type 3 font, no system font) and the Pashto letters
// that only whole-script fonts have (ټ, ړ, ګ) come out as text. No
// fonttools and no build runs.
func TestTranslatingLanguageWithoutRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("prints a poster")
	}
	pdffonts := realtools.Need(t, "pdffonts", "poppler-utils")
	pdftotext := realtools.Need(t, "pdftotext", "poppler-utils")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	doc := readFile(t, filepath.Join(root, "TRANSLATING.md"))
	sec := section(t, doc, "### A new language for one deployment, without a rebuild", "\n## ")
	blocks := codeBlocks(sec)
	kinds := make([]string, len(blocks))
	for i, b := range blocks {
		kinds[i] = b.lang
	}
	if !slices.Equal(kinds, []string{"json", "sh", "sh"}) {
		t.Fatalf("the section's code blocks are %v: update this test", kinds)
	}
	for _, step := range []string{
		"as `texts/active.ps.json`",
		"at the end of the first\n   `languages = [...]` line of `waymark.toml`, inside the brackets, after a\n   comma, add `\"ps\"`",
	} {
		if !strings.Contains(sec, step) {
			t.Fatalf("the section no longer says %q: update this test with it", step)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The deployment's texts folder (section 9).
	if err := os.Mkdir(filepath.Join(dir, "texts"), 0o755); err != nil {
		t.Fatal(err)
	}

	// 1. The translation, as the section shows it.
	faultWrite(t, filepath.Join(dir, "texts", "active.ps.json"), blocks[0].text)
	// A deployment's config that does not list Pashto yet: the demo's,
	// without it.
	demo := readFile(t, filepath.Join(root, "site", "demo.toml"))
	lineRE := regexp.MustCompile(`(?m)^languages = \[.*\]$`)
	line := lineRE.FindString(demo)
	without := strings.Replace(strings.Replace(line, `, "ps"`, "", 1), `"ps", `, "", 1)
	// 2. Its tag at the end of the first languages line.
	with := strings.TrimSuffix(without, "]") + `, "ps"]`
	faultWrite(t, filepath.Join(dir, "waymark.toml"), strings.Replace(demo, line, with, 1))

	waymark := func(block codeBlock) string {
		t.Helper()
		cmd := strings.TrimSpace(block.text)
		if !strings.HasPrefix(cmd, "waymark ") || strings.Contains(cmd, "\n") {
			t.Fatalf("the section shows %q: not one waymark command", cmd)
		}
		c := exec.Command(exe, strings.Fields(strings.TrimPrefix(cmd, "waymark "))...)
		c.Dir, c.Env = dir, faultEnv()
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		return string(out)
	}

	// 3. Check.
	report := waymark(blocks[1])
	if !regexp.MustCompile(`(?m)^ps +draft +\d+% .* 0 +\d+ +پښتو`).MatchString(report) {
		t.Errorf("the report has no ps row without errors:\n%s", report)
	}

	// 4. Print.
	if !strings.Contains(blocks[2].text, "-o K7Q2M-ps.pdf") {
		t.Fatalf("the print step no longer writes K7Q2M-ps.pdf: %s", blocks[2].text)
	}
	waymark(blocks[2])
	pdf := filepath.Join(dir, "K7Q2M-ps.pdf")
	fonts := realtools.Run(t, pdffonts, pdf)
	t.Logf("pdffonts:\n%s", fonts)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 4 {
		t.Fatalf("pdffonts lists too few fonts:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		name := strings.Fields(l)[0]
		if _, base, ok := strings.Cut(name, "+"); !ok || !strings.HasPrefix(base, "Noto") || strings.Contains(l, "Type 3") {
			t.Errorf("a font the poster does not carry: %s", l)
		}
	}
	if !strings.Contains(fonts, "NotoSansArabic-Bold") {
		t.Errorf("the Pashto headline is not in Noto Sans Arabic Bold:\n%s", fonts)
	}
	text := squashText(realtools.Run(t, pdftotext, "-enc", "UTF-8", pdf, "-"))
	for _, want := range []string{"ټیلیفون", "محرمهمشوره", "Free,confidentialadvice"} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed text lacks %q:\n%s", want, text)
		}
	}
}

// squashText drops spaces and format characters and folds presentation
// forms, so that text extracted from a PDF compares with the source.
func squashText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// issue23Languages are the languages issue 23 added, as machine drafts.
var issue23Languages = []string{"ps", "prs", "ur", "ckb", "de", "hi", "pa", "bn", "ml", "th", "fr", "pt", "tr", "lt", "fil"}

// TestI18nThirtyLanguages: `waymark i18n` on the shipped data reports at
// least thirty languages and no error, and every language of issue 23 is a
// draft (its pages say so) until a native speaker has reviewed it; the
// demo offers each of them.
func TestI18nThirtyLanguages(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	t.Setenv("WAYMARK_FONTS", "")
	code, out, errOut := runCLI(t, "i18n", "--config", filepath.Join("..", "..", "site", "demo.toml"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	m := regexp.MustCompile(`Translations: (\d+) languages`).FindStringSubmatch(out)
	if n := 0; m != nil {
		n, _ = strconv.Atoi(m[1])
		if n < 30 {
			t.Errorf("the report counts %d languages, want at least 30", n)
		}
	} else {
		t.Errorf("the report does not count its languages:\n%s", out)
	}
	if !strings.Contains(out, "\n0 errors,") {
		t.Errorf("the report has errors:\n%s", out)
	}
	for _, id := range issue23Languages {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + ` +draft +\d+% `).MatchString(out) {
			t.Errorf("%s is not in the report as a draft", id)
		}
	}
}
