package poster

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// A poster is printed only with fonts it carries inline: the ones built
// into Waymark (assets/fonts, one per script, each with its script's
// Unicode blocks whole, made by assets/fonts/build.py) and the ones a
// deployment adds at run time (--fonts DIR). Chromium never falls back to
// a system font for poster text: a language whose text needs a script no
// font covers is refused, naming the script and what to add.

// builtinFaces are the fonts in assets/fonts, in the order the poster's
// font list tries them. Nastaliq is left out of the common list: it is
// only for the languages in nastaliqLangs.
var builtinFaces = []struct{ family, file string }{
	{"NotoSans", "NotoSans"},
	{"NotoSansArabic", "NotoSansArabic"},
	{"NotoSansEthiopic", "NotoSansEthiopic"},
	{"NotoSansDevanagari", "NotoSansDevanagari"},
	{"NotoSansBengali", "NotoSansBengali"},
	{"NotoSansGurmukhi", "NotoSansGurmukhi"},
	{"NotoSansTamil", "NotoSansTamil"},
	{"NotoSansMalayalam", "NotoSansMalayalam"},
	{"NotoSansThai", "NotoSansThai"},
	{"NotoSansSC", "NotoSansSC"},
	{"NotoNastaliqUrdu", "NotoNastaliqUrdu"},
}

// preferred are the families a language's blocks try before the common
// list: Urdu (and Punjabi in Shahmukhi) is written in Nastaliq, which the
// Naskh of Noto Sans Arabic is not.
var preferred = map[string][]string{
	"ur":      {"NotoNastaliqUrdu"},
	"pa-Arab": {"NotoNastaliqUrdu"},
}

// only are families used by preferred alone, never from the common list.
var only = map[string]bool{"NotoNastaliqUrdu": true}

// Face is one font file a poster may embed.
type Face struct {
	Family string
	Weight int // 400 or 700
	File   string
	Format string // "woff" or "truetype", for @font-face
	Data   []byte
	Cover  map[rune]bool
	// Added is a font from --fonts.
	Added bool
}

// Fonts are the faces a poster may embed, in the order its font list
// tries them.
type Fonts struct {
	Faces    []*Face
	families []string
}

// LoadFonts reads the built-in poster fonts from assets and, when dir is
// not empty, the fonts of a deployment's --fonts folder: TrueType (.ttf)
// or WOFF (.woff) files, named Family-Weight.ttf (NotoSansGeorgian-Bold.ttf)
// as Noto's are. Added fonts come after the built-in ones: they add
// scripts, they do not replace a built-in font.
func LoadFonts(assets fs.FS, dir string) (*Fonts, error) {
	f := &Fonts{}
	for _, b := range builtinFaces {
		for _, w := range []struct {
			name   string
			weight int
		}{{"Regular", 400}, {"Bold", 700}} {
			file := "fonts/" + b.file + "-" + w.name + ".woff"
			data, err := fs.ReadFile(assets, file)
			if err != nil {
				return nil, fmt.Errorf("poster font: %w", err)
			}
			cov, err := fontCoverage(data)
			if err != nil {
				return nil, fmt.Errorf("poster font %s: %w", file, err)
			}
			f.add(&Face{Family: b.family, Weight: w.weight, File: "assets/" + file, Format: "woff", Data: data, Cover: cov})
		}
	}
	if dir == "" {
		return f, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--fonts: %w", err)
	}
	n := 0
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := filepath.Join(dir, e.Name())
		format := map[string]string{".ttf": "truetype", ".woff": "woff"}[ext]
		if format == "" {
			if ext == ".otf" || ext == ".ttc" || ext == ".otc" || ext == ".woff2" {
				return nil, fmt.Errorf("--fonts: %s: use a TrueType font (.ttf) or WOFF 1.0 (.woff): Chromium prints %s fonts into PDFs as unnamed Type 3 fonts, or cannot be read here", file, ext)
			}
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--fonts: %w", err)
		}
		cov, err := fontCoverage(data)
		if err != nil {
			return nil, fmt.Errorf("--fonts: %s: %w", file, err)
		}
		family, weight := familyOf(e.Name(), data)
		if slices.Contains(f.families, family) && !f.hasAdded(family) {
			family = "Added " + family // a built-in family's name: keep both
		}
		f.add(&Face{Family: family, Weight: weight, File: file, Format: format, Data: data, Cover: cov, Added: true})
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("--fonts %s: the folder has no .ttf or .woff font", dir)
	}
	return f, nil
}

func (f *Fonts) add(face *Face) {
	f.Faces = append(f.Faces, face)
	if !slices.Contains(f.families, face.Family) {
		f.families = append(f.families, face.Family)
	}
}

func (f *Fonts) hasAdded(family string) bool {
	for _, fc := range f.Faces {
		if fc.Family == family && fc.Added {
			return true
		}
	}
	return false
}

// familyOf names an added font's family from its file name (the part
// before -Regular, -Bold and so on), and reads its weight from its OS/2
// table, which a file name may not say.
func familyOf(name string, data []byte) (string, int) {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	family := base
	if i := strings.LastIndexByte(base, '-'); i > 0 {
		family = base[:i]
	}
	weight := 400
	if w := os2Weight(data); w >= 600 || w == 0 && strings.Contains(strings.ToLower(base), "bold") {
		weight = 700
	}
	return family, weight
}

// stack is the CSS font-family list of a language: its preferred
// families, then every common one.
func (f *Fonts) stack(langID string) []string {
	var out []string
	out = append(out, preferred[langID]...)
	for _, fam := range f.families {
		if !only[fam] && !slices.Contains(out, fam) {
			out = append(out, fam)
		}
	}
	return out
}

// covers reports whether a language's font list shows c.
func (f *Fonts) covers(langID string, c rune) bool {
	for _, fam := range f.stack(langID) {
		for _, fc := range f.Faces {
			if fc.Family == fam && fc.Cover[c] {
				return true
			}
		}
	}
	return false
}

// Missing groups the characters of text that a language's fonts lack by
// their Unicode script ("Georgian", "Han"), in the order first seen.
func (f *Fonts) Missing(langID, text string) (scripts []string, chars map[string][]rune) {
	chars = map[string][]rune{}
	seen := map[rune]bool{}
	for _, c := range stripPlaceholders(text) {
		if seen[c] || unicode.IsSpace(c) || unicode.Is(unicode.Cf, c) || unicode.IsControl(c) {
			continue
		}
		seen[c] = true
		if f.covers(langID, c) {
			continue
		}
		s := scriptOf(c)
		if _, ok := chars[s]; !ok {
			scripts = append(scripts, s)
		}
		chars[s] = append(chars[s], c)
	}
	return scripts, chars
}

// scriptOf is the Unicode script of c, by name.
func scriptOf(c rune) string {
	names := make([]string, 0, 4)
	for name, t := range unicode.Scripts {
		if unicode.Is(t, c) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if n != "Common" && n != "Inherited" {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "Unknown"
}

// hasScript reports whether any font covers a letter of the script: then
// a missing character is a gap in that font, not a missing script.
func (f *Fonts) hasScript(script string) bool {
	t := unicode.Scripts[script]
	if t == nil {
		return false
	}
	for _, fc := range f.Faces {
		for c := range fc.Cover {
			if unicode.Is(t, c) && unicode.IsLetter(c) {
				return true
			}
		}
	}
	return false
}

// Advice says what to add for a script without a font, or for the
// characters a script's font lacks.
func (f *Fonts) Advice(script string, chars []rune) string {
	list := describe(chars)
	noto := "NotoSans" + strings.ReplaceAll(script, "_", "")
	if script == "Han" {
		return fmt.Sprintf("the Chinese poster font (a subset: GB 2312 level 1, 3,755 characters, plus every character the shipped translations use) has no glyph for %s: add a TrueType font with them to the folder given with --fonts (WAYMARK_FONTS), or rebuild the fonts (TRANSLATING.md, section 10)", list)
	}
	if f.hasScript(script) {
		return fmt.Sprintf("the poster fonts for the %s script have no glyph for %s: add a TrueType (.ttf) font that has them to the folder given with --fonts (WAYMARK_FONTS; TRANSLATING.md, section 10)", script, list)
	}
	return fmt.Sprintf("no poster font covers the %s script (%s): add a TrueType font for %s, for example %s-Regular.ttf and %s-Bold.ttf from Debian's fonts-noto-core or fonts-noto-extra (/usr/share/fonts/truetype/noto), to a folder and give it with --fonts DIR (WAYMARK_FONTS; TRANSLATING.md, section 10)", script, list, script, noto, noto)
}

// faces returns the CSS of the fonts that text uses, with each face's
// unicode-range from its own character map, so that a script's font draws
// only its script (Nastaliq never draws the address), and the font lists.
func (f *Fonts) faces(text string, langIDs []string) template.CSS {
	used := map[rune]bool{}
	for _, c := range text {
		used[c] = true
	}
	wanted := map[string]bool{}
	for _, id := range langIDs {
		for _, fam := range preferred[id] {
			wanted[fam] = true
		}
	}
	need := map[string]bool{}
	for _, fc := range f.Faces {
		if only[fc.Family] && !wanted[fc.Family] {
			continue
		}
		if fc.Family == "NotoSans" {
			need[fc.Family] = true // addresses, numbers
			continue
		}
		for c := range used {
			if fc.Cover[c] && c > 0x7F && c != 0xA0 && !unicode.Is(unicode.Cf, c) && c != 0x25CC {
				need[fc.Family] = true
				break
			}
		}
	}
	var b strings.Builder
	for _, fc := range f.Faces {
		if !need[fc.Family] {
			continue
		}
		fmt.Fprintf(&b, "@font-face{font-family:%q;font-weight:%d;src:url(data:font/%s;base64,%s) format(%q);unicode-range:%s}",
			fc.Family, fc.Weight, map[string]string{"woff": "woff", "truetype": "ttf"}[fc.Format],
			base64.StdEncoding.EncodeToString(fc.Data), fc.Format, unicodeRange(fc.Cover))
	}
	fmt.Fprintf(&b, "body{font-family:%s}", quoteList(f.stack("")))
	done := map[string]bool{}
	for _, id := range langIDs {
		if len(preferred[id]) == 0 || done[id] {
			continue
		}
		done[id] = true
		fmt.Fprintf(&b, "[lang=%q]{font-family:%s}", id, quoteList(f.stack(id)))
	}
	return template.CSS(b.String())
}

func quoteList(fams []string) string {
	q := make([]string, len(fams))
	for i, s := range fams {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ",")
}

// unicodeRange writes a character set as a CSS unicode-range.
func unicodeRange(cov map[rune]bool) string {
	cs := make([]rune, 0, len(cov))
	for c := range cov {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	var parts []string
	for i := 0; i < len(cs); {
		j := i
		for j+1 < len(cs) && cs[j+1] == cs[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("U+%X", cs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("U+%X-%X", cs[i], cs[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// fontCoverage reads the characters a WOFF 1.0 or TrueType font maps to
// a glyph.
func fontCoverage(data []byte) (map[rune]bool, error) {
	if len(data) >= 4 {
		switch string(data[:4]) {
		case "wOFF":
			return woffCoverage(data)
		case "\x00\x01\x00\x00", "true":
			table, err := sfntTable(data, "cmap")
			if err != nil {
				return nil, err
			}
			return cmapCoverage(table)
		case "OTTO":
			return nil, fmt.Errorf("a CFF (OpenType .otf) font, which Chromium prints as unnamed Type 3 fonts: use the TrueType (.ttf) version")
		case "ttcf":
			return nil, fmt.Errorf("a font collection (.ttc): use a single TrueType font (.ttf)")
		case "wOF2":
			return nil, fmt.Errorf("a WOFF2 font: use TrueType (.ttf) or WOFF 1.0")
		}
	}
	return nil, fmt.Errorf("not a TrueType or WOFF font")
}

// sfntTable returns a table of an uncompressed TrueType font.
func sfntTable(data []byte, tag string) ([]byte, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("not a font")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	for i := 0; i < n; i++ {
		e := 12 + 16*i
		if e+16 > len(data) {
			return nil, fmt.Errorf("table directory is cut short")
		}
		if string(data[e:e+4]) != tag {
			continue
		}
		off, length := binary.BigEndian.Uint32(data[e+8:]), binary.BigEndian.Uint32(data[e+12:])
		if uint64(off)+uint64(length) > uint64(len(data)) {
			return nil, fmt.Errorf("%s table outside the file", tag)
		}
		return data[off : off+length], nil
	}
	return nil, fmt.Errorf("no %s table", tag)
}

// os2Weight reads usWeightClass from a TrueType font's OS/2 table; 0 when
// it cannot (a WOFF font keeps its tables compressed).
func os2Weight(data []byte) int {
	if len(data) < 4 || string(data[:4]) != "\x00\x01\x00\x00" && string(data[:4]) != "true" {
		return 0
	}
	t, err := sfntTable(data, "OS/2")
	if err != nil || len(t) < 6 {
		return 0
	}
	return int(binary.BigEndian.Uint16(t[4:]))
}
