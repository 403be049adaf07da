package lang_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// FuzzLoadLocale feeds arbitrary bytes to the loader as a translator's
// file beside the real English one. A file may be rejected, but only with
// an error that names it (a *lang.FileError, possibly wrapped); it must
// never panic; and a file that loads must translate every one of its
// messages without panicking.
func FuzzLoadLocale(f *testing.F) {
	en, err := fs.ReadFile(locales.FS(), "active.en.json")
	if err != nil {
		f.Fatal(err)
	}
	// Seeds stay small (testdata/fuzz/FuzzLoadLocale has a valid file):
	// each run loads two locales, about 5 ms, and the fuzzer minimizes
	// every new input it keeps.
	f.Add([]byte(`{"page.heading": "مساعدة", "exit.status": {"other": "{{.Count}}"}}`))
	f.Add([]byte(`{"page.heading": "unterminated`))
	f.Add([]byte(`{"exit.status": {"other": "{{.Count"}}`))
	f.Add([]byte(`{"exit.status": {"zero": "a", "one": "b", "two": "c", "few": "d", "many": "e", "other": "{{.Count}}"}}`))
	f.Add([]byte(`{"exit.status": {"one": "only one"}}`))
	f.Add([]byte(`{"x": null, "y": 1, "z": [], "w": {"other": {}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))

	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"active.en.json": {Data: en},
			"active.ar.json": {Data: data},
		}
		cat, err := lang.Load(fsys)
		if err != nil {
			var fe *lang.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *lang.FileError: %v", err, err)
			}
			if fe.File != "active.ar.json" || !strings.Contains(err.Error(), "active.ar.json") {
				t.Fatalf("error does not name active.ar.json: %v", err)
			}
			if fe.Problem == "" {
				t.Fatalf("FileError without a problem: %#v", fe)
			}
			return
		}
		loc, ok := cat.Locale("ar")
		if !ok {
			t.Fatal("active.ar.json loaded without error but there is no ar locale")
		}
		// A message renders to about its own size: placeholder values are
		// short and escaping at most quintuples a byte. Template logic
		// ({{range 1000000000}}) must not blow a page up at start-up.
		limit := 8 * (len(data) + len(en))
		for id := range loc.Messages {
			// A placeholder the call does not supply is an error, never
			// "<no value>"; either way, no panic.
			if h, _ := loc.T(id, "Number", lang.LTR("999"), "Name", "x"); len(h) > limit {
				t.Fatalf("message %q renders to %d bytes from a %d-byte file", id, len(h), len(data))
			}
			if h, _ := loc.TN(id, 2); len(h) > limit {
				t.Fatalf("message %q renders to %d bytes from a %d-byte file", id, len(h), len(data))
			}
			_ = loc.Text(id, "Count", 1)
		}
	})
}

// TestLoadRejectsTemplateLogic: the loader must refuse, naming file, line
// and message, any template action but a {{.Name}} placeholder, as Check
// does. `serve` and --dev reloads run Load, not Check, and render every
// page at start-up: a translation holding {{range 1000000000}} or a
// recursive {{template}} would otherwise hang the server or exhaust its
// memory while it starts or reloads.
func TestLoadRejectsTemplateLogic(t *testing.T) {
	en, err := fs.ReadFile(locales.FS(), "active.en.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		`{{range 3}}x{{end}}`,
		`{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}`,
		`{{block \"b\" .}}x{{end}}`,
		`{{if .Count}}x{{end}}`,
		`{{with .Count}}{{.}}{{end}}`,
		`{{$x := 1}}{{$x}}`,
		`{{.Count.Field}}`,
		`{{len .Count}}`,
	} {
		t.Run(text, func(t *testing.T) {
			file := "{\n  \"page.heading\": {\n    \"other\": \"" + text + "\"\n  }\n}\n"
			_, err := lang.Load(fstest.MapFS{"active.en.json": {Data: en}, "active.ar.json": {Data: []byte(file)}})
			var fe *lang.FileError
			switch {
			case err == nil:
				t.Fatalf("Load accepted %s", text)
			case !errors.As(err, &fe) || fe.File != "active.ar.json" || fe.ID != "page.heading" || fe.Line != 2:
				t.Errorf("error does not name active.ar.json:2 and page.heading: %v", err)
			}
		})
	}
	// A plain placeholder still loads.
	ok := `{"exit.status": {"other": "{{.Count}}"}}`
	if _, err := lang.Load(fstest.MapFS{"active.en.json": {Data: en}, "active.ar.json": {Data: []byte(ok)}}); err != nil {
		t.Errorf("{{.Count}}: %v", err)
	}
}
