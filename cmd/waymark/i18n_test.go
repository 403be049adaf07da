package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/site"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestI18nShipped: the built-in locales give a table with a row per
// language and no errors, so the command succeeds.
func TestI18nShipped(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	code, out, errOut := runCLI(t, "i18n")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "TAG") || !strings.Contains(out, "MISSING") || !strings.Contains(out, "WARNINGS") {
		t.Errorf("no table header:\n%s", out)
	}
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range cat.IDs() {
		loc, _ := cat.Locale(id)
		row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + ` +(reviewed|draft) +\d+% .*` + regexp.QuoteMeta(loc.Name))
		if !row.MatchString(out) {
			t.Errorf("no table row for %s (%s)", id, loc.Name)
		}
	}
	if !strings.Contains(out, "\n0 errors,") {
		t.Errorf("no summary line with 0 errors:\n%s", out)
	}
}

func TestI18nJSON(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	code, out, errOut := runCLI(t, "i18n", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r lang.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, out)
	}
	if r.Source != "en" || r.Messages == 0 || len(r.Languages) < 2 || r.Errors != 0 {
		t.Errorf("report: source %q, %d messages, %d languages, %d errors", r.Source, r.Messages, len(r.Languages), r.Errors)
	}
	for _, l := range r.Languages {
		if !strings.HasPrefix(l.File, "locales/active.") || l.Status == "" || len(l.Plural) == 0 {
			t.Errorf("language %+v", l)
		}
	}
}

// brokenLocales writes the built-in English and status.toml to a folder,
// with a Tigrinya file that has two errors.
func brokenLocales(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"active.en.json", "status.toml"} {
		data, err := fs.ReadFile(locales.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ti := "{\n" +
		"  \"page.help\": {\n    \"other\": \"ሓገዝን ምኽርን\"\n  },\n" + // line 2
		"  \"page.intro\": {\n    \"other\": \"You are not in trouble for reading this. Open a section to read more.\"\n  },\n" + // line 5
		"  \"emergency.silent\": {\n    \"other\": \"\u202e{{.Number}} ደውሉ 55\"\n  }\n" + // line 8 (55 as in English: only the direction control is wrong)
		"}\n"
	if err := os.WriteFile(filepath.Join(dir, "active.ti.json"), []byte(ti), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestI18nErrors: errors fail the command, and each names the file, line
// and message; missing messages and drafts do not fail it.
func TestI18nErrors(t *testing.T) {
	dir := brokenLocales(t)
	for _, args := range [][]string{
		{"i18n", "--locales", dir},
		{"i18n", "--locales=" + dir},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, code, out)
		}
		shown := filepath.ToSlash(filepath.Clean(dir))
		for _, want := range []string{
			shown + `/active.ti.json:5: message "page.intro"`,
			shown + `/active.ti.json:8: message "emergency.silent"`,
			"U+202E",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out)
			}
		}
		if !regexp.MustCompile(`(?m)^ti +draft +\d+% +\d+ +\d+ +3 +2 `).MatchString(out) {
			t.Errorf("%v: ti row does not show 2 errors:\n%s", args, out)
		}
		if !strings.Contains(errOut, "2 errors") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}

	// The environment variable reads the same folder.
	t.Setenv("WAYMARK_LOCALES", dir)
	if code, out, _ := runCLI(t, "i18n", "--json"); code != 1 || !strings.Contains(out, `"kind": "unsafe"`) {
		t.Errorf("WAYMARK_LOCALES: exit %d\n%.500s", code, out)
	}
}

// TestI18nMissingOnlyPasses: a half-done draft is work in progress, not a
// failure. A deployment's texts may add a language the binary lacks.
func TestI18nMissingOnlyPasses(t *testing.T) {
	dir := brokenLocales(t)
	if err := os.Remove(filepath.Join(dir, "active.ti.json")); err != nil {
		t.Fatal(err)
	}
	de := "{\n  \"page.help\": {\n    \"other\": \"Aiuto e consigli\"\n  },\n" +
		"  \"exit.button\": {\n    \"other\": \"Jetzt verlassen\"\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "active.it.json"), []byte(de), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "i18n", "--locales", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	// Two messages of a couple of hundred: under 1 %, and the rest missing.
	total := regexp.MustCompile(`(\d+) English messages`).FindStringSubmatch(out)
	row := regexp.MustCompile(`(?m)^it +draft +\d+% +(\d+) `).FindStringSubmatch(out)
	if total == nil || row == nil || atoi(row[1]) != atoi(total[1])-2 {
		t.Errorf("it row does not show two messages done and the rest missing:\n%s", out)
	}
}

// TestI18nLoadError: a file that cannot be read is reported with its
// path, line and message, in plain words, and does not stop the report:
// every other file's problems are listed in the same run.
func TestI18nLoadError(t *testing.T) {
	dir := brokenLocales(t)
	bad := "{\n  \"page.heading\": {\n    \"one\": \"x\",\n    \"oter\": \"y\"\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "active.ti.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	// Curly quotes from a word processor, in another file.
	curly := "{\n  \"page.heading\": \"Gratis hulp\",\n  \"action.call\": \u201cBel\u201d\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "active.nl.json"), []byte(curly), 0o644); err != nil {
		t.Fatal(err)
	}
	// And a file that reads but has an error of its own.
	ar := "{\n  \"emergency.silent\": \"\u202e{{.Number}} اتصل\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "active.ar.json"), []byte(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "i18n", "--locales", dir)
	shown := filepath.ToSlash(filepath.Clean(dir))
	for _, want := range []string{
		shown + `/active.ti.json:2: message "page.heading"`,
		shown + `/active.nl.json:3: not valid JSON at line 3`,
		"U+201C LEFT DOUBLE QUOTATION MARK",
		shown + `/active.ar.json:2: message "emergency.silent"`,
		"U+202E",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if code != 1 || !strings.Contains(errOut, "errors in the translations") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "'â'") {
		t.Errorf("the report names a byte, not the character:\n%s", out)
	}
	// --json has the broken files too, as kind "broken".
	if _, js, _ := runCLI(t, "i18n", "--json", "--locales", dir); strings.Count(js, `"kind": "broken"`) != 2 {
		t.Errorf("--json: want 2 broken files:\n%.2000s", js)
	}
	if code, _, errOut := runCLI(t, "i18n", "--locales", filepath.Join(dir, "nope")); code != 1 || !strings.Contains(errOut, "--locales") {
		t.Errorf("missing folder: exit %d, stderr %q", code, errOut)
	}
}

// TestCheckIncludesTranslations: `waymark check` runs the same check and
// prints one line about it.
func TestCheckIncludesTranslations(t *testing.T) {
	code, out, errOut := runCLI(t, "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !regexp.MustCompile(`(?m)^translations: \d+ languages: 0 errors, \d+ warnings`).MatchString(out) {
		t.Errorf("no translations summary line:\n%s", out)
	}
}

// TestI18nDeploymentOwnLanguage is TRANSLATING.md section 9's French case:
// a deployment translates the built-in messages into a language of its
// own (texts/active.it.json). `i18n --write-canonical texts` records the
// hashes of the built-in English its translations come from, the report
// after it shows the files as written, and once the deployment rewords a
// message, its French is reported stale.
func TestI18nDeploymentOwnLanguage(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	texts := filepath.Join(t.TempDir(), "texts")
	os.Mkdir(texts, 0o755)
	os.WriteFile(filepath.Join(texts, "active.it.json"), []byte(`{"action.call": "Chiama", "action.text": {"other": "Scrivi"}}`), 0o644)
	code, out, errOut := runCLI(t, "i18n", "--write-canonical", texts, "--json")
	if code != 0 {
		t.Fatalf("--write-canonical texts: exit %d\n%s", code, errOut)
	}
	hashes, _ := os.ReadFile(filepath.Join(texts, "hashes.toml"))
	if !strings.Contains(string(hashes), `["it"]`) || !strings.Contains(string(hashes), `"action.call" = "sha1-`) {
		t.Errorf("hashes.toml records no French:\n%s", hashes)
	}
	// The report after writing reads the folder as written: French is
	// in it, and nothing lacks a hash.
	var r lang.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	fr := r.Language("it")
	if fr == nil || len(fr.NoHash) != 0 || len(fr.Stale) != 0 {
		t.Fatalf("report after --write-canonical: it = %+v", fr)
	}

	// The deployment rewords "action.text": its French is now stale.
	os.WriteFile(filepath.Join(texts, "active.en.json"), []byte(`{"action.text": {"description": "Label on a button that starts a text message (SMS). One short verb.", "other": "Send a text"}}`), 0o644)
	_, out, errOut = runCLI(t, "i18n", "--locales", texts, "--json")
	r = lang.Report{}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if fr := r.Language("it"); fr == nil || !slices.Equal(fr.Stale, []string{"action.text"}) {
		t.Errorf("after the English changed, it stale = %v, want [action.text]", fr)
	}
}

// TestI18nBrokenMessageOnly: one broken placeholder is one error at its
// line, not a whole language "broken, 0 %", and not a second, false error
// in the config that the language "has no locale file".
func TestI18nBrokenMessageOnly(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	os.Mkdir(texts, 0o755)
	os.WriteFile(filepath.Join(texts, "active.it.json"), []byte("{\n  \"action.call\": \"Appeler\",\n  \"action.text\": \"Scrivi {{.Number\",\n  \"page.help\": \"Aiuto e consigli\"\n}\n"), 0o644)
	cfg := filepath.Join(dir, "waymark.toml")
	demo := strings.Replace(string(site.DemoTOML()), `languages = ["en", `, `languages = ["en", "it", `, 1)
	os.WriteFile(cfg, []byte(demo), 0o644)
	code, out, errOut := runCLI(t, "i18n", "--config", cfg, "--locales", texts, "--json")
	if code != 1 {
		t.Errorf("exit %d, want 1 for the broken message", code)
	}
	var r lang.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	fr := r.Language("it")
	if fr == nil || fr.Status == "broken" || fr.Errors != 1 || fr.Translated == 0 {
		t.Fatalf("it = %+v, want one error and the rest counted", fr)
	}
	if p := fr.Problems[0]; p.ID != "action.text" || p.Line != 3 {
		for _, p := range fr.Problems {
			if p.Severity == lang.SeverityError && (p.ID != "action.text" || p.Line != 3) {
				t.Errorf("it error %+v, want action.text at line 3", p)
			}
		}
	}
	if en := r.Language("en"); en.Errors != 0 || strings.Contains(out, "has no locale file") {
		t.Errorf("a false English error: %+v", en.Problems)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
