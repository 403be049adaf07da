package poster

import (
	"io/fs"
	"os"
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
// bundled WOFF files, and from a TrueType file as --fonts takes them, are
// what fontconfig (through FreeType) reads from them, character for
// character.
func TestWOFFCoverageMatchesFontconfig(t *testing.T) {
	fcQuery := realtools.Need(t, "fc-query", "fontconfig")
	files, _ := filepath.Glob(filepath.Join("..", "assets", "fonts", "*.woff"))
	if len(files) < 20 {
		t.Fatalf("assets/fonts has %d fonts, want a regular and a bold for each script", len(files))
	}
	files = append(files, notoFile(t, "NotoSansGeorgian-Regular.ttf"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := fontCoverage(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		f := struct{ file string }{filepath.Base(path)}
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
			// fontconfig leaves out the control characters a font maps
			// (NUL, CR), which no text draws.
			if !theirs[c] && c >= 0x20 {
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

// notoFile is a font of Debian's fonts-noto-core, which test.sh installs.
func notoFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("/usr/share/fonts/truetype/noto", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%v: install fonts-noto-core (test.sh does)", err)
	}
	return p
}

// TestCheckFonts: every shipped language's poster text is in the built-in
// fonts; a language in a supported script but with letters no shipped
// translation used (Sorani's ڕ and ۆ, Pashto's ړ ګ ډ) passes with no
// rebuild, since each script's font has its Unicode blocks whole; a
// language in a script no font covers (Georgian) is an error naming the
// script, the file, the message and what to add, and passes once that
// font is given with --fonts.
func TestCheckFonts(t *testing.T) {
	builtin, err := LoadFonts(assets.FS(), "")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	r := cat.Check(nil)
	before := r.Errors
	CheckFonts(builtin, cat, r)
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
	files := fstest.MapFS{"active.en.json": {Data: en},
		"active.ckb.json": {Data: []byte("{\n  \"poster.headline\": \"ڕاوێژی بێبەرامبەر و نهێنی\",\n  \"poster.tear\": \"ڕاوێژی بێبەرامبەر\"\n}\n")},
		"active.ps.json":  {Data: []byte("{\n  \"poster.headline\": \"وړیا او پټه مشوره ګټه ډېره\"\n}\n")},
		"active.ka.json":  {Data: []byte("{\n  \"poster.tear\": \"უფასო რჩევა\",\n  \"poster.headline\": \"უფასო და კონფიდენციალური რჩევა\"\n}\n")},
	}
	cat, err = lang.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	glyphErrors := func(r *lang.Report, tag string) []lang.Problem {
		var got []lang.Problem
		for _, p := range r.Language(tag).Problems {
			if p.Kind == KindPosterGlyphs {
				got = append(got, p)
			}
		}
		return got
	}
	r = cat.Check(nil)
	CheckFonts(builtin, cat, r)
	for _, tag := range []string{"ckb", "ps"} {
		if got := glyphErrors(r, tag); len(got) > 0 {
			t.Errorf("%s: %v", tag, got)
		}
	}
	got := glyphErrors(r, "ka")
	if len(got) != 2 {
		t.Fatalf("ka: want 2 poster-glyphs errors, got %v", got)
	}
	for _, want := range []string{"active.ka.json:3", `"poster.headline"`, "Georgian script", "U+10E3 GEORGIAN LETTER UN", "--fonts", "NotoSansGeorgian-Regular.ttf", "fonts-noto-core"} {
		if p := got[0].String() + got[1].String(); !strings.Contains(p, want) {
			t.Errorf("%s\ndoes not say %q", p, want)
		}
	}

	dir := t.TempDir()
	for _, name := range []string{"NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"} {
		data, err := os.ReadFile(notoFile(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	added, err := LoadFonts(assets.FS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	r = cat.Check(nil)
	CheckFonts(added, cat, r)
	if got := glyphErrors(r, "ka"); len(got) > 0 {
		t.Errorf("with --fonts: %v", got)
	}
}

// TestLoadFontsRefuses: a --fonts folder must hold fonts that print as
// real fonts: CFF (.otf), collections and WOFF2 are refused by name.
func TestLoadFontsRefuses(t *testing.T) {
	for name, want := range map[string]string{
		"x.otf":   "TrueType",
		"x.ttc":   "TrueType",
		"x.woff2": "TrueType",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("OTTO...."), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadFonts(assets.FS(), dir); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Broken-Regular.ttf"), []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFonts(assets.FS(), dir); err == nil || !strings.Contains(err.Error(), "Broken-Regular.ttf") {
		t.Errorf("a broken font: err = %v", err)
	}
	if _, err := LoadFonts(assets.FS(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "no .ttf") {
		t.Errorf("an empty folder: err = %v", err)
	}
	if _, err := LoadFonts(assets.FS(), filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing folder: no error")
	}
}
