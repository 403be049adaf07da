package site

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzImportSheet: any bytes as a sheet give an import or an error, never
// a panic, and every refused row names a row after the header.
func FuzzImportSheet(f *testing.F) {
	f.Add([]byte("name,region,languages\nGare,uk,\"en, ar\"\n"))
	f.Add([]byte("Name;Region;Languages;Paper size;Copies\nX;nl;nl;a3;2\n"))
	f.Add([]byte("\ufeffcode,name,region,languages\nK7Q2M,x,uk,en\nZZZZ9,y,uk,en\n"))
	f.Add([]byte("name,region,languages\n\"unterminated,uk,en\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Demo(nil)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := c.ImportSheet(bytes.NewReader(data), Comma("x.csv", data), NewCodeMaker(c, nil))
		if err != nil || imp == nil {
			return
		}
		for _, r := range imp.Refused {
			if r.Row < 2 {
				t.Errorf("refused row %d", r.Row)
			}
		}
		if imp.Added+imp.Updated != len(imp.Changes) {
			t.Errorf("%d added and %d updated, %d changes", imp.Added, imp.Updated, len(imp.Changes))
		}
		text, err := EditVenues(DemoTOML(), len(c.Venues), imp.Changes)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse("fuzz.toml", text, nil); err != nil && !strings.Contains(err.Error(), "bytes is too long") {
			t.Errorf("the edited config does not parse: %v", err)
		}
	})
}
