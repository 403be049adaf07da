package handlers

// The course's lessons in a real browser: every lesson of the demo in every
// language gets the help page's browser checks (axe-core and the page
// measurements of a11y_test.go at 320 px, the keyboard, no JavaScript, and
// browser_test.go's privacy checks), and the done-when walk-through goes
// from the help page through every lesson and back, in Arabic and in
// Tigrinya, with JavaScript on and off.
//
// There are hundreds of lesson pages, so they share one browser and two
// tabs, each reused for every page: one with JavaScript (axe, keyboard,
// layout) and one without, side by side. A tab costs more than a page
// load. No check reads a lesson's words from anywhere but the catalog:
// translations land at any time, with English filling the gaps.

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// lessonJSTabs is how many tabs check lessons with JavaScript at once;
// one more checks them without.
const lessonJSTabs = 2

// lessonPage is one lesson page to check.
type lessonPage struct {
	a11yPage
	// prefix is the path of the help page's place ("" for the generic
	// page, "/K7Q2M" for a venue): every link of ours must stay under it.
	prefix string
	loc    *lang.Locale
	lesson *site.Lesson
	n      int
	total  int
}

// lessonPages lists every lesson of the generic page in every language,
// and, for the venue K7Q2M, the lessons whose page differs from the
// generic one (its area's data can change a lesson), plus one language's
// full course so that its relative links are followed under the venue's
// code too.
func lessonPages(t *testing.T, e *browserEnv) []lessonPage {
	t.Helper()
	s := e.site
	var ps []lessonPage
	add := func(prefix string, v *site.Venue, r *site.Region, loc *lang.Locale, n int) {
		lessons := s.Config.LessonsOf(r.ID)
		ps = append(ps, lessonPage{
			a11yPage: a11yPage{name: fmt.Sprintf("%s/%s/%d", cmp.Or(strings.TrimPrefix(prefix, "/"), "generic"), loc.ID, n),
				url: e.ours.URL + prefix + "/" + loc.ID + "/" + fmt.Sprint(n), kind: a11yPublic, status: http.StatusOK,
				lang: loc.ID, dir: loc.Dir, exit: r.ExitFor(loc.ID)},
			prefix: prefix, loc: loc, lesson: lessons[n-1], n: n, total: len(lessons),
		})
	}
	def := s.Config.Default()
	for n := range s.Config.LessonsOf(def.ID) {
		for _, loc := range s.Locales {
			add("", nil, def, loc, n+1)
		}
	}
	v, ok := s.Config.Venue("K7Q2M")
	if !ok {
		t.Fatal("the demo has no venue K7Q2M")
	}
	r, ok := s.Config.Region(v.Region)
	if !ok {
		t.Fatalf("venue K7Q2M's region %q is missing", v.Region)
	}
	for n := range s.Config.LessonsOf(r.ID) {
		for _, loc := range s.Locales {
			generic, _ := s.LessonPageFor(def.ID, "", loc.ID, n+1)
			venue, ok := s.LessonPageFor(r.ID, v.Area, loc.ID, n+1)
			if !ok {
				t.Fatalf("no lesson %d of K7Q2M in %s", n+1, loc.ID)
			}
			if r.ID != def.ID || generic == nil || generic.String() != venue.String() || loc.ID == "ar" {
				add("/K7Q2M", v, r, loc, n+1)
			}
		}
	}
	if len(ps) < 6*len(s.Locales) {
		t.Fatalf("only %d lesson pages for %d languages: the demo's course is shorter than six lessons", len(ps), len(s.Locales))
	}
	return ps
}

// lessonTab opens a tab for a whole batch of pages (newBrowserTab's 30 s
// are for one subtest), at the narrowest phone, 320×640.
func lessonTab(t *testing.T, bctx context.Context, noJS bool, axe string) context.Context {
	t.Helper()
	ctx := newBrowserTabFor(t, bctx, 10*time.Minute)
	if axe != "" {
		// Evaluated by DevTools in each new document before the page's own
		// script, outside the page's CSP (as axeInject is).
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe}); err != nil {
			t.Fatalf("add axe-core to every document: %v", err)
		}
	}
	if noJS {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable JavaScript: %v", err)
		}
	}
	tabDo(t, ctx, "set a 320 px viewport", emulateViewport(reflowW, reflowH, true))
	return ctx
}

// requestRecorder keeps every request a tab sends, so that each page can
// be held to the requests made since it began to load.
type requestRecorder struct {
	mu   sync.Mutex
	reqs []string // "Type URL"
}

func recordRequests(t *testing.T, ctx context.Context) *requestRecorder {
	t.Helper()
	rec := &requestRecorder{}
	evCtx, stop := context.WithCancel(ctx)
	events := chromedp.Events(evCtx, network.RequestWillBeSent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			rec.mu.Lock()
			rec.reqs = append(rec.reqs, string(ev.Type)+" "+ev.Request.URL)
			rec.mu.Unlock()
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	return rec
}

func (r *requestRecorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *requestRecorder) since(i int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs[i:])
}

// assertOnlyDocument: loading the page fetched the document and nothing
// else, from no other origin (a data: URL is no request).
func assertOnlyDocument(t *testing.T, reqs []string, url string) {
	t.Helper()
	var net []string
	for _, r := range reqs {
		if _, u, _ := strings.Cut(r, " "); !strings.HasPrefix(u, "data:") {
			net = append(net, r)
		}
	}
	if len(net) != 1 || net[0] != string(network.ResourceTypeDocument)+" "+url {
		t.Errorf("the page load made requests %q, want exactly one: Document %s", net, url)
	}
}

// TestLessonsInBrowser gives every lesson page the help page's browser
// checks (TestA11y, TestBrowser), adjusted to what a lesson has.
func TestLessonsInBrowser(t *testing.T) {
	axe := axeSource(t)
	bctx := startTestBrowser(t)
	f := newBrowserFixture(t, bctx)
	e := f.env(t)
	ps := lessonPages(t, e)
	start := time.Now()

	// What our server must have been asked for: each page that ran (a
	// -run pattern may pick a few), once per tab that opened it.
	var (
		wantMu sync.Mutex
		want   = map[string]int{}
	)
	asked := func(p lessonPage) {
		wantMu.Lock()
		want[strings.TrimPrefix(p.url, e.ours.URL)]++
		wantMu.Unlock()
	}

	// A few tabs side by side, each reused for page after page: the
	// checks wait on the browser as much as they compute, and a page's
	// renderer is a process of its own, so the tabs share the cores.
	var wg sync.WaitGroup
	jobs := make(chan lessonPage)
	go func() {
		for _, p := range ps {
			jobs <- p
		}
		close(jobs)
	}()
	// Tabs are opened here, on the test's goroutine, where a failure may
	// stop the test; the goroutines only run subtests.
	for i := range lessonJSTabs {
		ctx := lessonTab(t, bctx, false, axe)
		rec := recordRequests(t, ctx)
		wg.Go(func() {
			for p := range jobs {
				t.Run("js/"+p.name, func(t *testing.T) {
					asked(p)
					from := rec.mark()
					lessonJSChecks(t, ctx, e, p, axe)
					assertOnlyDocument(t, rec.since(from), p.url)
				})
			}
			// Cookies, storage and workers outlive a page, so whatever any
			// page of this tab left is still there.
			t.Run(fmt.Sprintf("js/nothing-stored-%d", i+1), func(t *testing.T) {
				assertNothingStored(t, ctx, e.ours.URL+"/", ps[0].url)
			})
		})
	}
	ctx := lessonTab(t, bctx, true, "")
	rec := recordRequests(t, ctx)
	wg.Go(func() {
		for _, p := range ps {
			t.Run("nojs/"+p.name, func(t *testing.T) {
				asked(p)
				from := rec.mark()
				lessonNoJS(t, ctx, e, p)
				assertOnlyDocument(t, rec.since(from), p.url)
			})
		}
	})
	wg.Wait()
	loads := 0
	for _, n := range want {
		loads += n
	}
	t.Logf("%d loads of %d lesson pages, with JavaScript and without, in %v", loads, len(want), time.Since(start).Round(100*time.Millisecond))

	// Each page was asked for twice (once per tab) and nothing else was:
	// no icon, no recording, no second copy.
	got := map[string]int{}
	for _, p := range e.oursLog.paths() {
		got[p]++
	}
	for p, n := range got {
		if want[p] != n {
			t.Errorf("our server was asked for %s %d times, want %d", p, n, want[p])
		}
	}
	if len(got) != len(want) {
		t.Errorf("our server was asked for %d paths, want the %d lesson pages", len(got), len(want))
	}
	if n := len(e.neutralRequests()); n != 0 {
		t.Errorf("the neutral site was contacted %d times while nobody pressed the exit", n)
	}
}

// lessonJSChecks opens a lesson with JavaScript at 320×640 and checks it
// as TestA11y checks the help page.
func lessonJSChecks(t *testing.T, ctx context.Context, e *browserEnv, p lessonPage, axe string) {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.url))
	if err != nil {
		t.Fatalf("open %s: %v", p.url, err)
	}
	if int(resp.Status) != p.status {
		t.Fatalf("%s: status %d, want %d", p.url, resp.Status, p.status)
	}
	if c := tabEvalString(t, ctx, `document.documentElement.className`); !strings.Contains(c, "js") {
		t.Fatalf("the page script did not run (html class %q)", c)
	}
	// axe-core was added to every new document of the tab (lessonTab):
	// sent once, not with each of hundreds of pages.
	if got := tabEvalString(t, ctx, `typeof axe === "object" ? typeof axe.run : "none"`); got != "function" {
		t.Fatalf("axe-core did not load (axe.run is %s)", got)
	}
	lessonStructure(t, ctx, e, p)
	a11yKeyboardMin(t, ctx, p.a11yPage, false, 4)
	// The exit and the lesson's title are on the first screen, as loaded.
	assertFirstScreen(t, ctx, fmt.Sprintf("%dx%d", reflowW, reflowH), minTarget, "#exit")
	assertFirstScreen(t, ctx, fmt.Sprintf("%dx%d", reflowW, reflowH), 0, "h1")
	tabEvalVoid(t, ctx, `document.querySelectorAll("details").forEach(d => d.open = true); window.scrollTo(0, 0)`)
	axeCheck(t, ctx)
	a11yContrast(t, ctx)
	a11yTargets(t, ctx)
	a11yViewport(t, ctx, p.a11yPage)
	if got := tabEvalString(t, ctx, `document.getElementById("exit").href`); got != p.exit {
		t.Errorf("#exit points at %q, want %q", got, p.exit)
	}
}

type lessonDOM struct {
	Lang     string   `json:"lang"`
	Dir      string   `json:"dir"`
	Title    string   `json:"title"`
	H1       []string `json:"h1"`
	Headings []struct {
		Level int    `json:"level"`
		Text  string `json:"text"`
		Shown bool   `json:"shown"`
	} `json:"headings"`
	Banners int          `json:"banners"`
	Mains   int          `json:"mains"`
	Navs    int          `json:"navs"`
	Langs   []a11yPicker `json:"langs"`
	Hrefs   []string     `json:"hrefs"` // every link's resolved address
	Course  []struct {
		Href    string `json:"href"`
		Current string `json:"current"`
	} `json:"course"`
	Phones []struct {
		Href   string `json:"href"`
		LTR    bool   `json:"ltr"`
		Digits string `json:"digits"`
		Dir    string `json:"dir"`
	} `json:"phones"`
	pageChrome
	Summaries []string `json:"summaries"`
}

// lessonDOMJS reads what a11yDOMJS reads of the help page, where a lesson
// has it: the language list and the course list are in the lesson's own
// navigation at its end.
const lessonDOMJS = `
const r = {lang: document.documentElement.getAttribute("lang") || "", dir: document.documentElement.getAttribute("dir") || "", title: document.title};
r.h1 = [...document.querySelectorAll("h1")].map(h => h.textContent.trim().replace(/\s+/g, " "));
r.headings = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => ({level: +h.tagName[1], text: h.textContent.trim(), shown: shown(h)}));
r.banners = [...document.querySelectorAll("header")].filter(h => !h.parentElement.closest("article,aside,main,nav,section")).length;
r.mains = document.querySelectorAll("main").length;
r.navs = document.querySelectorAll("nav").length;
r.langs = [...document.querySelectorAll("a[hreflang]")].map(a => ({hreflang: a.getAttribute("hreflang"),
  lang: a.getAttribute("lang") || "", dir: a.getAttribute("dir") || "", text: a.href, current: a.getAttribute("aria-current") || ""}));
r.hrefs = [...document.querySelectorAll("a[href]")].map(a => a.href);
r.course = [...document.querySelectorAll("nav ol a")].map(a => ({href: a.href, current: a.getAttribute("aria-current") || ""}));
r.phones = [...document.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].map(a => {
  const l = a.querySelector('bdi[dir="ltr"], [dir="ltr"]');
  return {href: a.getAttribute("href"), ltr: !!l, digits: l ? digits(l.textContent) : "", dir: l ? getComputedStyle(l).direction : ""};
});
const svgs = [...document.querySelectorAll("svg")];
r.svgs = svgs.length;
r.exposed = svgs.filter(s => !s.closest('[aria-hidden="true"]')).map(describe);
const st = document.getElementById("status");
r.status = st ? {found: true, role: st.getAttribute("role") || "", press1: st.dataset.press1 || "", press2: st.dataset.press2 || "", leaving: st.dataset.leaving || ""} : {found: false};
r.summaries = [...document.querySelectorAll("summary")].map(s => s.textContent.trim());
return r;
`

// lessonStructure: what a screen reader is given (a11yStructure), the
// lesson's title as its only h1 in the page's language, the page's
// neutral title, and every link of ours under the place's own path.
func lessonStructure(t *testing.T, ctx context.Context, e *browserEnv, p lessonPage) {
	d := tabEvalJSON[lessonDOM](t, ctx, pageJS(lessonDOMJS))
	ax := axTree(t, ctx)

	if d.Lang != p.lang || d.Dir != p.dir {
		t.Errorf(`<html lang=%q dir=%q>, want lang=%q dir=%q`, d.Lang, d.Dir, p.lang, p.dir)
	}
	region := e.site.Config.Default()
	if p.prefix != "" {
		v, _ := e.site.Config.Venue(strings.TrimPrefix(p.prefix, "/"))
		region, _ = e.site.Config.Region(v.Region)
	}
	if d.Title != region.Title {
		t.Errorf("<title> %q, want the region's neutral %q", d.Title, region.Title)
	}
	wantH1 := normSpace(p.loc.Text("lesson." + p.lesson.ID + ".title"))
	if len(d.H1) != 1 || len(ax.headings[1]) != 1 || d.H1[0] != wantH1 {
		t.Errorf("h1 %q (%q in the accessibility tree), want one: the lesson's title %q", d.H1, ax.headings[1], wantH1)
	}
	prev := 0
	for _, h := range d.Headings {
		if h.Level > prev+1 {
			t.Errorf("heading level skips from h%d to h%d at %q", prev, h.Level, h.Text)
		}
		prev = h.Level
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

	// The same lesson in every language: each link in its own language
	// and direction, the current one marked.
	base := e.ours.URL + p.prefix + "/"
	var seen []string
	for _, a := range d.Langs {
		l, ok := e.site.Locale(a.Hreflang)
		if !ok {
			t.Errorf("language link to %q, which the site does not have", a.Hreflang)
			continue
		}
		seen = append(seen, l.ID)
		if a.Lang != l.ID || a.Dir != l.Dir || a.Text != base+l.ID+"/"+fmt.Sprint(p.n) {
			t.Errorf("language link %s: lang=%q dir=%q to %s, want %q %q to %s%s/%d", l.ID, a.Lang, a.Dir, a.Text, l.ID, l.Dir, base, l.ID, p.n)
		}
		if cur := a.Current == "true"; cur != (l.ID == p.lang) {
			t.Errorf("language link %s: aria-current=%q on the %s page", l.ID, a.Current, p.lang)
		}
	}
	slices.Sort(seen)
	var all []string
	for _, l := range e.site.Locales {
		all = append(all, l.ID)
	}
	slices.Sort(all)
	if !slices.Equal(seen, all) {
		t.Errorf("the lesson links to itself in %q, want every language of the site once: %q", seen, all)
	}
	// The course, in order, this lesson marked; and every link of ours
	// stays under the place's path: a lesson, or the help page.
	if len(d.Course) != p.total {
		t.Errorf("the lesson lists %d lessons, want %d", len(d.Course), p.total)
	}
	for i, c := range d.Course {
		if want := fmt.Sprintf("%s%s/%d", base, p.lang, i+1); c.Href != want {
			t.Errorf("course link %d goes to %s, want %s", i+1, c.Href, want)
		}
		if cur := c.Current == "page"; cur != (i+1 == p.n) {
			t.Errorf("course link %d: aria-current=%q on lesson %d", i+1, c.Current, p.n)
		}
	}
	ours := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `[A-Za-z-]+(/[1-9][0-9]*)?$`)
	for _, h := range d.Hrefs {
		if strings.HasPrefix(h, e.ours.URL) && !ours.MatchString(h) {
			t.Errorf("a link to %s, outside %s{lang}[/{n}]", h, base)
		}
	}

	for _, ph := range d.Phones {
		_, num, _ := strings.Cut(ph.Href, ":")
		want := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, num)
		if !ph.LTR || ph.Digits != want || ph.Dir != "ltr" {
			t.Errorf("%s: the number is not whole inside a dir=ltr element (digits %q, direction %q)", ph.Href, ph.Digits, ph.Dir)
		}
	}
	d.check(t, e, p.lang, ax)
	want := slices.Clone(d.Summaries)
	got := slices.Clone(ax.disclosures)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("screen readers announce the <summary> buttons as %q, want their text %q", got, want)
	}
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// cssPathJS gives each <details> a selector of its own (a path of
// :nth-child steps), for chromedp.Click, without changing the page.
const cssPathJS = `
const path = el => { const s = []; for (; el && el !== document.documentElement; el = el.parentElement) s.unshift(el.tagName.toLowerCase() + ":nth-child(" + ([...el.parentElement.children].indexOf(el) + 1) + ")"); return "html > " + s.join(" > "); };
`

// lessonNoJS opens a lesson with JavaScript off (a11yNoJS): every
// <details> opens and closes by its summary, every link has a real
// address, the exit is a plain link to the neutral site, and the Shift
// hint, which cannot work, is not shown.
func lessonNoJS(t *testing.T, ctx context.Context, e *browserEnv, p lessonPage) {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.url))
	if err != nil {
		t.Fatalf("open %s: %v", p.url, err)
	}
	if int(resp.Status) != p.status {
		t.Fatalf("%s: status %d, want %d", p.url, resp.Status, p.status)
	}
	if c := tabEvalString(t, ctx, `document.documentElement.className`); strings.Contains(c, "js") {
		t.Fatalf("the page script ran although JavaScript is disabled (html class %q)", c)
	}
	sums := tabEvalJSON[[]string](t, ctx, "(() => {"+cssPathJS+`return [...document.querySelectorAll("details > summary")].map(path); })()`)
	if len(sums) == 0 {
		t.Fatal("the lesson has no <details>: the check expects its course and language lists in them")
	}
	type state struct {
		Open    bool   `json:"open"`
		Content bool   `json:"content"`
		What    string `json:"what"`
	}
	for _, sel := range sums {
		read := func() state {
			return tabEvalJSON[state](t, ctx, `(() => { const d = document.querySelector(`+jsQuote(sel)+`).parentElement;
  const rest = [...d.children].filter(c => c.tagName !== "SUMMARY");
  return {open: d.open, content: rest.length > 0 && rest.every(c => c.checkVisibility() && c.getClientRects().length > 0),
    what: d.querySelector("summary").textContent.trim()}; })()`)
		}
		if s := read(); s.Open || s.Content {
			t.Errorf("without JavaScript, %q is open as loaded (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
		tabDo(t, ctx, "open a <details>", chromedp.Click(chromedp.CSS(sel)))
		if s := read(); !s.Open || !s.Content {
			t.Errorf("without JavaScript, %q did not open (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
		tabDo(t, ctx, "close a <details>", chromedp.Click(chromedp.CSS(sel)))
		if s := read(); s.Open || s.Content {
			t.Errorf("without JavaScript, %q did not close (open %v, content shown %v)", s.What, s.Open, s.Content)
		}
	}
	bad := tabEvalJSON[[]string](t, ctx, `[...document.querySelectorAll("a")].filter(a => { const h = (a.getAttribute("href") || "").trim();
  return h === "" || h.startsWith("#") || /^javascript:/i.test(h); }).map(a => a.outerHTML.slice(0, 120))`)
	for _, a := range bad {
		t.Errorf("without JavaScript this link goes nowhere: %s", a)
	}
	type exitState struct {
		Href    string `json:"href"`
		Rel     string `json:"rel"`
		Display string `json:"display"`
		Hint    string `json:"hint"`
	}
	x := tabEvalJSON[exitState](t, ctx, `(() => { const x = document.getElementById("exit"), h = document.querySelector(".hint");
  return {href: x.href, rel: x.rel, display: getComputedStyle(x).display,
    hint: h ? (h.checkVisibility({visibilityProperty: true}) ? "shown" : "hidden") : "none"}; })()`)
	if x.Href != p.exit || x.Rel != "noreferrer" || x.Display == "none" {
		t.Errorf("#exit without JavaScript: %+v, want a shown link to %s with rel=noreferrer", x, p.exit)
	}
	if x.Hint != "hidden" {
		t.Errorf("without JavaScript the Shift hint is %s, want hidden (the shortcut cannot work)", x.Hint)
	}
	if loc := tabLocation(t, ctx); loc != p.url {
		t.Errorf("clicking the summaries left the page for %s", loc)
	}
}

func jsQuote(s string) string { return fmt.Sprintf("%q", s) }

// TestCourseWalk is the course's done-when, at 320×640: from the venue's
// help page, open the online-safety section, follow its first lesson, then
// "Next lesson" to the last and "Back to the help page", in Arabic and in
// Tigrinya, with JavaScript and without. Each page's h1 is the lesson's
// title as the locale gives it (English where it has none yet), nothing
// scrolls sideways, and the exit is in view. With JavaScript the walk adds
// no history entry, and the exit from the first and from the last lesson
// leaves nothing of ours behind Back. Without it, what stays in history is
// logged, and must be what docs/privacy.md says.
func TestCourseWalk(t *testing.T) {
	bctx := startTestBrowser(t)
	f := newBrowserFixture(t, bctx)
	for _, id := range []string{"ar", "ti"} {
		for _, js := range []bool{true, false} {
			name := id + "/js"
			if !js {
				name = id + "/nojs"
			}
			t.Run(name, func(t *testing.T) { testCourseWalk(t, f, id, js) })
		}
	}
}

const courseVenue = "/K7Q2M"

func testCourseWalk(t *testing.T, f *browserFixture, langID string, js bool) {
	e := f.env(t)
	loc, ok := f.cat.Locale(langID)
	if !ok {
		t.Fatalf("no locale %s", langID)
	}
	v, _ := f.site.Config.Venue(strings.TrimPrefix(courseVenue, "/"))
	lessons := f.site.Config.LessonsOf(v.Region)
	if len(lessons) < 2 {
		t.Fatalf("the course has %d lessons: a walk proves nothing", len(lessons))
	}
	help := e.ours.URL + courseVenue + "/" + langID
	lessonURL := func(n int) string { return fmt.Sprintf("%s/%d", help, n) }

	ctx := lessonTab(t, f.bctx, !js, "")
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the help page", chromedp.Navigate(help))
	start := tabHistory(t, ctx)
	checkWalkPage(t, ctx, e, help, normSpace(loc.Text("page.help")))
	openCourseList(t, ctx, loc, lessons)
	clickCourseLink(t, ctx, "first", langID)

	var walked []string
	for n := 1; n <= len(lessons); n++ {
		waitTab(t, ctx, fmt.Sprintf("lesson %d", n), func(u string) bool { return u == lessonURL(n) })
		walked = append(walked, tabLocation(t, ctx))
		checkWalkPage(t, ctx, e, lessonURL(n), normSpace(loc.Text("lesson."+lessons[n-1].ID+".title")))
		next := findLinkByText(t, ctx, e.text(t, langID, "course.next"))
		if n < len(lessons) {
			if next == "" {
				t.Fatalf("lesson %d of %d has no %q link", n, len(lessons), e.text(t, langID, "course.next"))
			}
			tabDo(t, ctx, "follow Next lesson", chromedp.Click(chromedp.CSS(next)))
			continue
		}
		if next != "" {
			t.Errorf("the last lesson has a %q link", e.text(t, langID, "course.next"))
		}
		back := findLinkByText(t, ctx, e.text(t, langID, "course.back"))
		if back == "" {
			t.Fatalf("the last lesson has no %q link", e.text(t, langID, "course.back"))
		}
		tabDo(t, ctx, "follow Back to the help page", chromedp.Click(chromedp.CSS(back)))
	}
	waitTab(t, ctx, "the help page", func(u string) bool { return u == help })
	checkWalkPage(t, ctx, e, help, normSpace(loc.Text("page.help")))
	after := tabHistory(t, ctx)

	if !js {
		// Without a script every link is an ordinary one: docs/privacy.md
		// says each lesson read adds an entry, which the exit leaves
		// behind it. Logged, and held to what the docs say.
		t.Logf("without JavaScript, after the walk the tab's history is %s", entryURLs(after))
		if got, want := len(after.Entries), len(start.Entries)+len(lessons)+1; got != want {
			t.Errorf("without JavaScript the walk left %d history entries, want %d (one per page): "+
				"docs/privacy.md says each lesson read adds one; update it if that is no longer so: %s", got, want, entryURLs(after))
		}
		// And the exit from the last lesson leaves them behind it.
		openCourseList(t, ctx, loc, lessons)
		clickCourseLink(t, ctx, "last", langID)
		waitTab(t, ctx, "the last lesson", func(u string) bool { return u == lessonURL(len(lessons)) })
		tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
		e.waitLanded(t, ctx)
		e.assertEmptyReferer(t)
		h := tabHistory(t, ctx)
		t.Logf("without JavaScript, after the exit from the last lesson the tab's history is %s", entryURLs(h))
		if loc := historyStep(t, ctx, -1); loc != lessonURL(len(lessons)) {
			t.Errorf("without JavaScript, Back after the exit went to %q; docs/privacy.md says the lessons stay behind the exit, "+
				"the last one first (update it if that is no longer so)", loc)
		}
		return
	}

	// With JavaScript every link of the walk replaced the page before it.
	if len(after.Entries) != len(start.Entries) || after.CurrentIndex != start.CurrentIndex {
		t.Errorf("the walk through %d lessons changed the history from %s to %s", len(lessons), entryURLs(start), entryURLs(after))
	}
	if got := tabEvalInt(t, ctx, `history.length`); got != len(start.Entries) {
		t.Errorf("history.length is %d after the walk, was %d", got, len(start.Entries))
	}
	for _, en := range after.Entries {
		if slices.Contains(walked, en.URL) {
			t.Errorf("a lesson stayed in history after the walk: %s", entryURLs(after))
		}
	}

	// The exit from the last lesson (reached from the help page's list)
	// and from the first (in a new tab, as a person who scans, opens
	// the first lesson and must leave).
	exitFrom := func(ctx context.Context, which string, n int) {
		openCourseList(t, ctx, loc, lessons)
		clickCourseLink(t, ctx, which, langID)
		waitTab(t, ctx, fmt.Sprintf("lesson %d", n), func(u string) bool { return u == lessonURL(n) })
		before := tabHistory(t, ctx)
		tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
		e.waitLanded(t, ctx)
		h := tabHistory(t, ctx)
		e.assertNoOwnEntries(t, h)
		if len(h.Entries) != len(before.Entries) {
			t.Errorf("the exit from lesson %d added a history entry: before %s, after %s", n, entryURLs(before), entryURLs(h))
		}
		if back := historyStep(t, ctx, -1); back != "about:blank" {
			t.Errorf("Back after the exit from lesson %d went to %q, want about:blank, the page before ours", n, back)
		}
		e.assertNotShown(t, ctx, fmt.Sprintf("after Back from the exit of lesson %d", n))
		e.assertEmptyReferer(t)
	}
	exitFrom(ctx, "last", len(lessons))
	ctx = lessonTab(t, f.bctx, false, "")
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the help page", chromedp.Navigate(help))
	exitFrom(ctx, "first", 1)
}

// walkPage is what the walk measures of each page.
type walkPage struct {
	URL  string   `json:"url"`
	H1   []string `json:"h1"`
	Lang string   `json:"lang"`
	viewportReport
}

// checkWalkPage: the page is the one expected, its only h1 is want, and
// at 320 px nothing scrolls sideways and the exit is in view at the top
// and at the bottom of the page.
func checkWalkPage(t *testing.T, ctx context.Context, e *browserEnv, url, want string) {
	t.Helper()
	// No waiting for animation frames, which never come with scripts
	// off: reading a box lays the page out anyway.
	noFrames := strings.NewReplacer("await frames();", "")
	top := tabEvalJSON[[]firstScreenItem](t, ctx, pageJS(`const SEL = ["#exit"];`+noFrames.Replace(firstScreenJS)))
	for _, it := range top {
		if it.Top < 0 || it.Left < -0.5 || it.Bottom > it.VH+0.5 || it.Right > it.VW+0.5 {
			t.Errorf("%s: as loaded the exit is not in view: %+v", url, it)
		}
	}
	r := tabEvalJSON[walkPage](t, ctx, pageJS(`const url = location.href, h1 = [...document.querySelectorAll("h1")].map(h => h.textContent.trim().replace(/\s+/g, " "));
const lang = document.documentElement.lang;
const v = await (async () => {`+noFrames.Replace(a11yViewportJS)+`})();
window.scrollTo(0, 0);
document.querySelectorAll("details").forEach(d => d.open = false);
return Object.assign(v, {url, h1, lang});`))
	if r.URL != url {
		t.Fatalf("at %s, want %s", r.URL, url)
	}
	if len(r.H1) != 1 || r.H1[0] != want {
		t.Errorf("%s: h1 %q, want %q", url, r.H1, want)
	}
	if r.ClientWidth != reflowW {
		t.Errorf("%s: the layout viewport is %.0f px wide, want %d", url, r.ClientWidth, reflowW)
	}
	if r.ScrollWidth > r.ClientWidth {
		t.Errorf("%s: the page scrolls sideways (scrollWidth %.0f > %.0f); too wide: %q", url, r.ScrollWidth, r.ClientWidth, r.Overflow)
	}
	x := r.Exit
	if x.Top < 0 || x.Left < 0 || x.Bottom > r.VH || x.Right > r.VW || r.HitExit != "exit" {
		t.Errorf("%s: at the bottom of the page the exit is not in view: %+v in %.0fx%.0f, the point at its centre is %s", url, x, r.VW, r.VH, r.HitExit)
	}
}

// openCourseList opens the help page's <details> that lists the course
// (the online-safety section) by its summary, as a person would, and
// checks the list is the course, in order, in the page's language.
func openCourseList(t *testing.T, ctx context.Context, loc *lang.Locale, lessons []*site.Lesson) {
	t.Helper()
	const sel = "main > details:has(ol.course) > summary"
	if open := tabEvalString(t, ctx, `String(document.querySelector("main > details:has(ol.course)").open)`); open != "false" {
		t.Fatalf("the section with the course is open=%s as loaded, want closed", open)
	}
	tabDo(t, ctx, "open the online-safety section", chromedp.Click(chromedp.CSS(sel)))
	titles := tabEvalJSON[[]string](t, ctx, `[...document.querySelectorAll("main > details[open] ol.course a")].filter(a => a.checkVisibility()).map(a => a.textContent.trim().replace(/\s+/g, " "))`)
	var want []string
	for _, l := range lessons {
		want = append(want, normSpace(loc.Text("lesson."+l.ID+".title")))
	}
	if !slices.Equal(titles, want) {
		t.Fatalf("the opened section lists %q, want the course %q", titles, want)
	}
}

// clickCourseLink follows the first or last link of the opened course list.
func clickCourseLink(t *testing.T, ctx context.Context, which, langID string) {
	t.Helper()
	tabDo(t, ctx, "follow the "+which+" lesson", chromedp.Click(chromedp.CSS("main > details[open] ol.course > li:"+which+"-child > a")))
}

// findLinkByText returns a selector for the one link whose text is text,
// "" for none; more than one fails the test.
func findLinkByText(t *testing.T, ctx context.Context, text string) string {
	t.Helper()
	sels := tabEvalJSON[[]string](t, ctx, "(() => {"+cssPathJS+`return [...document.querySelectorAll("a[href]")].filter(a => a.textContent.trim().replace(/\s+/g, " ") === `+jsQuote(normSpace(text))+`).map(path); })()`)
	if len(sels) > 1 {
		t.Fatalf("%d links say %q", len(sels), text)
	}
	if len(sels) == 0 {
		return ""
	}
	return sels[0]
}
