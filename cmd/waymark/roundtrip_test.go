package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// goi18nModule is the goi18n that TRANSLATING.md tells translators to run
// and test.sh installs.
const goi18nModule = "github.com/nicksnyder/go-i18n/v2/goi18n@v2.7.0"

// shippedCanonical says that locales/ has been converted once with
//
//	go run ./cmd/waymark i18n --write-canonical locales
//
// (which also writes locales/hashes.toml). Until then the shipped files
// are in their hand-written form, and TestShippedLocalesCanonical only
// checks that the conversion has not happened unnoticed; after it, set
// this to true, and the shipped files must stay exactly canonical.
const shippedCanonical = true

// copyLocales writes the built-in locale files to a new folder.
func copyLocales(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(locales.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(locales.FS(), p)
		if err != nil {
			return err
		}
		// Recordings live in subfolders (audio/<tag>/).
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// readFiles returns the contents of the files in dir matching pattern.
func readFiles(t *testing.T, dir, pattern string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		if st, err := os.Stat(n); err == nil && st.IsDir() {
			continue // audio/: recordings, which the conversion leaves alone
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = b
	}
	return out
}

func loadDir(t *testing.T, dir string) *lang.Catalog {
	t.Helper()
	c, err := lang.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("%s does not load: %v", dir, err)
	}
	return c
}

// sameTexts compares two catalogs message by message: the same languages,
// IDs and texts, and the same source hash for every translation, so a
// conversion loses neither a word nor staleness. skip names forms a tool
// is allowed to have dropped.
func sameTexts(t *testing.T, want, got *lang.Catalog, skip func(tag, id, form string) bool) {
	t.Helper()
	if !slices.Equal(want.IDs(), got.IDs()) {
		t.Fatalf("languages %v, want %v", got.IDs(), want.IDs())
	}
	for _, tag := range want.IDs() {
		a, _ := want.Locale(tag)
		b, _ := got.Locale(tag)
		for id, m := range a.Messages {
			n := b.Messages[id]
			if n == nil {
				t.Errorf("%s: message %q lost", tag, id)
				continue
			}
			for form, text := range m.Forms {
				if !slices.Contains(a.Plural, form) && tag != lang.Source || skip != nil && skip(tag, id, form) {
					continue
				}
				if n.Forms[form] != text {
					t.Errorf("%s %s (%s) = %q, want %q", tag, id, form, n.Forms[form], text)
				}
			}
			if tag != lang.Source && m.SourceHash() != "" && n.SourceHash() != m.SourceHash() {
				t.Errorf("%s %s: source hash %q, want %q", tag, id, n.SourceHash(), m.SourceHash())
			}
		}
		if len(b.Messages) != len(a.Messages) {
			t.Errorf("%s: %d messages, want %d", tag, len(b.Messages), len(a.Messages))
		}
	}
}

// merge runs goi18n merge as TRANSLATING.md says, in dir.
func merge(t *testing.T, goi18n, dir string, extra ...string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "active.*.json"))
	args := append([]string{"merge", "-format", "json", "-sourceLanguage", "en", "-outdir", dir}, files...)
	realtools.Run(t, goi18n, append(args, extra...)...)
}

// TestWriteCanonicalIsGoi18nMerge: the conversion keeps every text and
// hash of the shipped files, writes hashes.toml, and leaves files that
// goi18n merge does not change at all; a second conversion changes
// nothing either.
func TestWriteCanonicalIsGoi18nMerge(t *testing.T) {
	goi18n := realtools.NeedGo(t, "goi18n", goi18nModule)
	dir := copyLocales(t)
	code, out, errOut := runCLI(t, "i18n", "--write-canonical", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, errOut, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "hashes.toml")); err != nil {
		t.Fatalf("no hashes.toml: %v", err)
	}
	shipped, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	sameTexts(t, shipped, loadDir(t, dir), nil)

	canonical := readFiles(t, dir, "active.*.json")
	merge(t, goi18n, dir)
	after := readFiles(t, dir, "*.json")
	for name, b := range after {
		if !bytes.Equal(b, canonical[name]) {
			t.Errorf("goi18n merge changed %s", name)
		}
	}
	if code, _, errOut := runCLI(t, "i18n", "--write-canonical", dir); code != 0 || !strings.Contains(errOut, "already canonical") {
		t.Errorf("second conversion: exit %d, %s", code, errOut)
	}
}

// TestShippedLocalesCanonical: once the shipped files are converted
// (shippedCanonical), they must stay exactly canonical: the conversion of
// a copy changes nothing. Before, the conversion must not have happened
// without the switch being set.
func TestShippedLocalesCanonical(t *testing.T) {
	_, err := fs.Stat(locales.FS(), lang.HashesFile)
	if !shippedCanonical {
		if err == nil {
			t.Fatal("locales/hashes.toml exists, so the shipped files were converted: set shippedCanonical = true in cmd/waymark/roundtrip_test.go")
		}
		return
	}
	if err != nil {
		t.Fatalf("shippedCanonical, but no locales/hashes.toml: run `go run ./cmd/waymark i18n --write-canonical locales`")
	}
	dir := copyLocales(t)
	before := readFiles(t, dir, "*")
	if code, _, errOut := runCLI(t, "i18n", "--write-canonical", dir); code != 0 || !strings.Contains(errOut, "already canonical") {
		t.Errorf("the shipped locale files are not canonical (exit %d):\n%s\nrun `go run ./cmd/waymark i18n --write-canonical locales` and commit the result", code, errOut)
	}
	for name, b := range readFiles(t, dir, "*") {
		if !bytes.Equal(b, before[name]) {
			t.Errorf("%s is not canonical", name)
		}
	}
}

// TestTranslateToolkitRoundTrip: a translation edited through Debian's
// translate-toolkit (json2po, then po2json with English as the template,
// the plain-JSON route Weblate's toolkit offers for go-i18n v2 files)
// loses every "hash". hashes.toml keeps staleness all the same, and the
// conversion puts the hashes back.
func TestTranslateToolkitRoundTrip(t *testing.T) {
	json2po := realtools.Need(t, "json2po", "translate-toolkit")
	po2json := realtools.Need(t, "po2json", "translate-toolkit")
	goi18n := realtools.NeedGo(t, "goi18n", goi18nModule)
	dir := copyLocales(t)
	if code, _, errOut := runCLI(t, "i18n", "--write-canonical", dir); code != 0 {
		t.Fatal(errOut)
	}
	converted := loadDir(t, dir)

	// English changes after the translations were made: page.intro is
	// now stale in every language.
	enFile := filepath.Join(dir, "active.en.json")
	var en map[string]json.RawMessage
	b, _ := os.ReadFile(enFile)
	if err := json.Unmarshal(b, &en); err != nil {
		t.Fatal(err)
	}
	en["page.intro"] = json.RawMessage(`{"description": "One sentence under the main heading.", "other": "Reading this will not get you into trouble."}`)
	b, _ = json.MarshalIndent(en, "", "  ")
	if err := os.WriteFile(enFile, b, 0o644); err != nil {
		t.Fatal(err)
	}

	tmp := t.TempDir()
	for _, tag := range []string{"es", "nl", "fa"} {
		file := filepath.Join(dir, "active."+tag+".json")
		po := filepath.Join(tmp, tag+".po")
		realtools.Run(t, json2po, "--progress=none", "-t", enFile, "-i", file, "-o", po)
		realtools.Run(t, po2json, "--progress=none", "-t", enFile, "-i", po, "-o", file)
		if b, _ := os.ReadFile(file); bytes.Contains(b, []byte(`"hash"`)) {
			t.Fatalf("%s still has hashes after translate-toolkit: the test no longer shows what it claims", tag)
		}
	}

	report := loadDir(t, dir).Check(nil)
	for _, tag := range []string{"es", "nl", "fa"} {
		lr := report.Language(tag)
		if len(lr.NoHash) != 0 {
			t.Errorf("%s: %d messages without a hash after the round trip: hashes.toml did not keep them", tag, len(lr.NoHash))
		}
		if !slices.Equal(lr.Stale, []string{"page.intro"}) {
			t.Errorf("%s: stale %v, want [page.intro]", tag, lr.Stale)
		}
	}
	// Without hashes.toml the same files cannot tell (the tool's damage).
	side := filepath.Join(dir, "hashes.toml")
	saved, _ := os.ReadFile(side)
	os.Remove(side)
	if lr := loadDir(t, dir).Check(nil).Language("es"); len(lr.Stale) != 0 || len(lr.NoHash) == 0 {
		t.Errorf("control without hashes.toml: stale %v, %d without hash", lr.Stale, len(lr.NoHash))
	}
	os.WriteFile(side, saved, 0o644)

	// The conversion restores the files: same texts (but the "many" forms
	// that po2json drops because English has none, which counts.toml says
	// no page needs), the hashes back in the files, page.intro still stale.
	if code, _, errOut := runCLI(t, "i18n", "--write-canonical", dir); code != 0 {
		t.Fatal(errOut)
	}
	restored := loadDir(t, dir)
	for _, tag := range []string{"es", "nl", "fa"} {
		loc, _ := restored.Locale(tag)
		for id, m := range loc.Messages {
			if m.Hash == "" {
				t.Errorf("%s %s: no hash in the file after the conversion", tag, id)
			}
		}
	}
	sameTexts(t, converted, restored, func(tag, id, form string) bool {
		return id == "page.intro" && tag == lang.Source || form == "many" && len(restored.Counts(id)) > 0
	})
	if lr := restored.Check(nil).Language("es"); !slices.Equal(lr.Stale, []string{"page.intro"}) || lr.Errors > 0 {
		t.Errorf("es after the conversion: stale %v, %d errors", lr.Stale, lr.Errors)
	}
	// goi18n merge now asks for page.intro again, as it should, and moves
	// nothing else.
	merge(t, goi18n, dir)
	tr, err := os.ReadFile(filepath.Join(dir, "translate.es.json"))
	if err != nil {
		t.Fatalf("merge wrote no translate.es.json: %v", err)
	}
	var ask map[string]json.RawMessage
	if err := json.Unmarshal(tr, &ask); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for id := range ask {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"exit.status", "page.intro"}) {
		t.Errorf("translate.es.json asks for %v, want [exit.status page.intro] (exit.status for the many form counts.toml does not need)", ids)
	}
}
