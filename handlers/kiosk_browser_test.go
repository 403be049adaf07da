package handlers

// Kiosk browser tests ("Kiosk mode"): a shared tablet at a venue must
// forget each visitor. In headless Chromium against the real public
// router: the idle reset, activity that defers it, the exit that resets
// instead of leaving (or leaves, when the venue says so), nothing stored,
// the reset without JavaScript, and the QR code and language buttons.
//
// The site is the browser tests' demo site with two kiosk venues: K7Q2M
// resets after 2 s; R4T8W resets after 2 s and its exit leaves for the
// neutral site.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

// kioskIdle is the test venues' kiosk_idle.
const kioskIdle = 2 * time.Second

func TestKioskBrowser(t *testing.T) {
	bctx := startTestBrowser(t)
	f := newKioskFixture(t, bctx)

	// These read the neutral site's log, which all subtests share: one at
	// a time, before the others start.
	t.Run("ExitResetsToStart", func(t *testing.T) { testKioskExitResets(t, f) })
	t.Run("ExitLeavesWhenVenueSaysSo", func(t *testing.T) { testKioskExitLeaves(t, f) })
	t.Run("FirstScreenAtEverySize", func(t *testing.T) { testKioskFirstScreen(t, f) })

	// These mostly wait for the idle timer: side by side, each in its own
	// tab (and with its own server).
	var wg sync.WaitGroup
	for _, tt := range []struct {
		name string
		fn   func(t *testing.T, f *browserFixture)
	}{
		{"IdleResetsToStart", testKioskIdleReset},
		{"ActivityDefersReset", testKioskActivity},
		{"WithoutJavaScriptMetaRefresh", testKioskNoJS},
		{"QRCodeAndLanguageButtons", testKioskQRAndLanguages},
	} {
		wg.Go(func() { t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) }) })
	}
	wg.Wait()
}

// newKioskFixture is the browser tests' fixture (neutral site and all) on
// the demo config with kiosk settings added to two venues.
func newKioskFixture(t *testing.T, bctx context.Context) *browserFixture {
	t.Helper()
	f := newBrowserFixture(t, bctx)
	toml := string(site.DemoTOML())
	for code, extra := range map[string]string{
		"K7Q2M": "kiosk_idle = 2",
		"R4T8W": "kiosk_idle = 2\nkiosk_exit = \"leave\"",
	} {
		line := `code = "` + code + `"`
		if strings.Count(toml, line) != 1 {
			t.Fatalf("the demo config does not have exactly one %s", line)
		}
		toml = strings.Replace(toml, line, line+"\n"+extra, 1)
	}
	// Every exit_url to the neutral site, numbered as newBrowserFixture
	// numbers them (checked below).
	n := 0
	toml = browserExitURLRE.ReplaceAllStringFunc(toml, func(string) string {
		n++
		return fmt.Sprintf(`exit_url = "%s/weather/%d"`, f.neutral.URL, n)
	})
	cfg, err := site.Parse("kiosk-test.toml", []byte(toml), f.cat)
	if err != nil {
		t.Fatal(err)
	}
	if uk, _ := cfg.Region("uk"); uk == nil || uk.ExitURL != f.exitURL {
		t.Fatalf("the kiosk config's uk exit is not the fixture's %s", f.exitURL)
	}
	for code, exit := range map[string]string{"K7Q2M": "", "R4T8W": "leave"} {
		v, ok := cfg.Venue(code)
		if !ok || v.Idle() != int(kioskIdle/time.Second) || v.KioskExit != exit || v.Region != "uk" {
			t.Fatalf("venue %s: kiosk settings not as the test set them (%+v)", code, v)
		}
	}
	if f.site, err = pages.Build(cfg, f.cat, assets.FS()); err != nil {
		t.Fatal(err)
	}
	return f
}

// kioskTab opens a tab the size of a portrait tablet.
func kioskTab(t *testing.T, f *browserFixture) context.Context {
	t.Helper()
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "set a tablet viewport", chromedp.EmulateViewport(tabletW, tabletH, chromedp.EmulateMobile))
	return ctx
}

// waitReset polls until the tab shows the start page, and returns how long
// that took from since. It fails if the reset does not come by the
// deadline, or comes before early.
func waitReset(t *testing.T, ctx context.Context, start string, since time.Time, early, deadline time.Duration) time.Duration {
	t.Helper()
	last := ""
	for {
		el := time.Since(since)
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			last = loc
			if loc == start {
				if el < early {
					t.Errorf("reset to the start after %v, want no sooner than %v", el.Round(time.Millisecond), early)
				}
				waitTab(t, ctx, "the start page", func(loc string) bool { return loc == start })
				return el
			}
		}
		if el > deadline {
			t.Fatalf("no reset to %s within %v; the tab is at %s", start, deadline, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// B1 and B4: without a touch, the kiosk returns to its start, in the
// venue's first language, with what was opened closed, and the visit gone
// from the history and from every store.
func testKioskIdleReset(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := kioskTab(t, f)
	start := e.ours.URL + "/K7Q2M/kiosk"
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the Arabic kiosk page", chromedp.Navigate(start+"/ar"))
	if got := tabHTMLLang(t, ctx); got != "ar" {
		t.Fatalf("page language %q, want ar", got)
	}
	if got := tabEvalString(t, ctx, `document.body.dataset.idle + " " + document.body.dataset.start`); got != "2 /K7Q2M/kiosk" {
		t.Fatalf("body data-idle, data-start = %q, want 2 /K7Q2M/kiosk", got)
	}

	// Open the first <details> that is closed as loaded, as a visitor would.
	const states = `[...document.querySelectorAll("main > details")].map(d => d.open)`
	loaded := tabEvalJSON[[]bool](t, ctx, states)
	closed := slices.Index(loaded, false)
	if closed < 0 {
		t.Fatalf("every <details> is open as loaded: %v", loaded)
	}
	nth := fmt.Sprintf(`document.querySelectorAll("main > details")[%d]`, closed)
	tabDo(t, ctx, "open a details", chromedp.Click(chromedp.CSS(fmt.Sprintf("main > details:nth-of-type(%d) > summary", closed+1))))
	touched := time.Now()
	if tabEvalString(t, ctx, fmt.Sprintf("String(%s.open)", nth)) != "true" {
		t.Fatal("clicking the summary did not open the <details>")
	}

	el := waitReset(t, ctx, start, touched, kioskIdle-500*time.Millisecond, kioskIdle+time.Second)
	t.Logf("reset %v after the last touch (kiosk_idle %v)", el.Round(time.Millisecond), kioskIdle)

	if got := tabHTMLLang(t, ctx); got != "en" {
		t.Errorf("after the reset the page language is %q, want en (the venue's first)", got)
	}
	st := tabEvalJSON[struct {
		Open    []bool  `json:"open"`
		ScrollY float64 `json:"scrollY"`
	}](t, ctx, `({open: [...document.querySelectorAll("main > details")].map(d => d.open), scrollY: window.scrollY})`)
	// As on a fresh page in the venue's first language.
	if !slices.Equal(st.Open, loaded) {
		t.Errorf("after the reset the <details> are open=%v, want %v as loaded", st.Open, loaded)
	}
	if st.ScrollY != 0 {
		t.Errorf("after the reset the page is scrolled to %v, want the top", st.ScrollY)
	}
	assertKioskHistory(t, e, ctx, start)
	assertNothingStored(t, ctx, e.ours.URL+"/", e.ours.URL+"/K7Q2M/kiosk")
}

// assertKioskHistory: the tab's history holds exactly one entry of ours,
// the start page, after the blank page the test began with.
func assertKioskHistory(t *testing.T, e *browserEnv, ctx context.Context, start string) {
	t.Helper()
	h := tabHistory(t, ctx)
	var ours []string
	for _, en := range h.Entries {
		if e.isOurs(en.URL) {
			ours = append(ours, en.URL)
		}
	}
	if len(ours) != 1 || ours[0] != start || len(h.Entries) != 2 || h.Entries[h.CurrentIndex].URL != start {
		t.Errorf("history %s, want about:blank then only the start page %s (location.replace)", entryURLs(h), start)
	}
	if n := tabEvalInt(t, ctx, `history.length`); n != 2 {
		t.Errorf("history.length = %d, want 2", n)
	}
}

// B2 and B4: while someone is using the kiosk, it stays where they are;
// when they stop, it resets.
func testKioskActivity(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := kioskTab(t, f)
	start := e.ours.URL + "/K7Q2M/kiosk"
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the Arabic kiosk page", chromedp.Navigate(start+"/ar"))
	loaded := time.Now()
	// A mark that a reload, even to the same address, would wipe.
	tabEvalVoid(t, ctx, `window.__stillHere = true`)
	h1 := tabEvalJSON[[]float64](t, ctx, `(() => { const r = document.querySelector("h1").getBoundingClientRect(); return [(r.left + r.right) / 2, (r.top + r.bottom) / 2] })()`)

	// Every 0.5 s for 3 s (1.5 idle periods): first a key that does
	// nothing, three times, then a press on plain text (a pointerdown),
	// three times. If keys did not count, the reset would come 2 s after
	// the load, during the presses; if presses did not count, it would
	// come 2 s after the last key, too soon after the last press.
	letter := keyDef{key: "a", code: "KeyA", text: "a", vk: 65}
	var last time.Time
	for i := range 6 {
		time.Sleep(500 * time.Millisecond)
		if i >= 3 {
			tabDo(t, ctx, "press on the heading", chromedp.MouseClickXY(h1[0], h1[1]))
		} else {
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, letter, 0)
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, letter, 0)
		}
		last = time.Now()
		if loc := tabLocation(t, ctx); loc != start+"/ar" {
			t.Fatalf("%v after loading, with input every 0.5 s, the kiosk went to %s", time.Since(loaded).Round(time.Millisecond), loc)
		}
	}
	if time.Since(loaded) <= kioskIdle {
		t.Fatalf("the activity lasted %v, not longer than the idle time", time.Since(loaded))
	}
	if got := tabEvalString(t, ctx, `String(window.__stillHere) + " " + document.documentElement.lang`); got != "true ar" {
		t.Fatalf("after %v of activity the page was reloaded or changed (%q)", time.Since(loaded).Round(time.Millisecond), got)
	}

	el := waitReset(t, ctx, start, last, kioskIdle-500*time.Millisecond, kioskIdle+time.Second)
	t.Logf("reset %v after the last input", el.Round(time.Millisecond))
	if got := tabHTMLLang(t, ctx); got != "en" {
		t.Errorf("after the reset the page language is %q, want en", got)
	}
	assertKioskHistory(t, e, ctx, start)
	assertNothingStored(t, ctx, e.ours.URL+"/", e.ours.URL+"/K7Q2M/kiosk")
}

// B3: on a kiosk the exit returns to the start (kiosk_exit "reset", the
// default), in place of the visit, and never touches the neutral site.
func testKioskExitResets(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := kioskTab(t, f)
	start := e.ours.URL + "/K7Q2M/kiosk"
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the Arabic kiosk page", chromedp.Navigate(start+"/ar"))
	if got := tabEvalString(t, ctx, `document.getElementById("exit").href`); got != start {
		t.Fatalf("#exit points at %s, want the start %s", got, start)
	}
	before := tabHistory(t, ctx)

	tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
	waitTab(t, ctx, "the start page", func(loc string) bool { return loc == start })
	if got := tabHTMLLang(t, ctx); got != "en" {
		t.Errorf("after the exit the page language is %q, want en", got)
	}
	if got := tabEvalString(t, ctx, `document.documentElement.className + "|" + getComputedStyle(document.body).visibility`); strings.Contains(got, "leaving") || !strings.HasSuffix(got, "|visible") {
		t.Errorf("the start page after the exit is marked leaving or hidden: %q", got)
	}
	after := tabHistory(t, ctx)
	if len(after.Entries) != len(before.Entries) {
		t.Errorf("the exit added a history entry: before %s, after %s", entryURLs(before), entryURLs(after))
	}
	assertKioskHistory(t, e, ctx, start)
	// Give a stray request time to arrive.
	time.Sleep(300 * time.Millisecond)
	if got := e.neutralRequests(); len(got) != 0 {
		t.Errorf("a kiosk exit contacted the neutral site: %v", got)
	}
	if got := e.oursLog.paths(); len(got) != 2 || got[0] != "/K7Q2M/kiosk/ar" || got[1] != "/K7Q2M/kiosk" {
		t.Errorf("our server saw %q, want the Arabic page then the start", got)
	}
}

// B3: a venue with kiosk_exit = "leave" sends the exit to the neutral site,
// as on a phone.
func testKioskExitLeaves(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := kioskTab(t, f)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the kiosk page", chromedp.Navigate(e.ours.URL+"/R4T8W/kiosk"))
	if got := tabEvalString(t, ctx, `document.getElementById("exit").href`); got != f.exitURL {
		t.Fatalf("#exit points at %s, want the region's neutral site %s", got, f.exitURL)
	}
	tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
	e.waitLanded(t, ctx)
	e.assertNoOwnEntries(t, tabHistory(t, ctx))
	e.assertEmptyReferer(t)
}

// B5: with JavaScript off the kiosk still resets: a meta refresh inside
// <noscript>, which only a browser without scripts obeys.
func testKioskNoJS(t *testing.T, f *browserFixture) {
	e := f.env(t)
	start := e.ours.URL + "/K7Q2M/kiosk"

	// The page as served: the refresh sits in <noscript>, so that with
	// JavaScript on it never fires (ActivityDefersReset proves that).
	resp, err := http.Get(start + "/ar")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`<noscript><meta http-equiv="refresh" content="2;url=/K7Q2M/kiosk"></noscript>`)
	if !want.Match(body) {
		t.Fatalf("the kiosk page has no <noscript> meta refresh to the start after 2 s:\n%.600s", body)
	}

	ctx := kioskTab(t, f)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	tabDo(t, ctx, "open the Arabic kiosk page", chromedp.Navigate(start+"/ar"))
	loaded := time.Now() // Navigate waits for the load event
	// Without scripts, the parser makes the <noscript> content elements.
	if got := tabEvalString(t, ctx, `(document.querySelector('head noscript meta[http-equiv="refresh"]') || {content: "none"}).content`); got != "2;url=/K7Q2M/kiosk" {
		t.Errorf("with scripts off the page holds the refresh %q, want 2;url=/K7Q2M/kiosk", got)
	}
	if c := tabEvalString(t, ctx, `document.documentElement.className`); strings.Contains(c, "js") {
		t.Fatalf("the page script ran although JavaScript is disabled (html class %q)", c)
	}
	el := waitReset(t, ctx, start, loaded, kioskIdle-500*time.Millisecond, kioskIdle+time.Second)
	t.Logf("without JavaScript, reset %v after the page loaded", el.Round(time.Millisecond))
	if got := tabHTMLLang(t, ctx); got != "en" {
		t.Errorf("after the refresh the page language is %q, want en", got)
	}
}

// B7: on every kiosk screen from a portrait tablet to a landscape full-HD
// display, the exit, the emergency call and every language button are
// visible without scrolling, in scripts of every width (at 1280×800 the
// emergency number used to be at y = 934).
func testKioskFirstScreen(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	// A kiosk is a touch screen: no Shift hint takes space.
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatalf("touch emulation: %v", err)
	}
	for _, size := range [][2]int64{{1280, 800}, {1920, 1080}, {800, 1280}} {
		tabDo(t, ctx, "set the screen size", chromedp.EmulateViewport(size[0], size[1], chromedp.EmulateMobile))
		for _, id := range []string{"en", "ar", "ti", "am", "uk"} {
			tabDo(t, ctx, "open the kiosk page", chromedp.Navigate(e.ours.URL+"/K7Q2M/kiosk/"+id))
			state := fmt.Sprintf("%dx%d %s", size[0], size[1], id)
			assertFirstScreen(t, ctx, state, minTarget, "#exit", ".kiosk-langs a")
			assertFirstScreen(t, ctx, state, 0, ".emergency li:first-child .sos")
		}
	}
}

// B6: the kiosk shows the venue's own QR code, which a phone can scan from
// the screen, and one button per language, each in its own script.
func testKioskQRAndLanguages(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := kioskTab(t, f)
	tabDo(t, ctx, "open the kiosk page", chromedp.Navigate(e.ours.URL+"/K7Q2M/kiosk"))

	q := tabEvalJSON[struct {
		SVG    bool    `json:"svg"`
		Hidden string  `json:"hidden"`
		Width  float64 `json:"width"`
		Short  string  `json:"short"`
	}](t, ctx, `(() => { const s = document.querySelector(".kqr > svg"); const r = s ? s.getBoundingClientRect() : {width: 0};
  return {svg: !!s && s.querySelectorAll("path,rect").length > 0, hidden: s ? s.getAttribute("aria-hidden") || "" : "", width: r.width,
    short: (document.querySelector(".take bdi") || {textContent: ""}).textContent}; })()`)
	if !q.SVG {
		t.Fatal("no inline QR code svg in .kqr")
	}
	if q.Width < 150 {
		t.Errorf("the QR code is %.0f px wide on a tablet, want at least 150", q.Width)
	}
	// Beside it, the same address in letters; the picture itself is
	// hidden from screen readers, which read the address instead.
	base := NewPublic(f.site, PublicOptions{}).baseURL // what the env's server uses
	if want := poster.ShortURL(base, "K7Q2M"); q.Short != want {
		t.Errorf("the address beside the QR code is %q, want %q", q.Short, want)
	}
	if q.Hidden != "true" {
		t.Errorf("the QR code svg has aria-hidden=%q, want true (its address is printed beside it)", q.Hidden)
	}
	payload, err := qr.Payload(base, "K7Q2M")
	if err != nil {
		t.Fatal(err)
	}
	realtools.Need(t, "zbarimg", "zbar-tools")
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".kqr")))
	if err != nil {
		t.Fatalf("screenshot the QR code: %v", err)
	}
	file := filepath.Join(t.TempDir(), "kqr.png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := realtools.DecodeQR(t, file); got != payload {
		t.Errorf("the QR code on the screen reads %q, want %q", got, payload)
	}

	type button struct {
		Href     string  `json:"href"`
		Lang     string  `json:"lang"`
		Hreflang string  `json:"hreflang"`
		Dir      string  `json:"dir"`
		Text     string  `json:"text"`
		Current  string  `json:"current"`
		W        float64 `json:"w"`
		H        float64 `json:"h"`
	}
	bs := tabEvalJSON[[]button](t, ctx, `[...document.querySelectorAll(".kiosk-langs a")].map(a => { const r = a.getBoundingClientRect();
  return {href: a.getAttribute("href"), lang: a.getAttribute("lang") || "", hreflang: a.getAttribute("hreflang") || "", dir: a.getAttribute("dir") || "",
    text: a.textContent.trim(), current: a.getAttribute("aria-current") || "", w: r.width, h: r.height}; })`)
	if len(bs) != len(f.site.Locales) {
		t.Fatalf("%d language buttons, want %d", len(bs), len(f.site.Locales))
	}
	for i, l := range f.site.Locales {
		b := bs[i]
		if b.Href != "/K7Q2M/kiosk/"+l.ID || b.Lang != l.ID || b.Hreflang != l.ID || b.Dir != l.Dir || b.Text != l.Name {
			t.Errorf("language button %d: %+v, want href /K7Q2M/kiosk/%s, lang and hreflang %s, dir %s, %q", i, b, l.ID, l.ID, l.Dir, l.Name)
		}
		if b.W < minTarget || b.H < minTarget {
			t.Errorf("language button %s is %.0fx%.0f, want at least %dx%d", l.ID, b.W, b.H, minTarget, minTarget)
		}
		if (b.Current == "true") != (l.ID == "en") {
			t.Errorf("language button %s: aria-current=%q on the English start page", l.ID, b.Current)
		}
	}
}
