package handlers

// Browser tests: headless Chromium against the real public router, to prove
// what only a browser can show: the swift exit leaves no trace in the tab's
// history and sends no Referer, the keyboard shortcut counts the way the
// page promises, and a page load stores nothing and fetches nothing else.
//
// One browser and one site serve every subtest. Every region's exit_url
// points at a "neutral site": an https test server standing in for the
// weather site that a real deployment names. Each subtest has its own tab
// and its own Waymark server (so it reads only its own server log), and
// reads only the neutral-site requests made since it began. The subtests
// run one after another, except the one that must wait 5.5 s, which runs
// beside them and reads only its own tab.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// desktopPointer makes headless Chromium (whose pointer is "none") a
// desktop with a mouse: (pointer: fine) and (hover: hover) match, as on a
// laptop. Tabs that emulate a touch screen become (pointer: coarse).
var desktopPointer = chromedp.Flag("blink-settings", "primaryPointerType=4,availablePointerTypes=4,primaryHoverType=2,availableHoverTypes=2")

// TestBrowser starts one headless Chromium and runs every browser check as
// a subtest in its own tab.
func TestBrowser(t *testing.T) {
	bctx, cancel, err := browser.Start(context.Background(), chromedp.IgnoreCertErrors, desktopPointer)
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		// In CI a missing or broken browser must fail, never skip.
		t.Fatalf("start browser: %v", err)
	}
	t.Cleanup(cancel)
	f := newBrowserFixture(t, bctx)

	// The pause test spends 5.5 s asleep: run it beside the others. (t.Run
	// may be called from several goroutines; it does not read the neutral
	// site's log, which the others share.)
	var wg sync.WaitGroup
	wg.Go(func() { t.Run("ShiftAfterPauseStartsOver", func(t *testing.T) { testBrowserShiftGap(t, f) }) })
	defer wg.Wait()

	tests := []struct {
		name string
		fn   func(t *testing.T, f *browserFixture)
	}{
		{"ExitClickLeavesNoHistory", testBrowserExitClick},
		{"ExitShiftThreeTimesEnglish", func(t *testing.T, f *browserFixture) { testBrowserShiftExit(t, f, "/K7Q2M", "en") }},
		{"ExitShiftThreeTimesArabic", func(t *testing.T, f *browserFixture) { testBrowserShiftExit(t, f, "/K7Q2M/ar", "ar") }},
		{"ShiftWithOtherKeyDoesNotExit", testBrowserShiftA},
		{"ShiftHintOnlyWithKeyboard", testBrowserShiftHint},
		{"NoLayoutShiftOnSlowLoad", testBrowserNoLayoutShift},
		{"StatusKeepsBarHeight", testBrowserStatusBar},
		{"ExitWithoutJavaScript", testBrowserNoJS},
		{"PageLoadStoresAndFetchesNothing", testBrowserNothingStored},
		{"LanguagePickerReplacesHistory", testBrowserLanguagePicker},
		{"BackAfterExitNeverShowsPage", testBrowserBackAfterExit},
		{"RestoredWhileLeavingLeavesAgain", testBrowserPageshow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

// 1 and 2: the swift exit replaces our page in the tab's history, so Back
// cannot return to it, and the neutral site learns nothing of where the
// person came from.
func testBrowserExitClick(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))

	before := tabHistory(t, ctx)
	if n := len(before.Entries); n < 2 || before.Entries[before.CurrentIndex].URL != e.ours.URL+"/K7Q2M" {
		t.Fatalf("history before the exit = %s, want about:blank then our page", entryURLs(before))
	}

	tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
	e.waitLanded(t, ctx)

	after := tabHistory(t, ctx)
	e.assertNoOwnEntries(t, after)
	if len(after.Entries) != len(before.Entries) {
		t.Errorf("the exit added a history entry (location.assign or a plain link?): before %s, after %s",
			entryURLs(before), entryURLs(after))
	}
	e.assertEmptyReferer(t)

	// Back goes to what came before us, never to us.
	loc := historyStep(t, ctx, -1)
	if e.isOurs(loc) {
		t.Errorf("Back after the exit returned to our page %s", loc)
	}
	if loc != "about:blank" {
		t.Errorf("Back after the exit went to %q, want about:blank", loc)
	}
	if got := e.oursLog.paths(); len(got) != 1 {
		t.Errorf("our server saw %v, want only the first page load", got)
	}
}

// 3: Shift three times leaves; the first press announces, in the page's
// language, how many presses remain.
func testBrowserShiftExit(t *testing.T, f *browserFixture, path, langID string) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the page", chromedp.Navigate(e.ours.URL+path))
	if got := tabHTMLLang(t, ctx); got != langID {
		t.Fatalf("page language %q, want %q", got, langID)
	}

	wantTwo := e.announcement(t, langID, 2)
	wantOne := e.announcement(t, langID, 1)
	// The page carries its announcements in #status's data-* attributes:
	// each must be exactly one translation as plain text (html/template
	// must not have escaped it for another context), and all three must
	// be there, with the expiry notice.
	wantData := map[string]bool{wantTwo: true, wantOne: true, e.text(t, langID, "exit.leaving"): true, e.text(t, langID, "exit.expired"): true}
	attrs, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.ID("status")))
	if err != nil {
		t.Fatalf("read #status: %v", err)
	}
	found := map[string]bool{}
	for name, v := range attrs {
		if !strings.HasPrefix(name, "data-") {
			continue
		}
		if !wantData[v] {
			t.Errorf("#status %s = %q, want one of the translations %q", name, v, mapKeys(wantData))
		}
		found[v] = true
	}
	for v := range wantData {
		if !found[v] {
			t.Errorf("#status carries no data-* attribute with %q (has %q)", v, attrs)
		}
	}
	if attrs["role"] != "status" {
		t.Errorf("#status role = %q, want status", attrs["role"])
	}
	if got := tabStatusText(t, ctx); got != "" {
		t.Errorf("status before any press = %q, want empty", got)
	}

	pressShift(t, ctx)
	if got := tabStatusText(t, ctx); got != wantTwo {
		t.Errorf("status after one Shift = %q, want %q", got, wantTwo)
	}
	pressShift(t, ctx)
	if got := tabStatusText(t, ctx); got != wantOne {
		t.Errorf("status after two Shifts = %q, want %q", got, wantOne)
	}
	if loc := tabLocation(t, ctx); !e.isOurs(loc) {
		t.Fatalf("left after two Shifts, at %s", loc)
	}
	pressShift(t, ctx)
	e.waitLanded(t, ctx)
	e.assertNoOwnEntries(t, tabHistory(t, ctx))
	e.assertEmptyReferer(t)
}

// 4a: Shift used as a modifier (Shift+A for a capital, Shift+Tab to move
// back, Shift held while another key is released) is not a press of the
// shortcut, however often it happens and whatever comes between, as in
// GOV.UK's "Exit this page". Before this was so, Shift+Tab, Shift, Shift
// left the page, and the person could not come back.
func testBrowserShiftA(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))

	// Each sequence is a way of using Shift as a modifier, repeated three
	// times (or followed by two plain presses, which must not make three).
	shiftWith := func(k keyDef, releaseShiftFirst bool) {
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, shiftKey, modShift)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, k, modShift)
		if releaseShiftFirst {
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, shiftKey, 0)
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, k, 0)
			return
		}
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, k, modShift)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, shiftKey, 0)
	}
	for _, tc := range []struct {
		name string
		keys func()
	}{
		{"Shift+A ×3", func() {
			for range 3 {
				shiftWith(aKey, false)
			}
		}},
		{"Shift+Tab ×3", func() {
			for range 3 {
				shiftWith(tabKey, false)
			}
		}},
		{"Shift+A ×3, Shift released before A", func() {
			for range 3 {
				shiftWith(aKey, true)
			}
		}},
		{"Shift+Tab, Shift, Shift", func() {
			shiftWith(tabKey, false)
			pressShift(t, ctx)
			pressShift(t, ctx)
		}},
		{"Shift, Shift+Tab, Shift", func() {
			pressShift(t, ctx)
			shiftWith(tabKey, false)
			pressShift(t, ctx)
		}},
		{"Shift, Shift, A released with Shift held, Shift", func() {
			pressShift(t, ctx)
			pressShift(t, ctx)
			// A key whose keydown went elsewhere, released while Shift
			// is held: the Shift release after it ends a modified key.
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, shiftKey, modShift)
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, aKey, modShift)
			dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, shiftKey, 0)
		}},
	} {
		tc.keys()
		if e.startedExit(t, ctx) {
			t.Fatalf("%s started the exit", tc.name)
		}
		// Start the next sequence from nothing: any key ends a count.
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, aKey, 0)
		dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, aKey, 0)
		if got := tabStatusText(t, ctx); got != "" {
			t.Errorf("after %s and a letter, status = %q, want empty", tc.name, got)
		}
	}
	// The events did arrive and Shift alone still counts: one plain press
	// announces two more.
	pressShift(t, ctx)
	if got, want := tabStatusText(t, ctx), e.announcement(t, "en", 2); got != want {
		t.Errorf("status after a plain Shift = %q, want %q (were the key events delivered?)", got, want)
	}
	e.assertStillHere(t, ctx)
}

// 4b: presses more than 5 s apart start the count over. When the 5 s run
// out the status says so (as GOV.UK's "Exit this page" does), and 5 s later
// it clears itself.
func testBrowserShiftGap(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))
	expired := e.text(t, "en", "exit.expired")
	if got := tabEvalString(t, ctx, `document.getElementById("status").dataset.expired`); got != expired {
		t.Fatalf("#status data-expired = %q, want %q", got, expired)
	}

	pressShift(t, ctx)
	pressShift(t, ctx)
	if got, want := tabStatusText(t, ctx), e.announcement(t, "en", 1); got != want {
		t.Fatalf("status after two Shifts = %q, want %q", got, want)
	}
	time.Sleep(4500 * time.Millisecond)
	if got, want := tabStatusText(t, ctx), e.announcement(t, "en", 1); got != want {
		t.Errorf("status 4.5 s after two Shifts = %q, want it still %q", got, want)
	}
	time.Sleep(1000 * time.Millisecond)
	if got := tabStatusText(t, ctx); got != expired {
		t.Errorf("status 5.5 s after two Shifts = %q, want %q", got, expired)
	}
	time.Sleep(5000 * time.Millisecond)
	if got := tabStatusText(t, ctx); got != "" {
		t.Errorf("status 10.5 s after two Shifts = %q, want it cleared", got)
	}
	pressShift(t, ctx)
	if e.startedExit(t, ctx) {
		t.Fatal("a Shift 5.5 s after two others started the exit")
	}
	if got, want := tabStatusText(t, ctx), e.announcement(t, "en", 2); got != want {
		t.Errorf("status after the pause and one Shift = %q, want %q (count should start over)", got, want)
	}
	// The clock decides, not only the timer (which a busy tab may run
	// late): two more presses 5.5 s later start over too.
	tabEvalVoid(t, ctx, `(() => { const now = Date.now; Date.now = () => now() + 5500; })()`)
	pressShift(t, ctx)
	pressShift(t, ctx)
	if e.startedExit(t, ctx) {
		t.Fatal("two Shifts 5.5 s (by the clock) after a first one started the exit")
	}
	e.assertStillHere(t, ctx)
}

// 4c: the hint names a key, so it shows only where there is a keyboard: at
// once where the primary pointer is fine (this browser is a desktop with a
// mouse), and on a touch-only device not at all, with no space kept for
// it, until a key is pressed.
func testBrowserShiftHint(t *testing.T, f *browserFixture) {
	e := f.env(t)
	hint := func(ctx context.Context) hintState {
		return tabEvalJSON[hintState](t, ctx, `(() => { const h = document.querySelector(".hint");
  return {shown: h.checkVisibility({visibilityProperty: true}), height: h.getBoundingClientRect().height,
    fine: matchMedia("(pointer: fine)").matches, coarse: matchMedia("(pointer: coarse)").matches}; })()`)
	}

	ctx := touchTab(t, f, 360, 740)
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))
	h := hint(ctx)
	if !h.Coarse || h.Fine {
		t.Fatalf("touch emulation did not take: (pointer: coarse) %v, (pointer: fine) %v", h.Coarse, h.Fine)
	}
	if h.Shown || h.Height != 0 {
		t.Errorf("on a touch-only phone the Shift hint is shown=%v, %.0f px tall; want hidden, taking no space", h.Shown, h.Height)
	}
	// A keyboard plugged in (or paired) and used: now the hint helps.
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, aKey, 0)
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, aKey, 0)
	if h := hint(ctx); !h.Shown || h.Height == 0 {
		t.Errorf("after a key press on the phone the Shift hint is shown=%v, %.0f px tall; want shown", h.Shown, h.Height)
	}

	ctx = newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "set a laptop viewport", chromedp.EmulateViewport(deskW, deskH))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))
	h = hint(ctx)
	if !h.Fine {
		t.Fatal("the desktop tab's pointer is not fine: the flag did not take")
	}
	if !h.Shown || h.Height == 0 {
		t.Errorf("with a mouse the Shift hint is shown=%v, %.0f px tall; want shown without a key press", h.Shown, h.Height)
	}
}

type hintState struct {
	Shown  bool    `json:"shown"`
	Height float64 `json:"height"`
	Fine   bool    `json:"fine"`
	Coarse bool    `json:"coarse"`
}

// touchTab opens a tab that is a touch-only phone: a mobile viewport and
// touch emulation, so that (pointer: coarse) matches.
func touchTab(t *testing.T, f *browserFixture, w, h int64) context.Context {
	t.Helper()
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "set a phone viewport", chromedp.EmulateViewport(w, h, chromedp.EmulateMobile))
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatalf("touch emulation: %v", err)
	}
	return ctx
}

// layoutShiftJS sums the page's layout shifts (the Layout Instability API,
// buffered from the start of the load), leaving out those right after an
// input, as Cumulative Layout Shift does. paint and js are when the page
// first painted text and when its script ran (the mark set by
// markScriptJS): a paint before the script shows the load was slow enough
// to prove anything.
const layoutShiftJS = `new Promise(done => {
  const shifts = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.push({value: e.value, at: e.startTime,
      sources: (e.sources || []).map(s => s.node ? (s.node.nodeName + (s.node.className ? "." + s.node.className : "")) + " " + JSON.stringify([s.previousRect.y, s.currentRect.y]) : "?")});
  }).observe({type: "layout-shift", buffered: true});
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  setTimeout(() => done({shifts, paint: fcp ? fcp.startTime : -1, js: window.__jsAt || -1}), 300);
})`

// markScriptJS runs before the page's own script and notes when that
// script marks <html> with the "js" class.
const markScriptJS = `new MutationObserver((_, o) => {
  if (document.documentElement && /\bjs\b/.test(document.documentElement.className)) { window.__jsAt = performance.now(); o.disconnect(); }
}).observe(document, {attributes: true, attributeFilter: ["class"], subtree: true});`

type layoutShifts struct {
	Shifts []struct {
		Value   float64  `json:"value"`
		At      float64  `json:"at"`
		Sources []string `json:"sources"`
	} `json:"shifts"`
	Paint float64 `json:"paint"`
	JS    float64 `json:"js"`
}

// 4d: nothing moves while the page loads on a slow connection: no layout
// shift at all (the Layout Instability API), on a desktop with a mouse,
// where the Shift hint appears, and on a touch-only phone, where it does
// not. (The hint used to appear when the script ran, at the end of the
// page, and pushed the Call button 28 px down after the person saw it.)
func testBrowserNoLayoutShift(t *testing.T, f *browserFixture) {
	e := f.env(t)
	for _, dev := range []struct {
		name  string
		touch bool
		path  string
	}{
		{"desktop", false, "/K7Q2M"},
		{"desktop-ar", false, "/K7Q2M/ar"},
		{"phone", true, "/K7Q2M"},
		{"phone-ti", true, "/K7Q2M/ti"},
	} {
		t.Run(dev.name, func(t *testing.T) {
			var ctx context.Context
			if dev.touch {
				ctx = touchTab(t, f, phoneW, phoneH)
			} else {
				ctx = newBrowserTab(t, f.bctx)
				tabDo(t, ctx, "set a laptop viewport", chromedp.EmulateViewport(deskW, deskH))
			}
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: markScriptJS}); err != nil {
				t.Fatalf("add the script mark: %v", err)
			}
			// Bad mobile data: 300 ms round trips, 4 KB/s down, for every
			// request of the tab (Network.emulateNetworkConditionsByRule
			// with one global rule: this protocol version's form of the
			// deprecated Network.emulateNetworkConditions).
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				t.Fatalf("network.enable: %v", err)
			}
			if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Latency: 300, DownloadThroughput: 4 << 10, UploadThroughput: 4 << 10}}}); err != nil {
				t.Fatalf("throttle the network: %v", err)
			}
			start := time.Now()
			tabDo(t, ctx, "open the page on a slow network", chromedp.Navigate(e.ours.URL+dev.path))
			r := tabEvalJSON[layoutShifts](t, ctx, layoutShiftJS)
			t.Logf("loaded in %v; first paint at %.0f ms, script at %.0f ms, %d shifts", time.Since(start).Round(time.Millisecond), r.Paint, r.JS, len(r.Shifts))
			if r.Paint < 0 || r.JS < 0 || r.Paint >= r.JS {
				t.Fatalf("the page did not paint before its script ran (paint %.0f ms, script %.0f ms): the load was not slow enough to prove anything", r.Paint, r.JS)
			}
			var sum float64
			for _, s := range r.Shifts {
				sum += s.Value
				t.Errorf("layout shift %.4f at %.0f ms: %q", s.Value, s.At, s.Sources)
			}
			if sum > 0 {
				t.Errorf("cumulative layout shift %.4f, want 0", sum)
			}
		})
	}
}

// 4e: the status under the exit appears without making the sticky bar
// taller (which would push the page down at every press), on the
// narrowest phone, and it is seen.
func testBrowserStatusBar(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := touchTab(t, f, reflowW, reflowH)
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M/uk"))
	type barState struct {
		Bar    float64 `json:"bar"`
		H1     float64 `json:"h1"`
		Shown  bool    `json:"shown"`
		Bottom float64 `json:"bottom"`
		Right  float64 `json:"right"`
	}
	const measure = `(() => { const s = document.getElementById("status").getBoundingClientRect();
  return {bar: document.querySelector(".bar").getBoundingClientRect().height, h1: document.querySelector("h1").getBoundingClientRect().top,
    shown: document.getElementById("status").checkVisibility() && s.height > 0, bottom: s.bottom, right: s.right}; })()`
	// A first key shows the Shift hint on this touch phone (a keyboard is
	// in use now), which moves the page once, right after that input.
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, aKey, 0)
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, aKey, 0)
	before := tabEvalJSON[barState](t, ctx, measure)
	pressShift(t, ctx)
	after := tabEvalJSON[barState](t, ctx, measure)
	if got, want := tabStatusText(t, ctx), e.announcement(t, "uk", 2); got != want {
		t.Fatalf("status after one Shift = %q, want %q", got, want)
	}
	if after.Bar != before.Bar || after.H1 != before.H1 {
		t.Errorf("the status made the bar %.0f px tall (was %.0f) and moved the page (h1 at %.0f, was %.0f)", after.Bar, before.Bar, after.H1, before.H1)
	}
	if !after.Shown || after.Bottom > reflowH || after.Right > reflowW {
		t.Errorf("the status is not in view: %+v in %dx%d", after, reflowW, reflowH)
	}
}

// 5: with JavaScript off, the exit is a plain link that still reaches the
// neutral site with no Referer, and the keyboard hint is hidden because the
// shortcut cannot work.
func testBrowserNoJS(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))

	root, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("html")))
	if err != nil {
		t.Fatalf("read <html>: %v", err)
	}
	if strings.Contains(root["class"], "js") {
		t.Fatalf("the page script ran although JavaScript is disabled (html class %q)", root["class"])
	}
	hint, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(".hint")))
	if err != nil {
		t.Fatalf("read .hint: %v", err)
	}
	if want := e.text(t, "en", "exit.hint"); hint != want {
		t.Fatalf(".hint = %q, want %q", hint, want)
	}
	// This browser has a mouse, so the hint's space is kept (nothing moves
	// when a script shows it), but without a script it is not shown.
	if v := tabComputed(t, ctx, ".hint", "visibility"); v != "hidden" && tabComputed(t, ctx, ".hint", "display") != "none" {
		t.Errorf(".hint visibility = %q without JavaScript, want hidden", v)
	}
	// The privacy section says once what leaving without a script looks
	// like: this page stays until the neutral site has loaded.
	nojs := e.text(t, "en", "online.nojs")
	if n := tabEvalInt(t, ctx, fmt.Sprintf(`document.body.textContent.split(%q).length - 1`, nojs)); n != 1 {
		t.Errorf("the page says %q %d times, want once", nojs, n)
	}
	if d := tabComputed(t, ctx, "#exit", "display"); d == "none" || d == "" {
		t.Errorf("#exit display = %q without JavaScript, want it shown", d)
	}

	tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
	e.waitLanded(t, ctx)
	e.assertEmptyReferer(t)
}

// 6: loading the page leaves nothing behind (no cookie, no storage, no
// database, no service worker) and fetches nothing but the document.
func testBrowserNothingStored(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)

	evCtx, stop := context.WithCancel(ctx)
	defer stop()
	events := chromedp.Events(evCtx, network.RequestWillBeSent)
	var (
		mu       sync.Mutex
		requests []*network.EventRequestWillBeSent
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			requests = append(requests, &ev)
			mu.Unlock()
		}
	}()
	target := e.ours.URL + "/K7Q2M"
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(target))
	// A favicon is fetched after the load event: give it time to show.
	time.Sleep(500 * time.Millisecond)
	stop()
	<-done

	mu.Lock()
	var urls []string
	for _, r := range requests {
		urls = append(urls, string(r.Type)+" "+r.Request.URL)
	}
	mu.Unlock()
	if len(requests) != 1 || requests[0].Request.URL != target || requests[0].Type != network.ResourceTypeDocument {
		t.Errorf("the page load made requests %q, want exactly one: Document %s", urls, target)
	}
	for _, u := range urls {
		if _, rest, _ := strings.Cut(u, " "); !e.isOurs(rest) {
			t.Errorf("request to another origin: %s", u)
		}
	}
	if got := e.oursLog.paths(); len(got) != 1 || got[0] != "/K7Q2M" {
		t.Errorf("our server saw %q, want only /K7Q2M (no /favicon.ico)", got)
	}
	if got := e.neutralRequests(); len(got) != 0 {
		t.Errorf("the neutral site was contacted during the page load: %v", got)
	}

	assertNothingStored(t, ctx, target, e.ours.URL+"/")

	// Control, last because it leaves our page: this browser does fetch
	// /favicon.ico for a page that names no icon, on a fresh origin, so its
	// absence above means something.
	ctlLog := &requestLog{}
	ctl := httptest.NewServer(ctlLog.wrap(http.HandlerFunc(serveNeutralPage)))
	defer ctl.Close()
	tabDo(t, ctx, "open the control page", chromedp.Navigate(ctl.URL+"/"))
	if !ctlLog.waitPath("/favicon.ico", 3*time.Second) {
		t.Errorf("the browser fetched no /favicon.ico for a page without an icon either (saw %q): "+
			"the favicon check above proves nothing with this browser", ctlLog.paths())
	}
}

// 7: a language link replaces the current history entry, so trying several
// languages still leaves one entry, and the new page is in that language.
func testBrowserLanguagePicker(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))
	before := tabHistory(t, ctx)
	lenBefore := tabEvalInt(t, ctx, `history.length`)

	tabDo(t, ctx, "click Arabic", chromedp.Click(chromedp.CSS(`a[data-r][hreflang="ar"]`)))
	want := e.ours.URL + "/K7Q2M/ar"
	waitTab(t, ctx, "the Arabic page", func(loc string) bool { return loc == want })

	after := tabHistory(t, ctx)
	if len(after.Entries) != len(before.Entries) {
		t.Errorf("history grew from %s to %s", entryURLs(before), entryURLs(after))
	}
	if got := tabEvalInt(t, ctx, `history.length`); got != lenBefore {
		t.Errorf("history.length grew from %d to %d", lenBefore, got)
	}
	for _, en := range after.Entries {
		if en.URL == e.ours.URL+"/K7Q2M" {
			t.Errorf("the English page is still in history: %s", entryURLs(after))
		}
	}
	root, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("html")))
	if err != nil {
		t.Fatalf("read <html>: %v", err)
	}
	if root["lang"] != "ar" || root["dir"] != "rtl" {
		t.Errorf(`<html lang=%q dir=%q>, want lang="ar" dir="rtl"`, root["lang"], root["dir"])
	}
}

// 8: after an exit, Back and Forward never bring our page back: it is not
// in the history at all, so the back/forward cache cannot restore it, and
// our server is not asked for it again.
func testBrowserBackAfterExit(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))
	for range 3 {
		pressShift(t, ctx)
	}
	e.waitLanded(t, ctx)

	evCtx, stop := context.WithCancel(ctx)
	defer stop()
	navs := chromedp.Events(evCtx, page.FrameNavigated)
	var (
		mu      sync.Mutex
		visited []string
		done    = make(chan struct{})
	)
	go func() {
		defer close(done)
		for ev, err := range navs {
			if err != nil {
				return
			}
			mu.Lock()
			visited = append(visited, ev.Frame.URL)
			mu.Unlock()
		}
	}()

	if loc := historyStep(t, ctx, -1); loc != "about:blank" {
		t.Errorf("Back after the exit went to %s, want about:blank", loc)
	}
	e.assertNotShown(t, ctx, "after Back")
	if loc := historyStep(t, ctx, +1); !strings.HasPrefix(loc, e.exitURL) {
		t.Errorf("Forward went to %s, want the neutral site", loc)
	}
	e.assertNotShown(t, ctx, "after Forward")
	stop()
	<-done

	mu.Lock()
	defer mu.Unlock()
	if len(visited) < 2 {
		t.Errorf("saw %d frame navigations for Back and Forward, want 2: %q", len(visited), visited)
	}
	for _, u := range visited {
		if e.isOurs(u) {
			t.Errorf("Back/Forward showed our page %s", u)
		}
	}
	if got := e.oursLog.paths(); len(got) != 1 {
		t.Errorf("our server saw %q, want only the first page load", got)
	}
}

// 8, the safety net, through a real back/forward cache restore. A real
// exit cannot be restored (it replaces its history entry, as
// BackAfterExitNeverShowsPage shows), so this puts the page in the state
// leave() leaves it in (<html> marked "leaving"), goes away with an
// ordinary navigation, and comes Back. Chromium does keep this page in the
// back/forward cache despite Cache-Control: no-store, so the restore is
// real: the page must be hidden while marked, and must leave again at
// once. A page restored with no exit before it must stay.
func testBrowserPageshow(t *testing.T, f *browserFixture) {
	e := f.env(t)
	ctx := newBrowserTab(t, f.bctx)
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M"))

	// Control: away and Back with no exit. The page is restored, not
	// reloaded, and stays, visible.
	nuCtx, nuCancel := context.WithCancel(ctx)
	defer nuCancel()
	notUsed := chromedp.Events(nuCtx, page.BackForwardCacheNotUsed)
	tabDo(t, ctx, "go elsewhere", chromedp.Navigate(e.neutral.URL+"/elsewhere"))
	if loc := historyStep(t, ctx, -1); !e.isOurs(loc) {
		t.Fatalf("Back went to %s, want our page", loc)
	}
	if got := e.oursLog.paths(); len(got) != 1 {
		reasons := ""
		time.AfterFunc(time.Second, nuCancel)
		for ev, err := range notUsed {
			if err == nil {
				for _, r := range ev.NotRestoredExplanations {
					reasons += " " + string(r.Reason)
				}
			}
			break
		}
		t.Fatalf("our page was reloaded (server saw %q), not restored from the back/forward cache (%s): "+
			"this browser cannot test the restore", got, reasons)
	}
	if e.startedExit(t, ctx) {
		t.Fatal("a restore with no exit before it made the page leave")
	}
	if v := tabEvalString(t, ctx, `getComputedStyle(document.body).visibility`); v != "visible" {
		t.Fatalf("body visibility = %q after a restore with no exit, want visible", v)
	}

	// The state leave() leaves the page in.
	tabEvalVoid(t, ctx, `document.documentElement.className += " leaving"`)
	if v := tabEvalString(t, ctx, `getComputedStyle(document.body).visibility`); v != "hidden" {
		t.Errorf("body visibility = %q while leaving, want hidden", v)
	}
	tabDo(t, ctx, "go elsewhere", chromedp.Navigate(e.neutral.URL+"/elsewhere"))
	historyStep(t, ctx, -1)
	e.waitLanded(t, ctx)
	e.assertNoOwnEntries(t, tabHistory(t, ctx))
	if got := e.oursLog.paths(); len(got) != 1 {
		t.Errorf("our server saw %q, want only the first page load", got)
	}
}

// ---- fixture ----

// browserFixture is what the subtests share: the browser, the catalog, the
// site, and the neutral site that every exit_url points at.
type browserFixture struct {
	bctx       context.Context
	cat        *lang.Catalog
	site       *pages.Site
	neutral    *httptest.Server
	neutralLog *requestLog
	// exitURL is the exit of the uk region, which the test venues use.
	exitURL string
}

// browserEnv is one subtest's view of the fixture: its own Waymark server
// and log, and the neutral-site requests since it began.
type browserEnv struct {
	*browserFixture
	ours         *httptest.Server
	oursLog      *requestLog
	neutralSince int
}

var (
	browserExitURLRE = regexp.MustCompile(`(?m)^exit_url = "[^"]*"$`)
	browserTagRE     = regexp.MustCompile(`<[^>]*>`)
)

// neutralPage is the neutral site's only page. It names no icon, so a
// browser asks it for /favicon.ico.
const neutralPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Weather</title></head><body><p id="neutral">Sunny spells.</p></body></html>`

func serveNeutralPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, neutralPage)
}

// newBrowserFixture builds the demo site with every exit_url replaced by
// the neutral site's address.
func newBrowserFixture(t *testing.T, bctx context.Context) *browserFixture {
	t.Helper()
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	f := &browserFixture{bctx: bctx, cat: cat, neutralLog: &requestLog{}}
	f.neutral = httptest.NewTLSServer(f.neutralLog.wrap(http.HandlerFunc(serveNeutralPage)))
	t.Cleanup(f.neutral.Close)

	n := 0
	toml := browserExitURLRE.ReplaceAllStringFunc(string(site.DemoTOML()), func(string) string {
		n++
		return fmt.Sprintf(`exit_url = "%s/weather/%d"`, f.neutral.URL, n)
	})
	if n == 0 {
		t.Fatal("the demo config has no exit_url line to replace")
	}
	cfg, err := site.Parse("browser-test.toml", []byte(toml), cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cfg.Regions {
		if !strings.HasPrefix(r.ExitURL, f.neutral.URL+"/") {
			t.Fatalf("region %s exits to %s, not to the test's neutral site", r.ID, r.ExitURL)
		}
		for l, u := range r.ExitByLanguage {
			if !strings.HasPrefix(u, f.neutral.URL+"/") {
				t.Fatalf("region %s exits in %s to %s, not to the test's neutral site", r.ID, l, u)
			}
		}
	}
	uk, ok := cfg.Region("uk")
	if !ok {
		t.Fatal("the demo config has no uk region")
	}
	f.exitURL = uk.ExitURL
	if f.site, err = pages.Build(cfg, cat, assets.FS()); err != nil {
		t.Fatal(err)
	}
	return f
}

// env starts the subtest's own Waymark server on the shared site.
func (f *browserFixture) env(t *testing.T) *browserEnv {
	t.Helper()
	e := &browserEnv{browserFixture: f, oursLog: &requestLog{}, neutralSince: len(f.neutralLog.all())}
	e.ours = httptest.NewServer(e.oursLog.wrap(PublicRouter(NewPublic(f.site, PublicOptions{}))))
	t.Cleanup(e.ours.Close)
	return e
}

// neutralRequests are the requests the neutral site got since the subtest
// began.
func (e *browserEnv) neutralRequests() []loggedRequest {
	return e.neutralLog.all()[e.neutralSince:]
}

// isOurs reports whether a URL is on our server's origin.
func (e *browserEnv) isOurs(u string) bool {
	return u == e.ours.URL || strings.HasPrefix(u, e.ours.URL+"/")
}

// announcement is what #status must say after a Shift press, with
// remaining presses to go, in a language: the translation as plain text.
func (e *browserEnv) announcement(t *testing.T, langID string, remaining int) string {
	t.Helper()
	loc, ok := e.cat.Locale(langID)
	if !ok {
		t.Fatalf("no locale %s", langID)
	}
	h, err := loc.TN("exit.status", remaining)
	if err != nil {
		t.Fatal(err)
	}
	next, err := loc.TN("exit.status", remaining+1)
	if err != nil {
		t.Fatal(err)
	}
	s := html.UnescapeString(browserTagRE.ReplaceAllString(string(h), ""))
	// A form for exactly one or two may say "once more" or use a dual
	// (Romanian "încă o dată", Arabic "مرتين") instead of the digit.
	if s == "" || s == html.UnescapeString(browserTagRE.ReplaceAllString(string(next), "")) {
		t.Fatalf("%s exit.status for %d is %q, the same as for %d or empty", langID, remaining, s, remaining+1)
	}
	return s
}

// text is a message of a language as plain text.
func (e *browserEnv) text(t *testing.T, langID, id string) string {
	t.Helper()
	loc, ok := e.cat.Locale(langID)
	if !ok {
		t.Fatalf("no locale %s", langID)
	}
	h, err := loc.T(id)
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(browserTagRE.ReplaceAllString(string(h), ""))
}

// waitLanded waits until the tab shows the neutral site.
func (e *browserEnv) waitLanded(t *testing.T, ctx context.Context) {
	t.Helper()
	waitTab(t, ctx, "the neutral site", func(loc string) bool { return strings.HasPrefix(loc, e.exitURL) })
	if got := tabEvalString(t, ctx, `document.getElementById("neutral") ? "neutral" : document.title`); got != "neutral" {
		t.Errorf("landed on %q, not the neutral page", got)
	}
}

// assertEmptyReferer checks that the neutral site was reached, and that no
// request to it said where the person came from.
func (e *browserEnv) assertEmptyReferer(t *testing.T) {
	t.Helper()
	exitPath := strings.TrimPrefix(e.exitURL, e.neutral.URL)
	reached := false
	var seen []string
	for _, r := range e.neutralRequests() {
		seen = append(seen, r.path)
		if r.path == exitPath {
			reached = true
			if r.referer != "" {
				t.Errorf("the neutral site got %s with Referer %q, want none", r.path, r.referer)
			}
		}
		// The neutral page's own favicon names the neutral page: fine.
		// Nothing may name us.
		if r.path != exitPath && r.referer != "" && !strings.HasPrefix(r.referer, e.neutral.URL+"/") {
			t.Errorf("the neutral site got %s with Referer %q", r.path, r.referer)
		}
	}
	if !reached {
		t.Errorf("the neutral site never got %s (saw %q)", exitPath, seen)
	}
}

// assertNoOwnEntries checks that no history entry is on our origin.
func (e *browserEnv) assertNoOwnEntries(t *testing.T, h page.GetNavigationHistoryResult) {
	t.Helper()
	for _, en := range h.Entries {
		if e.isOurs(en.URL) {
			t.Errorf("history still holds our page %s: %s", en.URL, entryURLs(h))
		}
	}
}

// startedExit reports whether the tab has left our page or the page has
// begun to leave (leave() marks <html> "leaving" before it navigates).
func (e *browserEnv) startedExit(t *testing.T, ctx context.Context) bool {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[location.href, document.documentElement.className]`))
	if err != nil {
		// The document is being replaced: a navigation is under way.
		t.Logf("read the page state: %v", err)
		return true
	}
	if !e.isOurs(v[0]) || strings.Contains(v[1], "leaving") {
		t.Logf("tab at %s, html class %q", v[0], v[1])
		return true
	}
	return false
}

// assertStillHere checks, after a short wait, that the tab has not left.
func (e *browserEnv) assertStillHere(t *testing.T, ctx context.Context) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	if loc := tabLocation(t, ctx); !e.isOurs(loc) {
		t.Errorf("the page left to %s", loc)
	}
}

// assertNotShown checks that the tab is not showing our page: it is
// elsewhere, or, if it is on our page, the body is hidden or it leaves
// again at once.
func (e *browserEnv) assertNotShown(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	loc := tabLocation(t, ctx)
	if !e.isOurs(loc) {
		return
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[location.href, getComputedStyle(document.body).visibility]`))
		if err != nil {
			continue // the document is being replaced
		}
		if !e.isOurs(v[0]) {
			t.Logf("%s: back on our page %s, which left again", when, loc)
			return
		}
		if v[1] == "hidden" {
			t.Logf("%s: back on our page %s, but hidden", when, loc)
			return
		}
	}
	t.Errorf("%s: our page %s is shown again", when, loc)
}

// requestLog records the path and Referer of every request a server gets.
type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

type loggedRequest struct{ path, referer string }

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.reqs = append(l.reqs, loggedRequest{path: r.URL.Path, referer: r.Header.Get("Referer")})
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) all() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loggedRequest(nil), l.reqs...)
}

// waitPath waits until the server has been asked for path.
func (l *requestLog) waitPath(path string, d time.Duration) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(25 * time.Millisecond) {
		for _, p := range l.paths() {
			if p == path {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func (l *requestLog) paths() []string {
	var p []string
	for _, r := range l.all() {
		p = append(p, r.path)
	}
	return p
}

// ---- browser helpers ----

// newBrowserTab opens a tab of the shared browser, closed when the test
// ends, and returns a context that gives the test's actions 30 s in all.
func newBrowserTab(t *testing.T, bctx context.Context) context.Context {
	t.Helper()
	return newBrowserTabFor(t, bctx, 30*time.Second)
}

// newBrowserTabFor is newBrowserTab with its actions given d in all.
func newBrowserTabFor(t *testing.T, bctx context.Context, d time.Duration) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	// Tabs run in parallel and only one can have the focus: let each page
	// believe it has it, so key events reach it.
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("focus emulation: %v", err)
	}
	ctx, cancelT := context.WithTimeout(tab, d)
	t.Cleanup(cancelT)
	return ctx
}

func tabDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func tabLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("read location: %v", err)
	}
	return loc
}

// waitTab polls the tab until its location satisfies ok and the document
// has loaded.
func waitTab(t *testing.T, ctx context.Context, what string, ok func(loc string) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		// Errors are expected while the navigation swaps documents.
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			last = loc
			if ok(loc) {
				if st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && st == "complete" {
					return
				}
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; tab is at %q", what, last)
}

func tabHistory(t *testing.T, ctx context.Context) page.GetNavigationHistoryResult {
	t.Helper()
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		t.Fatalf("page.getNavigationHistory: %v", err)
	}
	return h
}

// historyStep goes delta entries back (-1) or forward (+1), as the
// browser's buttons do, and returns the location it reached.
// chromedp.NavigateBack and NavigateForward wait for a load event, which a
// page restored from the back/forward cache never fires.
func historyStep(t *testing.T, ctx context.Context, delta int64) string {
	t.Helper()
	h := tabHistory(t, ctx)
	i := h.CurrentIndex + delta
	if i < 0 || i >= int64(len(h.Entries)) {
		t.Fatalf("no history entry %+d from %s", delta, entryURLs(h))
	}
	if _, err := chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[i].ID}); err != nil {
		t.Fatalf("go %+d in history: %v", delta, err)
	}
	// Wait for the step to commit, not for a URL: a page that leaves again
	// at once replaces the entry it was restored into.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		now, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
		if err != nil || now.CurrentIndex != i {
			continue
		}
		if st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && st == "complete" {
			return tabLocation(t, ctx)
		}
	}
	t.Fatalf("history step %+d from %s did not complete", delta, entryURLs(h))
	return ""
}

func entryURLs(h page.GetNavigationHistoryResult) string {
	var s []string
	for i, en := range h.Entries {
		mark := ""
		if int64(i) == h.CurrentIndex {
			mark = "*"
		}
		s = append(s, mark+en.URL)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func tabEvalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func tabEvalInt(t *testing.T, ctx context.Context, expr string) int {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func tabEvalVoid(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](expr)); err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
}

func tabStatusText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return tabEvalString(t, ctx, `document.getElementById("status").textContent`)
}

func tabHTMLLang(t *testing.T, ctx context.Context) string {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("html")))
	if err != nil {
		t.Fatalf("read <html>: %v", err)
	}
	return a["lang"]
}

// tabComputed reads a computed style through the CSS domain, which works with
// JavaScript disabled too. (After a back/forward cache restore, use
// getComputedStyle: chromedp's node queries wait for a new document.)
func tabComputed(t *testing.T, ctx context.Context, sel, prop string) string {
	t.Helper()
	styles, err := chromedp.Run(ctx, chromedp.ComputedStyle(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("computed style of %s: %v", sel, err)
	}
	for _, s := range styles {
		if s.Name == prop {
			return s.Value
		}
	}
	return ""
}

func mapKeys(m map[string]bool) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}

func cookieNames(cs []*network.Cookie) []string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name+"@"+c.Domain)
	}
	return n
}

// keyDef is a physical key as Input.dispatchKeyEvent describes it.
type keyDef struct {
	key, code, text string
	vk              int64
}

var (
	shiftKey = keyDef{key: "Shift", code: "ShiftLeft", vk: 16}
	aKey     = keyDef{key: "A", code: "KeyA", text: "A", vk: 65}
)

const modShift = 8

func dispatchKey(t *testing.T, ctx context.Context, typ input.DispatchKeyEventType, k keyDef, mods int64) {
	t.Helper()
	p := input.DispatchKeyEventParams{
		Type: typ, Key: k.key, Code: k.code, WindowsVirtualKeyCode: k.vk, NativeVirtualKeyCode: k.vk, Modifiers: mods,
	}
	if typ == input.DispatchKeyEventTypeKeyDown {
		p.Text, p.UnmodifiedText = k.text, strings.ToLower(k.text)
	}
	if k.code == "ShiftLeft" {
		p.Location = 1
	}
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
		t.Fatalf("key %s %s: %v", typ, k.key, err)
	}
}

// pressShift presses and releases the left Shift key.
func pressShift(t *testing.T, ctx context.Context) {
	t.Helper()
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyDown, shiftKey, modShift)
	dispatchKey(t, ctx, input.DispatchKeyEventTypeKeyUp, shiftKey, 0)
}

// assertNothingStored: no cookie, no Web Storage, no database, no cache,
// no service worker: nothing for someone checking the phone (or the next
// kiosk user) to find.
func assertNothingStored(t *testing.T, ctx context.Context, urls ...string) {
	t.Helper()
	nc, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: urls})
	if err != nil {
		t.Fatalf("network.getCookies: %v", err)
	}
	if len(nc.Cookies) != 0 {
		t.Errorf("cookies for our origin: %v", cookieNames(nc.Cookies))
	}
	sc, err := chromedp.Call(ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		t.Fatalf("storage.getCookies: %v", err)
	}
	if len(sc.Cookies) != 0 {
		t.Errorf("the browser holds cookies: %v", cookieNames(sc.Cookies))
	}
	checks := []struct{ what, expr string }{
		{"document.cookie length", `document.cookie.length`},
		{"localStorage.length", `localStorage.length`},
		{"sessionStorage.length", `sessionStorage.length`},
		{"indexedDB.databases()", `indexedDB.databases().then(d => d.length)`},
		// navigator.serviceWorker exists only in a secure context; without
		// it no worker can be registered at all.
		{"service worker registrations", `navigator.serviceWorker ? navigator.serviceWorker.getRegistrations().then(r => r.length) : 0`},
		{"Cache Storage", `self.caches ? caches.keys().then(k => k.length) : 0`},
	}
	for _, c := range checks {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](c.expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if n != 0 {
			t.Errorf("%s = %d, want 0", c.what, n)
		}
	}
}
