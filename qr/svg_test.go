package qr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var runPattern = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// svgModules parses the single path's runs back into a module grid, so the
// test checks the drawing itself rather than string fragments. It also
// returns the root's width attribute, after checking height matches it.
func svgModules(t *testing.T, svg []byte, size int) (grid []bool, width string) {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Width   string   `xml:"width,attr"`
		Height  string   `xml:"height,attr"`
		Rects   []struct {
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
		Paths []struct {
			Fill string `xml:"fill,attr"`
			D    string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v", err)
	}
	if want := fmt.Sprintf("0 0 %d %d", size, size); doc.ViewBox != want {
		t.Errorf("viewBox = %q, want %q", doc.ViewBox, want)
	}
	if doc.Width != doc.Height {
		t.Errorf("width %q != height %q", doc.Width, doc.Height)
	}
	if len(doc.Rects) != 1 || doc.Rects[0].Fill != "#fff" {
		t.Errorf("want one white background rect, got %+v", doc.Rects)
	}
	if len(doc.Paths) != 1 || doc.Paths[0].Fill != "#000" {
		t.Fatalf("want exactly one black path, got %d", len(doc.Paths))
	}
	grid = make([]bool, size*size)
	for d := doc.Paths[0].D; d != ""; {
		m := runPattern.FindStringSubmatch(d)
		if m == nil {
			t.Fatalf("unexpected path data at %.30q", d)
		}
		var x, y, w, back int
		fmt.Sscan(m[1]+" "+m[2]+" "+m[3]+" "+m[4], &x, &y, &w, &back)
		if w < 1 || back != w || x+w > size || y >= size {
			t.Fatalf("bad run %q in a %d-module symbol", m[0], size)
		}
		for i := x; i < x+w; i++ {
			if grid[y*size+i] {
				t.Fatalf("run %q overlaps an earlier run", m[0])
			}
			grid[y*size+i] = true
		}
		d = d[len(m[0]):]
	}
	return grid, doc.Width
}

// checkSVGModules returns the SVG's width attribute.
func checkSVGModules(t *testing.T, s *Symbol, svg []byte) string {
	t.Helper()
	grid, width := svgModules(t, svg, s.Size())
	for y := 0; y < s.Size(); y++ {
		for x := 0; x < s.Size(); x++ {
			if grid[y*s.Size()+x] != s.Dark(x, y) {
				t.Fatalf("SVG module (%d,%d) = %v, symbol has %v", x, y, grid[y*s.Size()+x], s.Dark(x, y))
			}
		}
	}
	return width
}

func TestSVG(t *testing.T) {
	for _, p := range samplePayloads {
		s := mustEncode(t, p)
		svg := s.SVG()
		if width := checkSVGModules(t, s, svg); width != "" {
			t.Errorf("SVG has a hard-coded width %q", width)
		}
		head := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %[1]d %[1]d" shape-rendering="crispEdges" role="img">`, s.Size())
		if !bytes.HasPrefix(svg, []byte(head)) {
			t.Errorf("SVG starts %.200q, want %q", svg, head)
		}
		if again := mustEncode(t, p).SVG(); !bytes.Equal(svg, again) {
			t.Errorf("%q: SVG output is not deterministic", p)
		}
	}
}

func TestSVGWithSize(t *testing.T) {
	s := mustEncode(t, samplePayloads[1])
	for _, size := range []string{"40mm", "2.5in", "240px", "100%", "12"} {
		svg, err := s.SVGWithSize(size)
		if err != nil {
			t.Fatalf("SVGWithSize(%q): %v", size, err)
		}
		if width := checkSVGModules(t, s, svg); width != size {
			t.Errorf("SVGWithSize(%q) has width %q", size, width)
		}
	}
	for _, size := range []string{"", "40 mm", "-1px", `1" onload="x`, "1e3px", "px"} {
		if _, err := s.SVGWithSize(size); err == nil {
			t.Errorf("SVGWithSize(%q) accepted an invalid size", size)
		}
	}
}

func TestSVGInline(t *testing.T) {
	s := mustEncode(t, samplePayloads[1])
	svg := s.SVGInline(`Scan for "help" <now> & later`)
	if bytes.HasPrefix(svg, []byte("<?xml")) {
		t.Error("inline SVG has an XML declaration")
	}
	if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.Contains(svg, []byte(` role="img">`)) {
		t.Errorf("inline SVG starts %.160q", svg)
	}
	const title = `<title>Scan for &#34;help&#34; &lt;now&gt; &amp; later</title>`
	if !bytes.Contains(svg, []byte(title)) {
		t.Errorf("inline SVG lacks escaped %s", title)
	}
	if width := checkSVGModules(t, s, svg); width != "" {
		t.Errorf("inline SVG has a hard-coded width %q", width)
	}

	bare := string(s.SVGInline(""))
	if strings.Contains(bare, "<title>") || strings.Contains(bare, `role="img"`) || !strings.Contains(bare, `aria-hidden="true"`) {
		t.Errorf("untitled inline SVG should be aria-hidden without a title: %.200q", bare)
	}
}
