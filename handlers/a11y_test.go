package handlers

// Accessibility tests ("Everyone who scans can use it"): headless Chromium
// against the real public and staff routers, in every language the site
// has. What each check proves, and what none of them can, is written up in
// docs/accessibility.md.
//
// One browser serves every page; each page gets its own tab (a second one
// with JavaScript off), and pages are checked two at a time. The shared
// harness of browser_test.go (fixture, neutral site, tab helpers, keys) is
// reused as it is.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/lang"
)

// a11yTags are the axe-core rule sets every page must pass: WCAG 2.0, 2.1
// and 2.2, levels A and AA.
var a11yTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Viewports, in CSS px. Phones: the width most Android phones report.
// Kiosks: a portrait tablet. Staff: a laptop.
const (
	phoneW, phoneH   = 360, 740
	tabletW, tabletH = 800, 1280
	deskW, deskH     = 1280, 800
	// reflowW is WCAG 1.4.10's width: 320 CSS px, which is also what a
	// 640 px wide window shows at 200% browser zoom.
	reflowW, reflowH = 320, 640
	// minTarget is the touch-target size every control must reach (WCAG
	// 2.5.5, AAA; AA's 2.5.8 asks for 24).
	minTarget = 44
	// a11yWorkers is how many pages are checked at once.
	a11yWorkers = 3
)

type a11yKind int

const (
	a11yPublic a11yKind = iota
	a11yKiosk
	a11yStaffIndex
	a11yStaffPoster
)

// a11yPage is one page to check and what it must be.
type a11yPage struct {
	name   string
	url    string
	kind   a11yKind
	status int
	lang   string
	dir    string
	// exit is where #exit must point (public and kiosk pages).
	exit string
}

func (p a11yPage) public() bool { return p.kind == a11yPublic || p.kind == a11yKiosk }

// TestA11y checks every public page in every language, the generic and
// unknown-code pages, kiosk pages in four scripts, and the staff index and
// poster pages.
func TestA11y(t *testing.T) {
	axe := axeSource(t)
	bctx := startTestBrowser(t)
	f := newBrowserFixture(t, bctx)
	e := f.env(t)
	staff := httptest.NewServer(newStaffRouter(t, StaffOptions{}))
	t.Cleanup(staff.Close)

	uk, ok := f.site.Config.Region("uk")
	if !ok {
		t.Fatal("no uk region")
	}
	var ps []a11yPage
	for _, loc := range f.site.Locales {
		ps = append(ps, a11yPage{name: "venue-" + loc.ID, url: e.ours.URL + "/K7Q2M/" + loc.ID, kind: a11yPublic,
			status: http.StatusOK, lang: loc.ID, dir: loc.Dir, exit: uk.ExitFor(loc.ID)})
	}
	// Chromium asks for en-US: both fall back to English.
	ps = append(ps,
		a11yPage{name: "generic", url: e.ours.URL + "/", kind: a11yPublic, status: http.StatusOK, lang: "en", dir: "ltr", exit: uk.ExitFor("en")},
		a11yPage{name: "unknown-code", url: e.ours.URL + "/ZZZZ9", kind: a11yPublic, status: http.StatusNotFound, lang: "en", dir: "ltr", exit: uk.ExitFor("en")},
	)
	for _, id := range []string{"en", "ar", "ti", "zh-Hans"} {
		loc, ok := f.site.Locale(id)
		if !ok {
			t.Fatalf("no locale %s", id)
		}
		// kiosk_exit defaults to "reset": the exit returns to the start.
		ps = append(ps, a11yPage{name: "kiosk-" + id, url: e.ours.URL + "/K7Q2M/kiosk/" + id, kind: a11yKiosk,
			status: http.StatusOK, lang: id, dir: loc.Dir, exit: e.ours.URL + "/K7Q2M/kiosk"})
	}
	ps = append(ps,
		a11yPage{name: "staff-index", url: staff.URL + "/", kind: a11yStaffIndex, status: http.StatusOK, lang: "en", dir: ""},
		a11yPage{name: "staff-poster", url: staff.URL + "/venues/K7Q2M/poster", kind: a11yStaffPoster, status: http.StatusOK, lang: "en", dir: "ltr"},
	)

	// Pages are checked a11yWorkers at a time: much of each check waits on
	// the browser (key events, page loads), so more tabs than cores pay.
	var (
		versionOnce sync.Once
		wg          sync.WaitGroup
		sem         = make(chan struct{}, a11yWorkers)
	)
	for _, p := range ps {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t.Run(p.name, func(t *testing.T) {
				ctx := a11yOpen(t, bctx, p)
				axeInject(t, ctx, axe)
				versionOnce.Do(func() {
					t.Logf("axe-core %s, %s", tabEvalString(t, ctx, `axe.version`), tabEvalString(t, ctx, `navigator.userAgent`))
				})
				switch p.kind {
				case a11yPublic, a11yKiosk:
					a11yStructure(t, ctx, e, p)
					a11yKeyboard(t, ctx, p, slices.Contains(backTabPages, p.name))
					if p.kind == a11yPublic {
						a11yFirstScreen(t, ctx, p)
					}
				default:
					a11yStaffStructure(t, ctx, p)
					a11yFocusSample(t, ctx, 12)
				}
				// Text in closed <details> is not rendered, so axe and the
				// measurements would skip it: open them all first. What
				// the page shows as loaded is a part of this.
				tabEvalVoid(t, ctx, `document.querySelectorAll("details").forEach(d => d.open = true); window.scrollTo(0, 0)`)
				axeCheck(t, ctx)
				a11yContrast(t, ctx)
				if p.public() {
					a11yTargets(t, ctx)
					a11yViewport(t, ctx, p)
					a11yNoJS(t, ctx, p)
				}
			})
		})
	}
	wg.Wait()
}

// ---- set-up ----

// axeSource returns axe-core's script: $WAYMARK_AXE, or node_modules/axe-core
// in this directory or one above it. Without it the test skips, except in
// CI, where it fails.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("WAYMARK_AXE")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
			up := filepath.Dir(dir)
			if up == dir {
				break
			}
			dir = up
		}
	}
	if path == "" {
		msg := "axe-core not found: run ./test.sh, or `npm install --no-save axe-core@4` in the repository root, or set WAYMARK_AXE to axe.min.js"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read axe-core (WAYMARK_AXE): %v", err)
	}
	return string(b)
}

// startTestBrowser starts the headless Chromium of one top-level test,
// closed when it ends: a skip for a developer without a browser, a failure
// in CI (the same rule as TestBrowser).
func startTestBrowser(t *testing.T) context.Context {
	t.Helper()
	bctx, cancel, err := browser.Start(context.Background(), chromedp.IgnoreCertErrors)
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		t.Fatalf("start browser: %v", err)
	}
	t.Cleanup(cancel)
	return bctx
}

// a11yViewportOf returns the viewport a page is checked at first.
func a11yViewportOf(p a11yPage) (w, h int64, mobile bool) {
	switch p.kind {
	case a11yKiosk:
		return tabletW, tabletH, true
	case a11yStaffIndex, a11yStaffPoster:
		return deskW, deskH, false
	}
	return phoneW, phoneH, true
}

func emulateViewport(w, h int64, mobile bool) chromedp.Action[chromedp.Void] {
	if mobile {
		return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(w, h)
}

// a11yOpen opens a page in a new tab at its viewport and checks its status.
func a11yOpen(t *testing.T, bctx context.Context, p a11yPage) context.Context {
	t.Helper()
	ctx := newBrowserTab(t, bctx)
	w, h, mobile := a11yViewportOf(p)
	tabDo(t, ctx, "set the viewport", emulateViewport(w, h, mobile))
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.url))
	if err != nil {
		t.Fatalf("open %s: %v", p.url, err)
	}
	if int(resp.Status) != p.status {
		t.Fatalf("%s: status %d, want %d", p.url, resp.Status, p.status)
	}
	return ctx
}

// tabEvalJSON evaluates an expression (awaiting a promise) and decodes its
// value into T.
func tabEvalJSON[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.200s: %v", expr, err)
	}
	return v
}

// a11yJSLib is prepended to the page-side checks.
const a11yJSLib = `
const describe = el => {
  if (!el || !el.tagName) return String(el);
  let s = el.tagName.toLowerCase();
  if (el.id) s += "#" + el.id;
  if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
  const h = el.getAttribute("href");
  if (h) s += '[href="' + h + '"]';
  const txt = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  if (txt) s += ' "' + txt + '"';
  return s;
};
const shown = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
const digits = s => (s || "").replace(/[^0-9]/g, "");
`

// pageJS wraps a check's page-side code: an async function with the library.
func pageJS(body string) string { return "(async () => {" + a11yJSLib + body + "})()" }

// ---- 1: axe-core ----

func axeInject(t *testing.T, ctx context.Context, src string) {
	t.Helper()
	// The page's CSP allows no inline <script>, but DevTools evaluation
	// is not subject to it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	if got := tabEvalString(t, ctx, `typeof axe === "object" ? typeof axe.run : "none"`); got != "function" {
		t.Fatalf("axe-core did not load (axe.run is %s)", got)
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
	Count int `json:"count"`
}

type axeOutcome struct {
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
}

// axeCheck runs the WCAG 2.x A and AA rules on the page as it is now and
// fails on any violation. resultTypes: every rule runs on every element,
// but axe gathers only the violations' elements in full (a passed rule
// keeps one), which is most of its time on a small page.
func axeCheck(t *testing.T, ctx context.Context) {
	tags := `["` + strings.Join(a11yTags, `","`) + `"]`
	r := tabEvalJSON[axeOutcome](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]}).then(r => ({
  violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => ({target: n.target.map(String).join(" "), summary: n.failureSummary || ""}))})),
  passes: r.passes.length,
  incomplete: r.incomplete.map(v => v.id + " (" + v.nodes.length + ")")}))`)
	if r.Passes == 0 {
		t.Error("axe: no rule passed: did it run?")
	}
	for _, v := range r.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "axe: %s [%s] %s (%d elements) %s", v.ID, v.Impact, v.Help, v.Count, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t%s: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
		t.Error(b.String())
	}
	if len(r.Incomplete) > 0 {
		// "Needs review": axe could not decide (contrast over an image,
		// say). a11yContrast measures contrast itself.
		t.Logf("axe: needs review: %s", strings.Join(r.Incomplete, ", "))
	}
}

// ---- 5: what a screen reader is given ----

type a11yDOM struct {
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	H1       int    `json:"h1"`
	Headings []struct {
		Level int    `json:"level"`
		Text  string `json:"text"`
		Shown bool   `json:"shown"`
	} `json:"headings"`
	Banners int `json:"banners"`
	Mains   int `json:"mains"`
	Navs    int `json:"navs"`
	// Pickers is the full list of languages (on a phone page, behind
	// "All languages"); Featured the poster's languages before it.
	Pickers  []a11yPicker `json:"pickers"`
	Featured []a11yPicker `json:"featured"`
	Phones   []struct {
		Href    string `json:"href"`
		LTR     bool   `json:"ltr"`
		Digits  string `json:"digits"`
		Outside string `json:"outside"`
		Dir     string `json:"dir"`
	} `json:"phones"`
	pageChrome
	Summaries []string `json:"summaries"`
}

// pageChrome is what every public page has around its content, read alike
// from a help page (a11yDOMJS) and a lesson (lessonDOMJS): the icons, and
// the status line that announces the Shift exit.
type pageChrome struct {
	SVGs    int      `json:"svgs"`
	Exposed []string `json:"exposed"`
	Status  struct {
		Found   bool   `json:"found"`
		Role    string `json:"role"`
		Press1  string `json:"press1"`
		Press2  string `json:"press2"`
		Leaving string `json:"leaving"`
	} `json:"status"`
}

// check: icons hidden from screen readers, one status region, and the
// Shift announcements in the page's language.
func (c pageChrome) check(t *testing.T, e *browserEnv, langID string, ax axSummary) {
	t.Helper()
	if c.SVGs == 0 {
		t.Error("no svg icons found: the check proves nothing")
	}
	if len(c.Exposed) > 0 {
		t.Errorf("svg images not hidden from screen readers: %q", c.Exposed)
	}
	if !c.Status.Found {
		t.Fatal("no #status")
	}
	if c.Status.Role != "status" || ax.roles["status"] != 1 {
		t.Errorf(`#status role=%q, %d status regions in the accessibility tree; want role="status", one`, c.Status.Role, ax.roles["status"])
	}
	if want := e.announcement(t, langID, 2); c.Status.Press2 != want {
		t.Errorf("data-press2 = %q, want %q", c.Status.Press2, want)
	}
	if want := e.announcement(t, langID, 1); c.Status.Press1 != want {
		t.Errorf("data-press1 = %q, want %q", c.Status.Press1, want)
	}
	if want := e.text(t, langID, "exit.leaving"); c.Status.Leaving != want {
		t.Errorf("data-leaving = %q, want %q", c.Status.Leaving, want)
	}
}

const a11yDOMJS = `
const r = {lang: document.documentElement.getAttribute("lang") || "", dir: document.documentElement.getAttribute("dir") || ""};
r.h1 = document.querySelectorAll("h1").length;
r.headings = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => ({level: +h.tagName[1], text: h.textContent.trim(), shown: shown(h)}));
r.banners = [...document.querySelectorAll("header")].filter(h => !h.parentElement.closest("article,aside,main,nav,section")).length;
r.mains = document.querySelectorAll("main").length;
r.navs = document.querySelectorAll("nav").length;
const picker = a => ({hreflang: a.getAttribute("hreflang"),
  lang: a.getAttribute("lang") || "", dir: a.getAttribute("dir") || "", text: a.textContent.trim(), current: a.getAttribute("aria-current") || ""});
r.pickers = [...document.querySelectorAll(".toplangs details a[hreflang], .kiosk-langs a[hreflang]")].map(picker);
r.featured = [...document.querySelectorAll(".toplangs > ul > li > a[hreflang]")].map(picker);
r.phones = [...document.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].map(a => {
  const l = a.querySelector('bdi[dir="ltr"], [dir="ltr"]');
  let outside = "";
  const walk = n => { for (const c of n.childNodes) { if (c === l) continue; if (c.nodeType === 3) outside += c.data; else walk(c); } };
  walk(a);
  return {href: a.getAttribute("href"), ltr: !!l, digits: l ? digits(l.textContent) : "", outside: digits(outside),
    dir: l ? getComputedStyle(l).direction : ""};
});
const svgs = [...document.querySelectorAll("svg")];
r.svgs = svgs.length;
r.exposed = svgs.filter(s => !s.closest('[aria-hidden="true"]')).map(describe);
const st = document.getElementById("status");
r.status = st ? {found: true, role: st.getAttribute("role") || "", press1: st.dataset.press1 || "", press2: st.dataset.press2 || "", leaving: st.dataset.leaving || ""} : {found: false};
r.summaries = [...document.querySelectorAll("summary")].map(s => s.textContent.trim());
return r;
`

type a11yPicker struct {
	Hreflang string `json:"hreflang"`
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	Text     string `json:"text"`
	Current  string `json:"current"`
}

// axSummary is what the browser's accessibility tree, which screen readers
// read, holds of interest.
type axSummary struct {
	roles       map[string]int
	headings    map[int][]string // level -> names
	disclosures []string         // names of <summary> elements
}

func axTree(t *testing.T, ctx context.Context) axSummary {
	t.Helper()
	res, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatalf("accessibility tree: %v", err)
	}
	s := axSummary{roles: map[string]int{}, headings: map[int][]string{}}
	str := func(v *accessibility.Value) string {
		if v == nil {
			return ""
		}
		var x any
		if err := json.Unmarshal([]byte(v.Value), &x); err == nil {
			if s, ok := x.(string); ok {
				return s
			}
		}
		return strings.Trim(string(v.Value), `"`)
	}
	for _, n := range res.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		role := str(n.Role)
		s.roles[role]++
		switch role {
		case "heading":
			level := 0
			for _, p := range n.Properties {
				if p.Name == accessibility.PropertyNameLevel {
					fmt.Sscan(str(p.Value), &level)
				}
			}
			s.headings[level] = append(s.headings[level], str(n.Name))
		case "DisclosureTriangle":
			s.disclosures = append(s.disclosures, str(n.Name))
		}
	}
	return s
}

func a11yStructure(t *testing.T, ctx context.Context, e *browserEnv, p a11yPage) {
	d := tabEvalJSON[a11yDOM](t, ctx, pageJS(a11yDOMJS))
	ax := axTree(t, ctx)

	if d.Lang != p.lang || d.Dir != p.dir {
		t.Errorf(`<html lang=%q dir=%q>, want lang=%q dir=%q`, d.Lang, d.Dir, p.lang, p.dir)
	}
	if d.H1 != 1 || len(ax.headings[1]) != 1 {
		t.Errorf("%d <h1> elements, %d level-1 headings in the accessibility tree %q; want exactly one", d.H1, len(ax.headings[1]), ax.headings[1])
	}
	prev := 0
	for _, h := range d.Headings {
		if h.Level > prev+1 {
			t.Errorf("heading level skips from h%d to h%d at %q", prev, h.Level, h.Text)
		}
		prev = h.Level
	}
	// Every heading a sighted reader sees is a heading to a screen reader
	// too: none is flattened into its <summary> button.
	for _, h := range d.Headings {
		if h.Shown && !slices.Contains(ax.headings[h.Level], h.Text) {
			t.Errorf("h%d %q is not a level-%d heading in the accessibility tree (has %q)", h.Level, h.Text, h.Level, ax.headings[h.Level])
		}
	}
	for role, want := range map[string]int{"banner": 1, "main": 1} {
		if ax.roles[role] != want {
			t.Errorf("%d %s landmarks in the accessibility tree, want %d", ax.roles[role], role, want)
		}
	}
	if d.Banners != 1 || d.Mains != 1 {
		t.Errorf("%d top-level <header>, %d <main>; want one of each", d.Banners, d.Mains)
	}
	if ax.roles["navigation"] < 1 || d.Navs < 1 {
		t.Errorf("no navigation landmark (%d <nav>, %d in the accessibility tree)", d.Navs, ax.roles["navigation"])
	}

	// The language picker: every site language, each link in its own
	// language and direction, the current one marked. On a phone, "All
	// languages" is in the order of the English names, each shown beside
	// the language's own (pages/picker.go); a kiosk keeps the config's
	// order and own names.
	locs := slices.Clone(e.site.Locales)
	if p.kind == a11yPublic {
		slices.SortStableFunc(locs, func(a, b *lang.Locale) int {
			return strings.Compare(strings.ToLower(a.English), strings.ToLower(b.English))
		})
	}
	if len(d.Pickers) != len(locs) {
		t.Errorf("the language picker has %d links, want %d", len(d.Pickers), len(locs))
	} else {
		for i, l := range locs {
			a := d.Pickers[i]
			text := l.Name
			if p.kind == a11yPublic && l.English != l.Name {
				text = l.Name + " " + l.English
			}
			if a.Hreflang != l.ID || a.Lang != l.ID || a.Dir != l.Dir || a.Text != text {
				t.Errorf("language link %d: hreflang=%q lang=%q dir=%q %q, want %q %q %q %q", i, a.Hreflang, a.Lang, a.Dir, a.Text, l.ID, l.ID, l.Dir, text)
			}
			if cur := a.Current == "true"; cur != (l.ID == p.lang) {
				t.Errorf("language link %s: aria-current=%q on the %s page", l.ID, a.Current, p.lang)
			}
		}
	}

	// On a phone, the poster's languages come first, each in its own
	// language and direction: the venue's list on its pages, and some of
	// the site's languages on the others.
	if p.kind == a11yPublic {
		var want []string
		if strings.Contains(p.url, "/K7Q2M") {
			v, _ := e.site.Config.Venue("K7Q2M")
			want = v.Languages
		}
		var got []string
		for _, a := range d.Featured {
			got = append(got, a.Hreflang)
			l, ok := e.site.Locale(a.Hreflang)
			if !ok {
				t.Errorf("featured language link to %q, which the site does not have", a.Hreflang)
				continue
			}
			if a.Lang != l.ID || a.Dir != l.Dir || a.Text != l.Name {
				t.Errorf("featured language link %s: lang=%q dir=%q %q, want %q %q %q", l.ID, a.Lang, a.Dir, a.Text, l.ID, l.Dir, l.Name)
			}
			if cur := a.Current == "true"; cur != (l.ID == p.lang) {
				t.Errorf("featured language link %s: aria-current=%q on the %s page", l.ID, a.Current, p.lang)
			}
		}
		if len(got) == 0 || (want != nil && !slices.Equal(got, want)) {
			t.Errorf("featured languages %q, want the poster's %q", got, want)
		}
	}

	// Numbers read left to right in every script, and a screen reader
	// reads them as one number.
	if len(d.Phones) == 0 {
		t.Error("no tel: or sms: links")
	}
	for _, ph := range d.Phones {
		_, num, _ := strings.Cut(ph.Href, ":")
		want := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, num)
		switch {
		case !ph.LTR:
			t.Errorf("%s: the number is not inside a dir=ltr element", ph.Href)
		case ph.Digits != want:
			t.Errorf("%s: the dir=ltr element holds the digits %q, want %q", ph.Href, ph.Digits, want)
		case ph.Outside != "":
			t.Errorf("%s: digits %q outside the dir=ltr element", ph.Href, ph.Outside)
		}
		if ph.LTR && ph.Dir != "ltr" {
			t.Errorf("%s: the number's computed direction is %q, want ltr", ph.Href, ph.Dir)
		}
	}
	d.check(t, e, p.lang, ax)
	if p.lang != "en" {
		if en := e.announcement(t, "en", 2); d.Status.Press2 == en {
			t.Errorf("data-press2 is the English %q on the %s page", en, p.lang)
		}
		if en := e.announcement(t, "en", 1); d.Status.Press1 == en {
			t.Errorf("data-press1 is the English %q on the %s page", en, p.lang)
		}
	}

	// A disclosure is announced by its heading's words alone: the "+" and
	// "−" drawn beside it are not read out.
	want := slices.Clone(d.Summaries)
	got := slices.Clone(ax.disclosures)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("screen readers announce the <summary> buttons as %q, want their text %q", got, want)
	}
}

// a11yStaffStructure: the staff pages are English and have a main landmark;
// the index has one h1, the poster one per language block (it is a sheet to
// print, each block in its own language).
func a11yStaffStructure(t *testing.T, ctx context.Context, p a11yPage) {
	d := tabEvalJSON[a11yDOM](t, ctx, pageJS(a11yDOMJS))
	ax := axTree(t, ctx)
	if p.kind == a11yStaffIndex {
		if d.Lang != "en" {
			t.Errorf(`<html lang=%q>, want "en"`, d.Lang)
		}
		if d.H1 != 1 {
			t.Errorf("%d <h1>, want 1", d.H1)
		}
		if ax.roles["navigation"] != 1 {
			t.Errorf("%d navigation landmarks, want 1", ax.roles["navigation"])
		}
	}
	if ax.roles["main"] < 1 {
		t.Error("no main landmark")
	}
	if p.kind == a11yStaffPoster {
		blocks := tabEvalJSON[[]string](t, ctx, `[...document.querySelectorAll(".block")].map(b => b.getAttribute("lang") || "")`)
		if len(blocks) == 0 {
			t.Error("the poster has no language blocks")
		}
		for i, l := range blocks {
			if l == "" {
				t.Errorf("poster block %d has no lang", i)
			}
		}
		if d.Lang != blocks[0] {
			t.Errorf(`<html lang=%q>, want the first block's %q`, d.Lang, blocks[0])
		}
	}
}

// ---- 4: keyboard ----

var tabKey = keyDef{key: "Tab", code: "Tab", vk: 9}

// backTabPages are also tabbed through backwards, where the sticky bar can
// hide the element scrolled to (every page costs time): English, two
// left-to-right pages whose Shift hint takes two lines on a phone (the
// tallest bars), both right-to-left languages, and a kiosk.
var backTabPages = []string{"venue-en", "venue-am", "venue-uk", "venue-ar", "venue-fa", "kiosk-ar"}

type focusStop struct {
	Index     int     `json:"i"`
	What      string  `json:"what"`
	Visible   bool    `json:"visible"`
	Indicator string  `json:"indicator"`
	Top       float64 `json:"top"`
	Bottom    float64 `json:"bottom"`
	BarBottom float64 `json:"barBottom"`
	InBar     bool    `json:"inBar"`
	VH        float64 `json:"vh"`
	Body      bool    `json:"body"`
}

// focusNow describes the focused element: its index in the keyboard order
// recorded by a11yFocusOrderJS, its focus indicator, and whether the sticky
// bar hides it.
const focusNowJS = `
const a = document.activeElement;
const cs = getComputedStyle(a);
const r = a.getBoundingClientRect();
const bar = document.querySelector(".bar");
const ow = parseFloat(cs.outlineWidth) || 0;
const ind = [];
if (cs.outlineStyle !== "none" && ow > 0) ind.push("outline " + cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor);
if (cs.boxShadow && cs.boxShadow !== "none") ind.push("box-shadow " + cs.boxShadow);
return {i: (window.__order || []).indexOf(a), what: describe(a), visible: a.matches(":focus-visible") && ind.length > 0, indicator: ind.join("; "),
  top: r.top, bottom: r.bottom, barBottom: bar ? bar.getBoundingClientRect().bottom : 0, inBar: !!(bar && bar.contains(a)),
  vh: window.visualViewport ? visualViewport.height : innerHeight, body: a === document.body || a === document.documentElement};
`

// a11yFocusOrderJS records every element a keyboard user can reach, in
// document order: what the Tab key must visit.
const a11yFocusOrderJS = `
const sel = 'a[href],button,input:not([type="hidden"]),select,textarea,summary,[tabindex]:not([tabindex="-1"])';
window.__order = [...document.querySelectorAll(sel)].filter(el => shown(el) && !el.disabled &&
  !(el.tagName === "SUMMARY" && el.parentElement.querySelector(":scope > summary") !== el));
return window.__order.map(describe);
`

func pressTab(t *testing.T, ctx context.Context, back bool) {
	t.Helper()
	if back {
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, shiftKey, modShift)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, tabKey, modShift)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, tabKey, modShift)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, shiftKey, 0)
		return
	}
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, tabKey, 0)
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, tabKey, 0)
}

// a11yKeyboard tabs through the page as loaded (and, if asked, back): the
// first stop is the exit, every link and summary is reached in document
// order, each shows a focus indicator, and none is hidden under the sticky
// bar.
func a11yKeyboard(t *testing.T, ctx context.Context, p a11yPage, backwards bool) {
	a11yKeyboardMin(t, ctx, p, backwards, 10)
}

// a11yKeyboardMin is a11yKeyboard for a page with fewer stops (a lesson):
// fewer than min means the page did not load as it should.
func a11yKeyboardMin(t *testing.T, ctx context.Context, p a11yPage, backwards bool, min int) {
	order := tabEvalJSON[[]string](t, ctx, pageJS(a11yFocusOrderJS))
	if len(order) < min {
		t.Fatalf("only %d focusable elements found: %q", len(order), order)
	}
	check := func(s focusStop, dir string) {
		if !s.Visible {
			t.Errorf("%s: %s has no visible focus indicator (:focus-visible, outline or box-shadow: %q)", dir, s.What, s.Indicator)
		}
		// WCAG 2.4.11: the focused element is not entirely hidden by the
		// sticky bar or pushed out of the viewport.
		if !s.InBar && (s.Bottom <= s.BarBottom+1 || s.Top >= s.VH-1) {
			t.Errorf("%s: focused %s is hidden (top %.0f, bottom %.0f; the sticky bar ends at %.0f, the viewport at %.0f)",
				dir, s.What, s.Top, s.Bottom, s.BarBottom, s.VH)
		}
	}

	var fwd []int
	for range len(order) + 2 {
		pressTab(t, ctx, false)
		s := tabEvalJSON[focusStop](t, ctx, pageJS(focusNowJS))
		if s.Body || (s.Index == 0 && len(fwd) > 0) {
			break
		}
		if len(fwd) == 0 && s.Index != 0 {
			t.Errorf("the first Tab stop is %s, want the exit %s", s.What, order[0])
		}
		if s.Index < 0 {
			t.Errorf("Tab reached %s, which is not a link, button or summary the page shows", s.What)
		}
		fwd = append(fwd, s.Index)
		check(s, "Tab")
	}
	want := make([]int, len(order))
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(fwd, want) {
		t.Errorf("Tab visited %v, want every one of the %d stops in document order:\n\t%s", fwd, len(order), strings.Join(order, "\n\t"))
		return
	}

	if !backwards {
		return
	}
	// And back, from the end to the exit. Shift+Tab is Shift used as a
	// modifier, which never counts towards the exit shortcut (the
	// location check below would catch it).
	var back []int
	for range len(order) + 2 {
		pressTab(t, ctx, true)
		s := tabEvalJSON[focusStop](t, ctx, pageJS(focusNowJS))
		if s.Body {
			if len(back) == 0 {
				continue // from the exit, Shift+Tab first leaves the page
			}
			break
		}
		back = append(back, s.Index)
		check(s, "Shift+Tab")
		if s.Index == 0 {
			break
		}
	}
	slices.Reverse(want)
	if !slices.Equal(back, want) {
		t.Errorf("Shift+Tab visited %v, want %v", back, want)
	}
	if loc := tabLocation(t, ctx); loc != p.url {
		t.Fatalf("tabbing left the page: at %s", loc)
	}
}

// a11yFocusSample checks the focus indicator of the first n Tab stops.
func a11yFocusSample(t *testing.T, ctx context.Context, n int) {
	tabEvalJSON[[]string](t, ctx, pageJS(a11yFocusOrderJS))
	for i := range n {
		pressTab(t, ctx, false)
		s := tabEvalJSON[focusStop](t, ctx, pageJS(focusNowJS))
		if s.Body {
			break
		}
		if !s.Visible {
			t.Errorf("Tab stop %d, %s, has no visible focus indicator (%q)", i+1, s.What, s.Indicator)
		}
	}
}

// ---- 3: touch targets and contrast ----

type targetReport struct {
	Checked int      `json:"checked"`
	Small   []string `json:"small"`
	Inline  []string `json:"inline"`
}

// Inline links inside a sentence are exempt (WCAG 2.5.8's "inline"
// exception): a link whose box is inline and whose parent holds other text.
const a11yTargetsJS = `
const r = {checked: 0, small: [], inline: []};
for (const el of document.querySelectorAll('a[href],button,summary,input:not([type="hidden"]),select')) {
  if (!shown(el)) continue;
  const b = el.getBoundingClientRect();
  if (getComputedStyle(el).display === "inline" && el.parentElement.textContent.trim() !== el.textContent.trim()) { r.inline.push(describe(el)); continue; }
  r.checked++;
  if (b.width < MIN - 0.01 || b.height < MIN - 0.01) r.small.push(describe(el) + " " + b.width.toFixed(1) + "x" + b.height.toFixed(1));
}
return r;
`

func a11yTargets(t *testing.T, ctx context.Context) {
	r := tabEvalJSON[targetReport](t, ctx, pageJS(fmt.Sprintf("const MIN = %d;", minTarget)+a11yTargetsJS))
	if r.Checked < 10 {
		t.Errorf("only %d targets measured", r.Checked)
	}
	for _, s := range r.Small {
		t.Errorf("touch target smaller than %dx%d CSS px: %s", minTarget, minTarget, s)
	}
	if len(r.Inline) > 0 {
		t.Logf("inline links in text, exempt from the size rule: %q", r.Inline)
	}
}

type contrastReport struct {
	Checked int      `json:"checked"`
	Low     []string `json:"low"`
	Min     float64  `json:"min"`
}

// a11yContrastJS measures each visible text's contrast: its computed color
// against the first opaque background-color among it and its ancestors,
// with translucent layers composited over it (and white, the canvas, if
// none is opaque).
const a11yContrastJS = `
const parse = c => {
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1); };
const lum = c => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const background = el => {
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let bg = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
};
const r = {checked: 0, low: [], min: 21};
for (const el of document.body.querySelectorAll("*")) {
  if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName) || el.closest("svg")) continue;
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("").trim();
  if (!text || !shown(el) || el.getClientRects().length === 0) continue;
  const cs = getComputedStyle(el);
  const bg = background(el);
  const fg = over(parse(cs.color), bg);
  const [a, b] = [lum(fg), lum(bg)];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const size = parseFloat(cs.fontSize), bold = (parseInt(cs.fontWeight, 10) || 400) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  const need = large ? 3 : 4.5;
  r.checked++;
  r.min = Math.min(r.min, ratio);
  if (ratio < need) r.low.push(describe(el) + ": " + ratio.toFixed(2) + ":1 (" + cs.color + " on rgb(" + bg.slice(0, 3).map(Math.round).join(", ") + "), " + size + "px" + (bold ? " bold" : "") + "), need " + need + ":1");
}
return r;
`

func a11yContrast(t *testing.T, ctx context.Context) {
	r := tabEvalJSON[contrastReport](t, ctx, pageJS(a11yContrastJS))
	if r.Checked < 10 {
		t.Errorf("only %d text elements measured", r.Checked)
	}
	for _, s := range r.Low {
		t.Errorf("contrast too low: %s", s)
	}
}

// ---- 2 and 7: small screens, large text, right to left ----

type viewportReport struct {
	ScrollWidth float64  `json:"scrollWidth"`
	ClientWidth float64  `json:"clientWidth"`
	Overflow    []string `json:"overflow"`
	ScrollY     float64  `json:"scrollY"`
	MaxScroll   float64  `json:"maxScroll"`
	Exit        struct {
		Left   float64 `json:"left"`
		Right  float64 `json:"right"`
		Top    float64 `json:"top"`
		Bottom float64 `json:"bottom"`
	} `json:"exit"`
	VW       float64 `json:"vw"`
	VH       float64 `json:"vh"`
	HitExit  string  `json:"hit"`
	FontSize string  `json:"fontSize"`
	Open     int     `json:"open"`
}

// a11yViewportJS opens every <details> (the longest the page gets),
// measures horizontal overflow, scrolls to the very bottom and finds the
// exit button.
const a11yViewportJS = `
document.querySelectorAll("details").forEach(d => d.open = true);
window.scrollTo(0, 0);
await frames();
const de = document.documentElement, W = de.clientWidth;
const overflow = [];
for (const el of document.body.querySelectorAll("*")) {
  const b = el.getBoundingClientRect();
  if (b.width > 0 && (b.right > W + 0.5 || b.left < -0.5) && overflow.length < 8) overflow.push(describe(el) + " " + b.left.toFixed(0) + ".." + b.right.toFixed(0));
}
const r = {scrollWidth: de.scrollWidth, clientWidth: W, overflow, open: document.querySelectorAll("details[open]").length,
  fontSize: getComputedStyle(de).fontSize};
window.scrollTo(0, de.scrollHeight);
await frames();
r.scrollY = window.scrollY;
r.maxScroll = de.scrollHeight - de.clientHeight;
const x = document.getElementById("exit");
const b = x.getBoundingClientRect();
r.exit = {left: b.left, right: b.right, top: b.top, bottom: b.bottom};
r.vw = W; r.vh = de.clientHeight;
const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
r.hit = hit && x.contains(hit) ? "exit" : describe(hit);
return r;
`

func a11yViewport(t *testing.T, ctx context.Context, p a11yPage) {
	// 320 CSS px is WCAG 1.4.10's reflow width; it is also exactly the
	// layout a 640 px window has at 200% browser zoom, so one check covers
	// both. On top of it, text at 200% (WCAG 1.4.4) the way phones enlarge
	// it: the root font size, from which every font size here derives.
	tabDo(t, ctx, "set a 320 px viewport", emulateViewport(reflowW, reflowH, true))
	for _, text := range []string{"100%", "200%"} {
		state := fmt.Sprintf("%d px wide, text %s", reflowW, text)
		tabEvalVoid(t, ctx, `document.documentElement.style.fontSize = "`+text+`"`)
		r := tabEvalJSON[viewportReport](t, ctx, pageJS(a11yViewportJS))
		if text == "200%" && r.FontSize != "32px" {
			t.Fatalf("%s: root font size %s, want 32px: the enlargement did not apply", state, r.FontSize)
		}
		if r.ClientWidth != reflowW {
			t.Errorf("%s: layout viewport is %.0f px wide, want %d (meta viewport?)", state, r.ClientWidth, reflowW)
		}
		if r.ScrollWidth > r.ClientWidth {
			t.Errorf("%s: the page scrolls sideways (scrollWidth %.0f > %.0f); too wide: %q", state, r.ScrollWidth, r.ClientWidth, r.Overflow)
		}
		if r.MaxScroll <= 0 || r.ScrollY < r.MaxScroll-1 {
			t.Errorf("%s: did not scroll to the bottom (at %.0f of %.0f)", state, r.ScrollY, r.MaxScroll)
		}
		x := r.Exit
		if x.Top < 0 || x.Left < 0 || x.Bottom > r.VH || x.Right > r.VW || r.HitExit != "exit" {
			t.Errorf("%s: at the bottom of the page the exit is not in view: %+v in %.0fx%.0f, the point at its centre is %s",
				state, x, r.VW, r.VH, r.HitExit)
		}
		// 7: the exit sits at the start of the bar: the right in Arabic
		// and Persian, the left otherwise (the bar pads .75rem).
		if text == "100%" {
			if p.dir == "rtl" && r.VW-x.Right > 16 {
				t.Errorf("right-to-left page: the exit is %.0f px from the right edge, want at the right (≤ 16)", r.VW-x.Right)
			}
			if p.dir != "rtl" && x.Left > 16 {
				t.Errorf("left-to-right page: the exit is %.0f px from the left edge, want at the left (≤ 16)", x.Left)
			}
		}
	}
	tabEvalVoid(t, ctx, `document.documentElement.style.fontSize = ""`)
}

// ---- 8: the first screen ----

type firstScreenItem struct {
	What   string  `json:"what"`
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Bar    float64 `json:"bar"`
	InBar  bool    `json:"inBar"`
	VW     float64 `json:"vw"`
	VH     float64 `json:"vh"`
}

// firstScreenJS measures, with the page at its top, the elements given by
// the selector list SEL (each selector's every match, in order; a selector
// that matches nothing is reported "missing").
const firstScreenJS = `
window.scrollTo(0, 0);
await frames();
const bar = document.querySelector(".bar").getBoundingClientRect().bottom;
const out = [];
for (const sel of SEL) {
  const els = [...document.querySelectorAll(sel)];
  if (els.length === 0) out.push({what: "missing: " + sel});
  for (const el of els) {
    const b = el.getBoundingClientRect();
    out.push({what: describe(el), top: b.top, bottom: b.bottom, left: b.left, right: b.right, w: b.width, h: b.height, bar,
      inBar: !!el.closest(".bar"), vw: document.documentElement.clientWidth, vh: innerHeight});
  }
}
return out;
`

// assertFirstScreen checks that every element measured by firstScreenJS is
// whole in the viewport without scrolling, not under the sticky bar, and,
// if minSize > 0, at least that large.
func assertFirstScreen(t *testing.T, ctx context.Context, state string, minSize float64, sels ...string) {
	t.Helper()
	b, _ := json.Marshal(sels)
	items := tabEvalJSON[[]firstScreenItem](t, ctx, pageJS("const SEL = "+string(b)+";"+firstScreenJS))
	for _, it := range items {
		switch {
		case strings.HasPrefix(it.What, "missing"):
			t.Errorf("%s: %s", state, it.What)
		case it.Top < 0 || it.Left < -0.5 || it.Bottom > it.VH+0.5 || it.Right > it.VW+0.5:
			t.Errorf("%s: %s is not in the first screen (%.0f..%.0f down, %.0f..%.0f across, in %.0fx%.0f)",
				state, it.What, it.Top, it.Bottom, it.Left, it.Right, it.VW, it.VH)
		case !it.InBar && it.Top < it.Bar-0.5:
			t.Errorf("%s: %s is under the sticky bar (top %.0f, the bar ends at %.0f)", state, it.What, it.Top, it.Bar)
		case minSize > 0 && (it.W < minSize-0.01 || it.H < minSize-0.01):
			t.Errorf("%s: %s is %.1fx%.1f, want at least %.0fx%.0f", state, it.What, it.W, it.H, minSize, minSize)
		}
	}
}

// a11yFirstScreen: on the narrowest phone (320×640), the page as loaded
// shows without scrolling the exit, the poster's languages and the way to
// all of them (44 px targets), and the first emergency call.
func a11yFirstScreen(t *testing.T, ctx context.Context, p a11yPage) {
	tabDo(t, ctx, "set a 320 px viewport", emulateViewport(reflowW, reflowH, true))
	assertFirstScreen(t, ctx, fmt.Sprintf("%dx%d", reflowW, reflowH), minTarget,
		"#exit", ".toplangs > ul > li > a", ".toplangs summary")
	assertFirstScreen(t, ctx, fmt.Sprintf("%dx%d", reflowW, reflowH), 0, ".emergency li:first-child .sos")
	w, h, mobile := a11yViewportOf(p)
	tabDo(t, ctx, "set the viewport", emulateViewport(w, h, mobile))
}

// ---- 6: without JavaScript ----

type noJSDetails struct {
	Open    bool   `json:"open"`
	Content bool   `json:"content"`
	What    string `json:"what"`
}

// a11yNoJS opens the page with JavaScript off: every <details> opens and
// closes by its summary, every link has a real address, and the exit is a
// plain link to the region's neutral site.
// It reuses the page's tab, which it leaves with JavaScript off.
func a11yNoJS(t *testing.T, ctx context.Context, p a11yPage) {
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	w, h, mobile := a11yViewportOf(p)
	tabDo(t, ctx, "set the viewport", emulateViewport(w, h, mobile))
	tabDo(t, ctx, "leave the page", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the page without JavaScript", chromedp.Navigate(p.url))
	if c := tabEvalString(t, ctx, `document.documentElement.className`); strings.Contains(c, "js") {
		t.Fatalf("the page script ran although JavaScript is disabled (html class %q)", c)
	}

	// The language list at the top opens without a script too.
	if p.kind == a11yPublic {
		const all = `(() => { const d = document.querySelector(".toplangs details"); const u = d.querySelector("ul");
  return {open: d.open, content: u.checkVisibility() && u.getClientRects().length > 0, what: d.querySelector("summary").textContent.trim()}; })()`
		if s := tabEvalJSON[noJSDetails](t, ctx, all); s.Open || s.Content {
			t.Errorf("without JavaScript, %q is open as loaded (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
		tabDo(t, ctx, "open all languages", chromedp.Click(chromedp.CSS(".toplangs summary")))
		if s := tabEvalJSON[noJSDetails](t, ctx, all); !s.Open || !s.Content {
			t.Errorf("without JavaScript, %q did not open (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
	}
	n := tabEvalInt(t, ctx, `document.querySelectorAll("main > details").length`)
	if top := tabEvalInt(t, ctx, `document.querySelectorAll(".toplangs details").length`); n+top != tabEvalInt(t, ctx, `document.querySelectorAll("details").length`) || n == 0 {
		t.Fatalf("%d <details> in main and %d in the top language list; the check expects them all there", n, top)
	}
	state := func(i int) noJSDetails {
		// Without scripts, only the DOM's own state: no script of ours
		// runs in the page, this one reads it from DevTools.
		return tabEvalJSON[noJSDetails](t, ctx, fmt.Sprintf(`(() => { const d = document.querySelectorAll("main > details")[%d];
  const rest = [...d.children].filter(c => c.tagName !== "SUMMARY");
  return {open: d.open, content: rest.length > 0 && rest.every(c => c.checkVisibility() && c.getClientRects().length > 0),
    what: d.querySelector("summary").textContent.trim()}; })()`, i))
	}
	for i := range n {
		sum := chromedp.CSS(fmt.Sprintf("main > details:nth-of-type(%d) > summary", i+1))
		if s := state(i); s.Open {
			tabDo(t, ctx, "close "+s.What, chromedp.Click(sum))
			if s := state(i); s.Open || s.Content {
				t.Errorf("without JavaScript, %q did not close (open %v, content shown %v)", s.What, s.Open, s.Content)
			}
		}
		tabDo(t, ctx, "open details", chromedp.Click(sum))
		if s := state(i); !s.Open || !s.Content {
			t.Errorf("without JavaScript, %q did not open (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
	}

	bad := tabEvalJSON[[]string](t, ctx, `[...document.querySelectorAll("a")].filter(a => { const h = (a.getAttribute("href") || "").trim();
  return h === "" || h.startsWith("#") || /^javascript:/i.test(h); }).map(a => a.outerHTML.slice(0, 120))`)
	for _, a := range bad {
		t.Errorf("without JavaScript this link goes nowhere: %s", a)
	}
	if got := tabEvalString(t, ctx, `document.getElementById("exit").href`); got != p.exit {
		t.Errorf("#exit points at %q, want %q", got, p.exit)
	}
	if loc := tabLocation(t, ctx); loc != p.url {
		t.Errorf("clicking the summaries left the page for %s", loc)
	}
}
