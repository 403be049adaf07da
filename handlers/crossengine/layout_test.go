package crossengine

import (
	"math"
	"strings"
	"testing"

	"github.com/waymark/waymark/browser/engines"
)

// samplePage is a page every engine checks at every phone size. The list
// is short on purpose (two shared cores): one page per script direction
// and per script that lays out differently, not every language. To check
// a new kind of page in every engine, add a line.
type samplePage struct {
	Path string // on the demo site
	Lang string // <html lang>
	RTL  bool   // <html dir="rtl">
}

var samplePages = []samplePage{
	{Path: "/K7Q2M/en", Lang: "en"},
	{Path: "/K7Q2M/ar", Lang: "ar", RTL: true},   // right to left, joined script
	{Path: "/K7Q2M/ti", Lang: "ti"},              // Ethiopic, wide syllables
	{Path: "/K7Q2M/vi", Lang: "vi"},              // stacked diacritics, long words
	{Path: "/K7Q2M/ar/5", Lang: "ar", RTL: true}, // a lesson: steps, text-message buttons, the course's links
}

// TestLayout: on every sample page, no horizontal overflow (nothing to
// pan sideways on a phone), the exit stays in view and on top when the
// page is scrolled, and right-to-left pages are mirrored: the exit at the
// right edge, at the left on every other page (docs/accessibility.md, 7).
func TestLayout(t *testing.T) {
	f := getFixture(t)
	forEach(t, func(t *testing.T, e engines.Engine, vp viewport) {
		env := newEnv(t, f, f.site)
		// One tab for every sample page (a new one costs more than a page
		// load); each page's subtest keeps its own screenshot on failure.
		tb := openTab(t, e, vp, false)
		for _, sp := range samplePages {
			// "ar", or "ar-5" for a lesson.
			t.Run(strings.ReplaceAll(strings.TrimPrefix(sp.Path, "/K7Q2M/"), "/", "-"), func(t *testing.T) {
				b := &tab{t: t, p: tb.p, e: e}
				b.screenshotOnFailure(t)
				b.open(env.ours.URL + sp.Path)
				var doc struct {
					Lang, Dir, Direction     string
					ScrollW, ClientW, InnerW float64
					ScrollH, InnerH          float64
					Widest                   string
				}
				b.eval(`(() => { const d = document.documentElement; let widest = "";
  for (const el of document.body.querySelectorAll("*")) { const r = el.getBoundingClientRect();
    if (r.width && (r.right > d.clientWidth + 1 || r.left < -1) && !widest) widest = el.tagName + "." + el.className + " " + Math.round(r.left) + ".." + Math.round(r.right); }
  return {Lang: d.lang, Dir: d.dir, Direction: getComputedStyle(document.body).direction,
    ScrollW: d.scrollWidth, ClientW: d.clientWidth, InnerW: innerWidth, ScrollH: d.scrollHeight, InnerH: innerHeight, Widest: widest}; })()`, &doc)
				if doc.Lang != sp.Lang {
					t.Fatalf("<html lang=%q>, want %q", doc.Lang, sp.Lang)
				}
				if doc.InnerW != float64(vp.w) {
					t.Errorf("the viewport is %v px wide, want %d: the engine did not take the phone size", doc.InnerW, vp.w)
				}
				if doc.ScrollW > doc.ClientW+0.5 {
					t.Errorf("horizontal overflow: the page is %v px wide in a %v px viewport (first element outside: %s)", doc.ScrollW, doc.ClientW, doc.Widest)
				}
				wantDir := "ltr"
				if sp.RTL {
					wantDir = "rtl"
				}
				if doc.Direction != wantDir {
					t.Errorf("the body's direction is %q, want %q", doc.Direction, wantDir)
				}

				// The exit at the edge where the eye starts.
				ex := b.rectOf("#exit", false)
				left, right := ex.X, doc.ClientW-(ex.X+ex.W)
				if sp.RTL && !(right < left && right < 40) {
					t.Errorf("on a right-to-left page the exit is %.0f px from the left edge and %.0f px from the right: want it at the right", left, right)
				}
				if !sp.RTL && !(left < right && left < 40) {
					t.Errorf("the exit is %.0f px from the left edge and %.0f px from the right: want it at the left", left, right)
				}

				// Scrolled half way and to the end: the exit is still
				// wholly in view, and it is what a tap on it would hit.
				if doc.ScrollH <= doc.InnerH {
					t.Fatalf("the page (%v px) is no taller than the viewport (%v px): scrolling proves nothing", doc.ScrollH, doc.InnerH)
				}
				for _, to := range []string{"document.documentElement.scrollHeight / 2", "document.documentElement.scrollHeight"} {
					var got struct {
						Y     float64
						R     rect
						OnTop bool
						Hit   string
					}
					b.eval(`(async () => { scrollTo(0, `+to+`); await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ex = document.getElementById("exit"), r = ex.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {Y: scrollY, R: {X: r.left, Y: r.top, W: r.width, H: r.height}, OnTop: !!hit && ex.contains(hit), Hit: hit ? hit.tagName + "." + hit.className : "none"}; })()`, &got)
					if got.Y < 100 {
						t.Errorf("scrolling to %s moved the page only %v px", to, got.Y)
						continue
					}
					r := got.R
					if r.Y < -0.5 || r.Y+r.H > doc.InnerH+0.5 || r.X < -0.5 || r.X+r.W > doc.ClientW+0.5 || r.H < 1 {
						t.Errorf("scrolled %v px, the exit is at %+v, not wholly in the %vx%v viewport", math.Round(got.Y), r, doc.ClientW, doc.InnerH)
					}
					if !got.OnTop {
						t.Errorf("scrolled %v px, a tap on the exit would hit %s", math.Round(got.Y), got.Hit)
					}
				}
			})
		}
	})
}
