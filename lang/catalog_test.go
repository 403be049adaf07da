package lang_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/language"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// TestShippedLocalesLoad: every file in locales/ loads, with a real tag
// that has a CLDR plural rule, a native name and a direction.
func TestShippedLocalesLoad(t *testing.T) {
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(locales.FS(), "active.*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 || len(cat.IDs()) != len(files) {
		t.Fatalf("loaded %d locales (%v) from %d files", len(cat.IDs()), cat.IDs(), len(files))
	}
	if cat.IDs()[0] != lang.Source {
		t.Errorf("IDs() = %v, want English first", cat.IDs())
	}
	for _, name := range files {
		id := strings.TrimSuffix(strings.TrimPrefix(name, "active."), ".json")
		t.Run(id, func(t *testing.T) {
			loc, ok := cat.Locale(id)
			if !ok {
				t.Fatalf("%s did not load as %q", name, id)
			}
			if loc.Tag == language.Und {
				t.Errorf("%s: tag is und", name)
			}
			if b, conf := loc.Tag.Base(); conf == language.No || b.String() == "und" {
				t.Errorf("%s: no base language in %v", name, loc.Tag)
			}
			if len(loc.Plural) == 0 || !slices.Contains(loc.Plural, "other") {
				t.Errorf("%s: plural categories %v, want a CLDR rule with \"other\"", name, loc.Plural)
			}
			if loc.Name == "" || loc.Name == loc.ID {
				t.Errorf("%s: no native name (got %q)", name, loc.Name)
			}
			if loc.Dir != "ltr" && loc.Dir != "rtl" {
				t.Errorf("%s: dir %q", name, loc.Dir)
			}
			if loc.Status.Status != "reviewed" && loc.Status.Status != "draft" {
				t.Errorf("%s: status %q", name, loc.Status.Status)
			}
			if len(loc.Messages) == 0 {
				t.Errorf("%s: no messages", name)
			}
		})
	}
}

const goodEnglish = `{
  "exit.status": {
    "description": "How many more presses.",
    "one": "Press {{.Count}} more time",
    "other": "Press {{.Count}} more times"
  },
  "page.heading": {
    "description": "Heading.",
    "other": "Free, confidential help"
  }
}
`

// TestLoadBrokenFiles: a file that cannot be used is refused with an error
// that names its file, and its line and message where there are some.
func TestLoadBrokenFiles(t *testing.T) {
	tests := []struct {
		name     string
		file     string // the broken file's name
		data     string
		wantLine int
		wantID   string
		wantText string
	}{
		{
			name: "bad JSON: missing comma",
			file: "active.nl.json",
			data: "{\n  \"page.heading\": \"Gratis hulp\"\n  \"exit.status\": \"x\"\n}\n",
			// The decoder stops at the key after the missing comma.
			wantLine: 3, wantText: "not valid JSON",
		},
		{
			name:     "bad JSON: trailing comma",
			file:     "active.nl.json",
			data:     "{\n  \"page.heading\": {\n    \"other\": \"Gratis hulp\",\n  }\n}\n",
			wantLine: 4, wantText: "not valid JSON",
		},
		{
			name: "curly quotes from a word processor",
			file: "active.nl.json",
			data: "{\n  \"page.heading\": \"Hulp\",\n  \"action.call\": \u201cBel\u201d\n}\n",
			// Named as the character typed, not as its first byte ('â').
			wantLine: 3, wantText: "U+201C LEFT DOUBLE QUOTATION MARK",
		},
		{
			name:     "byte-order mark",
			file:     "active.nl.json",
			data:     "\ufeff{\n  \"page.heading\": \"Hulp\"\n}\n",
			wantLine: 1, wantText: "byte-order mark",
		},
		{
			name:     "no-break space between texts",
			file:     "active.nl.json",
			data:     "{\n  \"page.heading\":\u00a0\"Hulp\"\n}\n",
			wantLine: 2, wantText: "U+00A0 NO-BREAK SPACE",
		},
		{
			name:     "placeholder does not parse",
			file:     "active.nl.json",
			data:     "{\n  \"page.heading\": \"Hulp\",\n  \"exit.status\": {\n    \"one\": \"Druk nog {{.Count keer\",\n    \"other\": \"Druk nog {{.Count}} keer\"\n  }\n}\n",
			wantLine: 3, wantID: "exit.status", wantText: "placeholder does not parse",
		},
		{
			name:     "unknown plural key",
			file:     "active.nl.json",
			data:     "{\n  \"exit.status\": {\n    \"one\": \"Druk nog {{.Count}} keer\",\n    \"others\": \"Druk nog {{.Count}} keer\"\n  }\n}\n",
			wantLine: 2, wantID: "exit.status", wantText: `unknown key "others"`,
		},
		{
			name:     "text is a number",
			file:     "active.nl.json",
			data:     "{\n  \"page.heading\": \"Hulp\",\n  \"exit.status\": 3\n}\n",
			wantLine: 3, wantID: "exit.status", wantText: "want a text",
		},
		{
			name:     "tag without a plural rule",
			file:     "active.kmr.json",
			data:     "{\n  \"page.heading\": \"Alîkarî\"\n}\n",
			wantText: "no CLDR plural rule",
		},
		{
			name:     "not a language tag",
			file:     "active.xx-invalid!.json",
			data:     "{\n  \"page.heading\": \"Help\"\n}\n",
			wantText: "not a language tag",
		},
		{
			name:     "tag not in canonical form",
			file:     "active.zh-hans.json",
			data:     "{\n  \"page.heading\": \"免费帮助\"\n}\n",
			wantText: `"zh-Hans"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"active.en.json": {Data: []byte(goodEnglish)},
				tt.file:          {Data: []byte(tt.data)},
			}
			_, err := lang.Load(fsys)
			if err == nil {
				t.Fatal("Load accepted a broken file")
			}
			var fe *lang.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *lang.FileError", err, err)
			}
			if fe.File != tt.file || fe.Line != tt.wantLine || fe.ID != tt.wantID {
				t.Errorf("error at file %q line %d message %q, want %q line %d message %q (%v)",
					fe.File, fe.Line, fe.ID, tt.file, tt.wantLine, tt.wantID, err)
			}
			msg := err.Error()
			want := []string{tt.file, tt.wantText}
			if tt.wantLine > 0 {
				want = append(want, fmt.Sprintf("%s:%d", tt.file, tt.wantLine))
			}
			if tt.wantID != "" {
				want = append(want, fmt.Sprintf("%q", tt.wantID))
			}
			for _, w := range want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}

	// The same English with a good translation loads: the failures above
	// come from the broken file, not from the fixture.
	good := fstest.MapFS{
		"active.en.json": {Data: []byte(goodEnglish)},
		"active.nl.json": {Data: []byte(`{"page.heading": "Gratis hulp", "exit.status": {"one": "Nog {{.Count}} keer", "other": "Nog {{.Count}} keer"}}`)},
	}
	if _, err := lang.Load(good); err != nil {
		t.Fatalf("a good catalog failed to load: %v", err)
	}
}

// TestNoMustLocalize: MustLocalize panics on a missing message or a broken
// translation, and a panic is an outage of a safety page. Only tests may
// use it.
func TestNoMustLocalize(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	hits, scanned, err := findMustLocalize(root)
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 10 {
		t.Fatalf("scanned only %d Go files under %s", scanned, root)
	}
	for _, h := range hits {
		t.Errorf("%s uses MustLocalize, which panics: use Locale.T, TN or Text", h)
	}

	// The scanner finds a use in a non-test file and ignores tests. The
	// fixture is written here, not kept in testdata, so that no file in the
	// repository calls MustLocalize outside a test.
	dir := t.TempDir()
	call := "return l.MustLocal" + "ize(&i18n.LocalizeConfig{MessageID: \"page.heading\"})"
	for name, body := range map[string]string{
		"bad.go":     "package bad\n\nimport \"github.com/nicksnyder/go-i18n/v2/i18n\"\n\n// Heading panics on a missing message.\nfunc Heading(l *i18n.Localizer) string {\n\t// Line 8 calls it.\n\t" + call + "\n}\n",
		"ok_test.go": "package bad\n\nfunc x() { " + call + " }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hits, _, err = findMustLocalize(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"bad.go:8"}; !slices.Equal(hits, want) {
		t.Errorf("in the fixture found %v, want %v", hits, want)
	}
}

// findMustLocalize returns file:line of each MustLocalize call in the
// non-test Go files under root, skipping hidden, vendor and testdata
// folders below root.
func findMustLocalize(root string) (hits []string, scanned int, err error) {
	needle := "MustLocal" + "ize("
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		scanned++
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, needle) {
				rel, _ := filepath.Rel(root, p)
				hits = append(hits, fmt.Sprintf("%s:%d", filepath.ToSlash(rel), i+1))
			}
		}
		return nil
	})
	return hits, scanned, err
}

// TestLoadLayers: a deployment's folder adds messages and languages over
// the built-in files, replaces messages by ID, and overrides status; its
// problems name its own files, and every broken file of every layer is
// reported in one run.
func TestLoadLayers(t *testing.T) {
	base := fstest.MapFS{
		"active.en.json": {Data: []byte(`{
  "a": {"description": "A.", "other": "Alpha"},
  "b": {"description": "B.", "other": "Beta"}
}`)},
		"active.ar.json": {Data: []byte(`{
  "a": {"hash": "sha1-x", "other": "ألفا"}
}`)},
		"status.toml": {Data: []byte("[ar]\nstatus = \"reviewed\"\n")},
	}
	deploy := fstest.MapFS{
		"active.en.json": {Data: []byte(`{
  "b": {"description": "B.", "other": "Beta, locally"},
  "rights.ie-x.title": {"description": "T.", "other": "Irish rights"}
}`)},
		"active.ga.json": {Data: []byte(`{
  "rights.ie-x.title": "Cearta"
}`)},
		"status.toml": {Data: []byte("[ar]\nstatus = \"draft\"\n")},
	}
	cat, err := lang.LoadLayers(lang.Layer{FS: base, Name: "locales"}, lang.Layer{FS: deploy, Name: "texts"})
	if err != nil {
		t.Fatal(err)
	}
	en := cat.English()
	if got := en.Text("b"); got != "Beta, locally" {
		t.Errorf("b = %q: the deployment's English does not replace the built-in one", got)
	}
	if got := en.Text("a"); got != "Alpha" {
		t.Errorf("a = %q: a built-in message not in the deployment is lost", got)
	}
	if !cat.HasText("rights.ie-x.title") || cat.HasText("rights.ie-y.title") {
		t.Error("HasText does not see exactly the deployment's and the built-in English")
	}
	if en.Messages["b"].File != "texts/active.en.json" || en.Messages["a"].File != "locales/active.en.json" {
		t.Errorf("message files: b %q, a %q", en.Messages["b"].File, en.Messages["a"].File)
	}
	ga, ok := cat.Locale("ga")
	if !ok || ga.Text("rights.ie-x.title") != "Cearta" || ga.Text("a") != "Alpha" {
		t.Errorf("a language only the deployment has: %v, %q, %q", ok, ga.Text("rights.ie-x.title"), ga.Text("a"))
	}
	if ar, _ := cat.Locale("ar"); !ar.Draft() {
		t.Error("the deployment's status.toml does not override the built-in one")
	}

	// Two broken files, one per layer: both named, with their folders.
	base["active.nl.json"] = &fstest.MapFile{Data: []byte("{\n  \"a\": \"{{.X\"\n}")}
	deploy["active.so.json"] = &fstest.MapFile{Data: []byte("{\n  \"a\": \"x\",\n}")}
	_, err = lang.LoadLayers(lang.Layer{FS: base, Name: "locales"}, lang.Layer{FS: deploy, Name: "texts"})
	if err == nil || !strings.Contains(err.Error(), "locales/active.nl.json:2") || !strings.Contains(err.Error(), "texts/active.so.json:") {
		t.Errorf("want both broken files named with their folders and lines, got %v", err)
	}
}
