package poster

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strings"

	"golang.org/x/text/unicode/runenames"

	"github.com/waymark/waymark/lang"
)

// KindPosterGlyphs is a language whose poster text needs a script (or
// characters) that no poster font has: Chromium would print them with a
// system font (as unnamed Type 3 fonts some print shops reject), or as
// boxes on a laptop without one, so such a poster is refused.
const KindPosterGlyphs = "poster-glyphs"

// posterPrefix marks the messages a poster prints (poster.html).
const posterPrefix = "poster."

// CheckFonts adds to the report, for every language, the characters of
// its poster messages that no poster font (built in, or added with
// --fonts) shows in that language's font list, grouped by script: a poster
// in that language is refused until a font for the script is added.
func CheckFonts(f *Fonts, cat *lang.Catalog, r *lang.Report) {
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
			var text strings.Builder
			for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
				text.WriteString(m.Forms[form])
			}
			scripts, chars := f.Missing(id, text.String())
			for _, sc := range scripts {
				r.Add(id, lang.Problem{Severity: lang.SeverityError, Kind: KindPosterGlyphs, File: m.File, Line: m.Line, ID: mid,
					Explain: f.Advice(sc, chars[sc])})
			}
		}
	}
}

// describe names characters for a maintainer: ڕ (U+0695 ARABIC LETTER
// REH WITH SMALL V BELOW), at most eight of them.
func describe(cs []rune) string {
	var names []string
	for i, c := range cs {
		if i == 8 {
			names = append(names, fmt.Sprintf("and %d more", len(cs)-8))
			break
		}
		names = append(names, fmt.Sprintf("%c (U+%04X %s)", c, c, runenames.Name(c)))
	}
	return strings.Join(names, ", ")
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
