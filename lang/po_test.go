package lang

import "testing"

// FuzzReadPO: any bytes as a PO file give units or an error naming a
// line, never a panic.
func FuzzReadPO(f *testing.F) {
	f.Add([]byte("msgid \"\"\nmsgstr \"\"\n\"Language: ar\\n\"\n\n#. desc\n#. hash: sha1-00\nmsgctxt \"a.b\"\nmsgid \"x\"\nmsgstr \"y\"\n"))
	f.Add([]byte("#, fuzzy\nmsgctxt \"e\"\nmsgid \"one\"\nmsgid_plural \"other\"\nmsgstr[0] \"a\"\n\"b\"\nmsgstr[5] \"c\"\n"))
	f.Add([]byte("msgstr[9] \"\"\n\"\\q\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, _, err := readPO("fuzz.po", data)
		if err != nil {
			if fe, ok := err.(*FileError); !ok || fe.Line < 1 {
				t.Errorf("error %v names no line", err)
			}
			return
		}
		for _, u := range units {
			for n := range u.strs {
				if n < 0 || n > 5 {
					t.Errorf("plural form %d", n)
				}
			}
		}
	})
}
