package lang

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/waymark/waymark/locales"
)

// keyLines finds in one pass the line each message starts on, as a search
// for each message ID does: in every shipped locale file, and where a key
// is written with escapes, spread over lines or repeated.
func TestKeyLinesAsSearch(t *testing.T) {
	files := map[string][]byte{
		"escaped":  []byte("{\n  \"a\\u0062\": \"x\",\n\n  \"c\":\n    {\"other\": \"y\"}\n}"),
		"repeated": []byte("{\"a\": 1,\n\"b\": {\"a\": 2},\n\"a\": 3}"),
		"one line": []byte(`{"a": "x", "b": "y"}`),
	}
	err := fs.WalkDir(locales.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".json") {
			files[path], err = fs.ReadFile(locales.FS(), path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{
		"escaped":  {"ab": 2, "c": 4},
		"repeated": {"a": 1, "b": 2},
		"one line": {"a": 1, "b": 1},
	}
	for name, data := range files {
		got := keyLines(data)
		if w, ok := want[name]; ok {
			for id, line := range w {
				if got[id] != line {
					t.Errorf("%s: %q on line %d, want %d", name, id, got[id], line)
				}
			}
			continue
		}
		if len(got) < 100 {
			t.Errorf("%s: only %d messages found", name, len(got))
		}
		for id, line := range got {
			if want := lineOfID(data, id); line != want {
				t.Errorf("%s: %q on line %d, a search finds it on %d", name, id, line, want)
			}
		}
	}
}
