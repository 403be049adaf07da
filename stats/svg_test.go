package stats

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// node is a parsed SVG element, enough to inspect the chart.
type node struct {
	name     string
	attrs    map[string]string
	text     string
	children []*node
}

// parseSVG decodes b strictly and fails the test if it is not well-formed.
func parseSVG(t *testing.T, b []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					t.Fatal("SVG has more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		case xml.ProcInst, xml.Directive:
			t.Errorf("unexpected %T in SVG", tok)
		}
	}
	if root == nil {
		t.Fatal("SVG is empty")
	}
	return root
}

func (n *node) walk(fn func(*node)) {
	fn(n)
	for _, c := range n.children {
		c.walk(fn)
	}
}

func TestBarChartSVGStructure(t *testing.T) {
	end := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	rows := []Row{
		{"2026-03-01", "A", 40},
		{"2026-03-05", "A", 2}, // hidden
		{"2026-03-14", "A", 10},
	}
	for _, days := range []int{30, 365} {
		t.Run(strconv.Itoa(days)+" days", func(t *testing.T) {
			series := DaySeries(rows, "A", end, days)
			svg := BarChartSVG(series, days, "Scans at A")
			root := parseSVG(t, svg)

			if root.name != "svg" || root.attrs["role"] != "img" || root.attrs["viewBox"] == "" {
				t.Errorf("root = <%s %v>, want <svg role=img viewBox=...>", root.name, root.attrs)
			}
			if _, ok := root.attrs["width"]; ok {
				t.Error("root has a fixed width; it should scale through viewBox")
			}
			if len(root.children) == 0 || root.children[0].name != "title" || root.children[0].text != "Scans at A" {
				t.Error("first child is not <title>Scans at A</title>")
			}

			var bars []*node
			var legend bool
			root.walk(func(n *node) {
				switch n.name {
				case "script", "style", "foreignObject", "image", "use", "a":
					t.Errorf("unexpected <%s> element", n.name)
				}
				for k, v := range n.attrs {
					if strings.HasPrefix(k, "on") || k == "href" || k == "id" || strings.Contains(v, "url(") {
						t.Errorf("unexpected attribute %s=%q on <%s>", k, v, n.name)
					}
				}
				if n.name == "rect" && len(n.children) == 1 && n.children[0].name == "title" {
					bars = append(bars, n)
				}
				if n.name == "text" && strings.Contains(n.text, "Fewer than 5") {
					legend = true
				}
			})
			if !legend {
				t.Error("no legend explaining the hidden bars")
			}
			if len(bars) != 3 {
				t.Fatalf("got %d bars, want 3 (one per day with scans)", len(bars))
			}

			height := func(n *node) float64 {
				h, err := strconv.ParseFloat(n.attrs["height"], 64)
				if err != nil {
					t.Fatalf("bad height %q", n.attrs["height"])
				}
				return h
			}
			big, hidden, ten := bars[0], bars[1], bars[2]
			if got := hidden.children[0].text; got != "2026-03-05: fewer than 5 scans" {
				t.Errorf("hidden bar title = %q", got)
			}
			if hidden.attrs["fill-opacity"] == "" {
				t.Errorf("hidden bar is not drawn lighter: %v", hidden.attrs)
			}
			if dashed := hidden.attrs["stroke-dasharray"] != ""; dashed != (days <= 30) {
				t.Errorf("hidden bar dashed = %v at %d days, want dashed only on the 30-day chart", dashed, days)
			}
			if big.attrs["fill-opacity"] != "" {
				t.Errorf("exact bar is drawn like a hidden one: %v", big.attrs)
			}
			// Hidden bars stand at the threshold (5), not at their count.
			if h, want := height(hidden), height(ten)/2; abs(h-want) > 0.02 {
				t.Errorf("hidden bar height = %v, want %v (threshold height)", h, want)
			}
			if h, want := height(big), height(ten)*4; abs(h-want) > 0.05 {
				t.Errorf("bar for 40 has height %v, want %v", h, want)
			}
		})
	}
}

func TestBarChartSVGEscapesText(t *testing.T) {
	title := `<script>alert("x")</script> & "quotes" 'too'` + "\x00"
	svg := BarChartSVG([]DayCount{{"2026-03-14", 7}}, 30, title)
	if bytes.Contains(svg, []byte("<script")) {
		t.Errorf("title was not escaped:\n%s", svg)
	}
	root := parseSVG(t, svg)
	root.walk(func(n *node) {
		if n.name == "script" {
			t.Error("SVG contains a <script> element")
		}
	})
	if got := root.children[0].text; !strings.HasPrefix(got, `<script>alert("x")</script> & "quotes" 'too'`) {
		t.Errorf("title round-trips as %q", got)
	}
}

func TestBarChartSVGEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		series []DayCount
		days   int
	}{
		{"no data", nil, 30},
		{"no data, no days", nil, 0},
		{"all zero", DaySeries(nil, "", time.Now(), 30), 30},
		{"longer series than days", DaySeries([]Row{{time.Now().UTC().Format(DayLayout), "A", 9}}, "", time.Now(), 400), 365},
		{"huge count", []DayCount{{"2026-03-14", 1 << 62}}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := BarChartSVG(tt.series, tt.days, "t")
			parseSVG(t, svg)
			if bytes.Contains(svg, []byte("NaN")) || bytes.Contains(svg, []byte("Inf")) {
				t.Errorf("SVG contains non-finite numbers:\n%s", svg)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
