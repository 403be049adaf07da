package poster

import (
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// TestWOFFCoverageMatchesFontconfig: the character maps read from the
// bundled WOFF files are what fontconfig (through FreeType) reads from
// them, character for character.
func TestWOFFCoverageMatchesFontconfig(t *testing.T) {
	fcQuery := realtools.Need(t, "fc-query", "fontconfig")
	for _, f := range fontFiles {
		data, err := fs.ReadFile(assets.FS(), "fonts/"+f.file)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := woffCoverage(data)
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		path, _ := filepath.Abs(filepath.Join("..", "assets", "fonts", f.file))
		theirs := fcCharset(t, realtools.Run(t, fcQuery, "--format=%{charset}", path))
		if len(theirs) < 20 {
			t.Fatalf("%s: fc-query lists only %d characters", f.file, len(theirs))
		}
		for c := range theirs {
			if !ours[c] {
				t.Errorf("%s: fontconfig has U+%04X, we do not", f.file, c)
			}
		}
		for c := range ours {
			if !theirs[c] {
				t.Errorf("%s: we have U+%04X, fontconfig does not", f.file, c)
			}
		}
	}
}

// fcCharset reads fontconfig's charset format: ranges of hex code points,
// "20-7e a0 ...".
func fcCharset(t *testing.T, s string) map[rune]bool {
	out := map[rune]bool{}
	for _, part := range strings.Fields(s) {
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.ParseUint(lo, 16, 32)
		b, err2 := strconv.ParseUint(hi, 16, 32)
		if err1 != nil || err2 != nil {
			t.Fatalf("fc-query charset %q", s)
		}
		for c := a; c <= b; c++ {
			out[rune(c)] = true
		}
	}
	return out
}

// TestCheckGlyphs: every shipped language's poster text is in the bundled
// fonts; a Sorani poster (letters Arabic lacks, such as ڕ and ۆ) is an
// error naming the characters, the file and the message.
func TestCheckGlyphs(t *testing.T) {
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	r := cat.Check(nil)
	before := r.Errors
	if err := CheckGlyphs(assets.FS(), cat, r); err != nil {
		t.Fatal(err)
	}
	if r.Errors != before {
		for _, l := range r.Languages {
			for _, p := range l.Problems {
				if p.Kind == KindPosterGlyphs {
					t.Errorf("shipped %s: %s", l.Tag, p)
				}
			}
		}
	}

	en, _ := fs.ReadFile(locales.FS(), "active.en.json")
	ckb := "{\n  \"poster.headline\": \"ڕاوێژی بێبەرامبەر و نهێنی\",\n  \"poster.tear\": \"ڕاوێژی بێبەرامبەر\"\n}\n"
	cat, err = lang.Load(fstest.MapFS{"active.en.json": {Data: en}, "active.ckb.json": {Data: []byte(ckb)}})
	if err != nil {
		t.Fatal(err)
	}
	r = cat.Check(nil)
	if err := CheckGlyphs(assets.FS(), cat, r); err != nil {
		t.Fatal(err)
	}
	lr := r.Language("ckb")
	var got []lang.Problem
	for _, p := range lr.Problems {
		if p.Kind == KindPosterGlyphs {
			got = append(got, p)
		}
	}
	if len(got) != 2 || r.Errors == 0 {
		t.Fatalf("want 2 poster-glyphs errors, got %v", got)
	}
	p := got[0]
	for _, want := range []string{"active.ckb.json:2", `"poster.headline"`, "U+0695 ARABIC LETTER REH WITH SMALL V BELOW", "subset.sh"} {
		if !strings.Contains(p.String(), want) {
			t.Errorf("%s\ndoes not say %q", p, want)
		}
	}
}
