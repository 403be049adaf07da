package qr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
)

// SVG returns a standalone SVG document of the symbol, one user unit per
// module. Without width and height it scales to whatever box it is placed in,
// which is what print layouts want.
func (s *Symbol) SVG() []byte {
	return s.svg(svgOptions{declaration: true})
}

// svgSize accepts a plain CSS length. It is strict because the value lands
// inside an attribute.
var svgSize = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(mm|cm|in|pt|pc|px|em|rem|%)?$`)

// SVGWithSize is SVG with width and height set to size, such as "40mm" for
// a poster template or "240px" for a screen.
func (s *Symbol) SVGWithSize(size string) ([]byte, error) {
	if !svgSize.MatchString(size) {
		return nil, fmt.Errorf("qr: SVG size %q is not a CSS length like 40mm or 240px", size)
	}
	return s.svg(svgOptions{declaration: true, size: size}), nil
}

// SVGInline returns an <svg> element for embedding in HTML. title becomes
// its accessible name; an empty title marks the image as decorative, for
// pages that already say in text what the code is for.
func (s *Symbol) SVGInline(title string) []byte {
	return s.svg(svgOptions{title: title, inline: true})
}

type svgOptions struct {
	declaration bool
	size        string
	inline      bool
	title       string
}

func (s *Symbol) svg(o svgOptions) []byte {
	n := strconv.Itoa(s.size)
	var b bytes.Buffer
	b.Grow(256 + 12*s.size*s.size/4) // roughly one run per four modules
	if o.declaration {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + " " + n + `"`)
	if o.size != "" {
		b.WriteString(` width="` + o.size + `" height="` + o.size + `"`)
	}
	b.WriteString(` shape-rendering="crispEdges"`)
	if o.inline && o.title == "" {
		b.WriteString(` aria-hidden="true">`)
	} else {
		b.WriteString(` role="img">`)
	}
	if o.title != "" {
		b.WriteString("<title>")
		xml.EscapeText(&b, []byte(o.title)) // cannot fail on a bytes.Buffer
		b.WriteString("</title>")
	}
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	s.writeRuns(&b)
	b.WriteString(`"/></svg>` + "\n")
	return b.Bytes()
}

// writeRuns draws each horizontal run of dark modules as one closed
// rectangle. Runs keep the path several times shorter than one square per
// module, and abutting rectangles leave no hairline seams between modules.
func (s *Symbol) writeRuns(b *bytes.Buffer) {
	var num [20]byte
	for y := 0; y < s.size; y++ {
		row := s.row(y)
		for x := 0; x < s.size; {
			if !row[x] {
				x++
				continue
			}
			w := 1
			for x+w < s.size && row[x+w] {
				w++
			}
			b.WriteByte('M')
			b.Write(strconv.AppendInt(num[:0], int64(x), 10))
			b.WriteByte(' ')
			b.Write(strconv.AppendInt(num[:0], int64(y), 10))
			b.WriteByte('h')
			b.Write(strconv.AppendInt(num[:0], int64(w), 10))
			b.WriteString("v1h-")
			b.Write(strconv.AppendInt(num[:0], int64(w), 10))
			b.WriteByte('z')
			x += w
		}
	}
}
