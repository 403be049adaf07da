package poster

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/runenames"

	"github.com/waymark/waymark/lang"
)

// KindPosterGlyphs is a language whose poster text needs characters that
// the bundled poster fonts lack: Chromium would print them with a system
// font (as unnamed Type 3 fonts some print shops reject), or as boxes on a
// laptop without one.
const KindPosterGlyphs = "poster-glyphs"

// posterPrefix marks the messages a poster prints (poster.html), as
// assets/fonts/subset.sh reads them.
const posterPrefix = "poster."

// CheckGlyphs adds to the report, for every language, the characters of
// its poster messages that no bundled font (assets/fonts/*.woff) has, in
// the regular or the bold weight. It reads each font's character map.
func CheckGlyphs(assets fs.FS, cat *lang.Catalog, r *lang.Report) error {
	regular, bold, err := fontCoverage(assets)
	if err != nil {
		return err
	}
	for _, id := range cat.IDs() {
		loc, _ := cat.Locale(id)
		ids := make([]string, 0)
		for mid := range loc.Messages {
			if strings.HasPrefix(mid, posterPrefix) {
				ids = append(ids, mid)
			}
		}
		sort.Strings(ids)
		for _, mid := range ids {
			m := loc.Messages[mid]
			var missing []rune
			seen := map[rune]bool{}
			for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
				text, ok := m.Forms[form]
				if !ok {
					continue
				}
				for _, c := range stripPlaceholders(text) {
					if seen[c] || unicode.IsSpace(c) || unicode.Is(unicode.Cf, c) || unicode.IsControl(c) {
						continue
					}
					seen[c] = true
					if !regular[c] || !bold[c] {
						missing = append(missing, c)
					}
				}
			}
			if len(missing) == 0 {
				continue
			}
			var names []string
			for _, c := range missing {
				names = append(names, fmt.Sprintf("%c (U+%04X %s)", c, c, runenames.Name(c)))
			}
			r.Add(id, lang.Problem{Severity: lang.SeverityError, Kind: KindPosterGlyphs, File: m.File, Line: m.Line, ID: mid,
				Explain: fmt.Sprintf("the poster fonts (assets/fonts) have no glyph for %s: a maintainer runs assets/fonts/subset.sh to add them (TRANSLATING.md, \"Posters\"), or, for a script none of the fonts covers, adds a Noto font for it", strings.Join(names, ", "))})
		}
	}
	return nil
}

func stripPlaceholders(s string) string {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return s
		}
		s = s[:i] + " " + s[i+j+2:]
	}
}

// fontCoverage returns the characters that the regular fonts together,
// and the bold fonts together, can show: the poster's font-family list
// lets Chromium take each character from the first font that has it.
func fontCoverage(assets fs.FS) (regular, bold map[rune]bool, err error) {
	regular, bold = map[rune]bool{}, map[rune]bool{}
	for _, f := range fontFiles {
		data, err := fs.ReadFile(assets, "fonts/"+f.file)
		if err != nil {
			return nil, nil, fmt.Errorf("poster font: %w", err)
		}
		cov, err := woffCoverage(data)
		if err != nil {
			return nil, nil, fmt.Errorf("poster font %s: %w", f.file, err)
		}
		into := regular
		if f.weight == "700" {
			into = bold
		}
		for c := range cov {
			into[c] = true
		}
	}
	return regular, bold, nil
}

// woffCoverage reads the characters a WOFF 1.0 font maps to a glyph, from
// its cmap table (formats 4 and 12, the Unicode ones).
func woffCoverage(data []byte) (map[rune]bool, error) {
	if len(data) < 44 || string(data[:4]) != "wOFF" {
		return nil, fmt.Errorf("not a WOFF 1.0 font")
	}
	n := int(binary.BigEndian.Uint16(data[12:]))
	for i := 0; i < n; i++ {
		e := 44 + 20*i
		if e+20 > len(data) {
			return nil, fmt.Errorf("table directory is cut short")
		}
		if string(data[e:e+4]) != "cmap" {
			continue
		}
		off, comp, orig := binary.BigEndian.Uint32(data[e+4:]), binary.BigEndian.Uint32(data[e+8:]), binary.BigEndian.Uint32(data[e+12:])
		if uint64(off)+uint64(comp) > uint64(len(data)) {
			return nil, fmt.Errorf("cmap table outside the file")
		}
		table := data[off : off+comp]
		if comp < orig {
			zr, err := zlib.NewReader(bytes.NewReader(table))
			if err != nil {
				return nil, fmt.Errorf("cmap: %w", err)
			}
			table, err = io.ReadAll(io.LimitReader(zr, int64(orig)))
			if err != nil {
				return nil, fmt.Errorf("cmap: %w", err)
			}
		}
		return cmapCoverage(table)
	}
	return nil, fmt.Errorf("no cmap table")
}

func cmapCoverage(t []byte) (map[rune]bool, error) {
	u16 := func(i int) int {
		if i < 0 || i+2 > len(t) {
			return 0
		}
		return int(binary.BigEndian.Uint16(t[i:]))
	}
	u32 := func(i int) uint32 {
		if i < 0 || i+4 > len(t) {
			return 0
		}
		return binary.BigEndian.Uint32(t[i:])
	}
	out := map[rune]bool{}
	found := false
	for i := 0; i < u16(2); i++ {
		rec := 4 + 8*i
		platform, enc, off := u16(rec), u16(rec+2), int(u32(rec+4))
		if !(platform == 0 || platform == 3 && (enc == 1 || enc == 10)) {
			continue
		}
		switch u16(off) {
		case 4:
			found = true
			segs := u16(off+6) / 2
			ends, starts := off+14, off+16+2*segs
			deltas, ranges := starts+2*segs, starts+4*segs
			for s := 0; s < segs; s++ {
				end, start := u16(ends+2*s), u16(starts+2*s)
				delta, ro := u16(deltas+2*s), u16(ranges+2*s)
				for c := start; c <= end && c != 0xFFFF; c++ {
					g := (c + delta) & 0xFFFF
					if ro != 0 {
						g = u16(ranges + 2*s + ro + 2*(c-start))
						if g != 0 {
							g = (g + delta) & 0xFFFF
						}
					}
					if g != 0 {
						out[rune(c)] = true
					}
				}
			}
		case 12:
			found = true
			groups := int(u32(off + 12))
			for g := 0; g < groups && g < 1<<16; g++ {
				rec := off + 16 + 12*g
				start, end, glyph := u32(rec), u32(rec+4), u32(rec+8)
				if end < start || end-start > 0x10FFFF {
					continue
				}
				for c := start; c <= end; c++ {
					if glyph+(c-start) != 0 {
						out[rune(c)] = true
					}
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("no Unicode character map")
	}
	return out, nil
}
