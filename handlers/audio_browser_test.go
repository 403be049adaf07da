package handlers

// Browser tests of the recorded sections (issue 18), in real Chromium:
// nothing is fetched before the person presses play; play fetches one
// same-origin file with the privacy headers; the swift exit stops it and
// leaves no history entry; the control works with JavaScript off; axe-core
// finds nothing. The site is the browser fixture's, rebuilt with one
// recording (the English emergency section) planted for the test, so the
// test does not depend on the demo's placeholders staying current.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
)

func TestAudioBrowser(t *testing.T) {
	bctx := startTestBrowser(t)
	f := newBrowserFixture(t, bctx)
	f.site = audioSite(t, f)
	tests := []struct {
		name string
		fn   func(t *testing.T, f *browserFixture)
	}{
		{"NothingFetchedBeforePlay", testAudioNothingBeforePlay},
		{"PlayFetchesOneSameOriginFile", testAudioPlay},
		{"ExitStopsPlaybackAndLeavesNoHistory", testAudioExit},
		{"PlaysWithoutJavaScript", testAudioNoJS},
		{"Axe", testAudioAxe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

// audioSite rebuilds the fixture's site with a 20-second recording of the
// English emergency section, encoded as `waymark audio import` encodes.
func audioSite(t *testing.T, f *browserFixture) *pages.Site {
	t.Helper()
	ffmpeg := realtools.Need(t, "ffmpeg", "ffmpeg")
	out := filepath.Join(t.TempDir(), "e.mp3")
	realtools.Run(t, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", "sine=frequency=330:duration=20",
		"-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "16k", out)
	mp3, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := f.cat.Locale("en")
	i := slices.IndexFunc(f.site.Sections, func(s audio.Section) bool { return s.Key == "emergency" })
	if i < 0 {
		t.Fatalf("the page has no emergency section to record (sections: %v)", f.site.Sections)
	}
	manifest := audio.FormatManifest("en", map[string]audio.Entry{"emergency": {
		File: "emergency.mp3", Text: audio.TextHash(en, f.site.Sections[i].IDs), Status: audio.StatusDraft}})
	set, err := audio.Load(lang.Layer{Name: "test", FS: fstest.MapFS{
		"audio/en/manifest.toml": {Data: manifest}, "audio/en/emergency.mp3": {Data: mp3}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := pages.BuildWithAudio(f.site.Config, f.cat, assets.FS(), set)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// audioEnv is a subtest's own server, recording each request's path and
// the response's headers.
type audioEnv struct {
	*browserEnv
	mu    sync.Mutex
	resps []audioResp
}

type audioResp struct {
	path, rangeHdr string
	status         int
	header         http.Header
}

type headerRecorder struct {
	http.ResponseWriter
	status int
}

func (h *headerRecorder) WriteHeader(code int) { h.status = code; h.ResponseWriter.WriteHeader(code) }

func newAudioEnv(t *testing.T, f *browserFixture) *audioEnv {
	t.Helper()
	e := &audioEnv{browserEnv: &browserEnv{browserFixture: f, oursLog: &requestLog{}, neutralSince: len(f.neutralLog.all())}}
	router := PublicRouter(NewPublic(f.site, PublicOptions{}))
	e.ours = httptest.NewServer(e.oursLog.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &headerRecorder{ResponseWriter: w, status: http.StatusOK}
		router.ServeHTTP(rec, r)
		e.mu.Lock()
		e.resps = append(e.resps, audioResp{path: r.URL.Path, rangeHdr: r.Header.Get("Range"), status: rec.status, header: w.Header().Clone()})
		e.mu.Unlock()
	})))
	t.Cleanup(e.ours.Close)
	return e
}

func (e *audioEnv) audioResps() []audioResp {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []audioResp
	for _, r := range e.resps {
		if strings.HasPrefix(r.path, "/audio/") {
			out = append(out, r)
		}
	}
	return out
}

// reportPause makes every pause() of a playing element say so on the
// console, at the moment of the call: a "pause" event is queued and may be
// lost when a same-origin navigation (the kiosk's reset) follows at once.
const reportPause = `(() => { const p = HTMLMediaElement.prototype.pause;
  HTMLMediaElement.prototype.pause = function () { if (!this.paused) console.log("audio paused"); return p.call(this); }; })()`

const audioSel = `document.querySelector("#l-emergency ~ audio")`

// openAudioPage opens the English venue page and returns the control's
// src, checking it is there, same-origin and not preloading.
func openAudioPage(t *testing.T, ctx context.Context, e *audioEnv) string {
	t.Helper()
	tabDo(t, ctx, "navigate to about:blank", chromedp.Navigate("about:blank"))
	tabDo(t, ctx, "open the venue page", chromedp.Navigate(e.ours.URL+"/K7Q2M/en"))
	if got := tabEvalString(t, ctx, audioSel+` ? `+audioSel+`.getAttribute("preload") + " " + `+audioSel+`.controls : "missing"`); got == "missing" {
		t.Fatal("the emergency section has no audio control")
	} else if got != "none true" {
		t.Errorf("the emergency section's audio control: %q, want preload=none with controls", got)
	}
	src := tabEvalString(t, ctx, audioSel+`.src`)
	if !strings.HasPrefix(src, e.ours.URL+"/audio/en/emergency.") || !strings.HasSuffix(src, ".mp3") {
		t.Fatalf("audio src %q, want a same-origin /audio/en/emergency.<hash>.mp3", src)
	}
	return src
}

// clickPlay presses the native control's play button with the mouse, as a
// person would: it is the first button at the start of the control.
func clickPlay(t *testing.T, ctx context.Context) {
	t.Helper()
	tabEvalVoid(t, ctx, audioSel+`.scrollIntoView({block: "center"})`)
	var rect struct{ X, Y, W, H float64 }
	rect = tabEvalJSON[struct{ X, Y, W, H float64 }](t, ctx, `(() => { const r = `+audioSel+`.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`)
	if rect.W < 100 || rect.H < 20 {
		t.Fatalf("audio control is %.0fx%.0f px: too small to press", rect.W, rect.H)
	}
	x, y := rect.X+24, rect.Y+rect.H/2
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: typ, X: x, Y: y, Button: input.MouseButtonLeft, ClickCount: 1}); err != nil {
			t.Fatalf("click play: %v", err)
		}
	}
}

// waitPlaying waits until the recording has played some of itself.
func waitPlaying(t *testing.T, ctx context.Context) {
	t.Helper()
	state := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(a => a.paused + " " + a.currentTime.toFixed(2) + " " + (a.error ? a.error.code : "-"))(`+audioSel+`)`))
		if err != nil {
			t.Fatalf("read the audio state: %v", err)
		}
		state = v
		var paused bool
		var at float64
		var errCode string
		fmt.Sscanf(v, "%t %f %s", &paused, &at, &errCode)
		if !paused && at > 0.2 {
			return
		}
	}
	t.Fatalf("the recording did not play (paused currentTime error = %s)", state)
}

func testAudioNothingBeforePlay(t *testing.T, f *browserFixture) {
	e := newAudioEnv(t, f)
	ctx := newBrowserTab(t, f.bctx)
	openAudioPage(t, ctx, e)
	// Open the section, scroll to it, and give the browser time to fetch
	// anything it would.
	tabEvalVoid(t, ctx, audioSel+`.scrollIntoView({block: "center"})`)
	time.Sleep(1500 * time.Millisecond)
	if got := e.oursLog.paths(); len(got) != 1 || got[0] != "/K7Q2M/en" {
		t.Errorf("before play our server saw %q, want only the page", got)
	}
	if n := len(e.neutralRequests()); n != 0 {
		t.Errorf("the neutral site got %d requests", n)
	}
}

func testAudioPlay(t *testing.T, f *browserFixture) {
	e := newAudioEnv(t, f)
	ctx := newBrowserTab(t, f.bctx)
	src := openAudioPage(t, ctx, e)
	clickPlay(t, ctx)
	waitPlaying(t, ctx)
	rs := e.audioResps()
	if len(rs) == 0 {
		t.Fatal("playing fetched nothing from our server")
	}
	want := strings.TrimPrefix(src, e.ours.URL)
	for _, r := range rs {
		if r.path != want {
			t.Errorf("play fetched %s, want only %s", r.path, want)
		}
		if r.status != http.StatusOK && r.status != http.StatusPartialContent {
			t.Errorf("%s (Range %q): status %d", r.path, r.rangeHdr, r.status)
		}
		for k, v := range publicHeaders {
			if got := r.header.Get(k); got != v[0] {
				t.Errorf("%s: %s = %q, want %q", r.path, k, got, v[0])
			}
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q lacks no-store", r.path, cc)
		}
		if ct := r.header.Get("Content-Type"); ct != "audio/mpeg" {
			t.Errorf("%s: Content-Type %q, want audio/mpeg", r.path, ct)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", r.path)
		}
	}
	for _, p := range e.oursLog.paths() {
		if p != "/K7Q2M/en" && p != want {
			t.Errorf("our server also saw %s", p)
		}
	}
	if n := len(e.neutralRequests()); n != 0 {
		t.Errorf("the neutral site got %d requests", n)
	}
}

func testAudioExit(t *testing.T, f *browserFixture) {
	e := newAudioEnv(t, f)
	ctx := newBrowserTab(t, f.bctx)
	openAudioPage(t, ctx, e)
	before := tabHistory(t, ctx)

	// The page reports on the console each pause of a playing recording
	// (reportPause), which DevTools reads even as the page goes: the exit
	// must stop the voice itself, before it leaves, not leave it to the
	// unload.
	paused := make(chan struct{}, 1)
	if err := chromedp.Listen(ctx, func(ev any) {
		if c, ok := ev.(*runtime.EventConsoleAPICalled); ok && len(c.Args) > 0 && string(c.Args[0].Value) == `"audio paused"` {
			select {
			case paused <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	clickPlay(t, ctx)
	waitPlaying(t, ctx)
	tabEvalVoid(t, ctx, reportPause)
	tabDo(t, ctx, "click the exit", chromedp.Click(chromedp.CSS("#exit")))
	e.waitLanded(t, ctx)
	select {
	case <-paused:
	case <-time.After(3 * time.Second):
		t.Error("the exit left without pausing the recording")
	}
	after := tabHistory(t, ctx)
	e.assertNoOwnEntries(t, after)
	if len(after.Entries) != len(before.Entries) {
		t.Errorf("the exit added a history entry: before %s, after %s", entryURLs(before), entryURLs(after))
	}
}

func testAudioNoJS(t *testing.T, f *browserFixture) {
	e := newAudioEnv(t, f)
	ctx := newBrowserTab(t, f.bctx)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	src := openAudioPage(t, ctx, e)
	root, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(root["class"], "js") {
		t.Fatalf("the page script ran although JavaScript is disabled (html class %q)", root["class"])
	}
	clickPlay(t, ctx)
	waitPlaying(t, ctx)
	if !e.oursLog.waitPath(strings.TrimPrefix(src, e.ours.URL), time.Second) {
		t.Error("playing without JavaScript fetched nothing")
	}
}

func testAudioAxe(t *testing.T, f *browserFixture) {
	src := axeSource(t)
	e := newAudioEnv(t, f)
	for _, path := range []string{"/K7Q2M/en", "/K7Q2M/kiosk/en"} {
		ctx := newBrowserTab(t, f.bctx)
		tabDo(t, ctx, "open "+path, chromedp.Navigate(e.ours.URL+path))
		if n := tabEvalInt(t, ctx, `document.querySelectorAll("audio[controls]").length`); n == 0 {
			t.Fatalf("%s has no audio control to check", path)
		}
		// Open every section, so axe sees the controls as a person would.
		tabEvalVoid(t, ctx, `document.querySelectorAll("details").forEach(d => d.open = true)`)
		axeInject(t, ctx, src)
		axeCheck(t, ctx)
	}
}

// On a kiosk (idle reset after 2 s here), a recording playing defers the
// reset, as a touch does; the exit, which on a kiosk resets to the start,
// stops it first.
func TestAudioKioskBrowser(t *testing.T) {
	bctx := startTestBrowser(t)
	f := newKioskFixture(t, bctx)
	f.site = audioSite(t, f)
	e := newAudioEnv(t, f)
	ctx := kioskTab(t, f)
	tabDo(t, ctx, "open the kiosk", chromedp.Navigate(e.ours.URL+"/K7Q2M/kiosk/en"))
	if n := tabEvalInt(t, ctx, `document.querySelectorAll("#l-emergency ~ audio[preload=none]").length`); n != 1 {
		t.Fatalf("the kiosk page has %d emergency audio controls, want 1", n)
	}
	paused := make(chan struct{}, 1)
	if err := chromedp.Listen(ctx, func(ev any) {
		if c, ok := ev.(*runtime.EventConsoleAPICalled); ok && len(c.Args) > 0 && string(c.Args[0].Value) == `"audio paused"` {
			select {
			case paused <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	clickPlay(t, ctx)
	waitPlaying(t, ctx)
	tabEvalVoid(t, ctx, reportPause)
	time.Sleep(kioskIdle + time.Second)
	if loc := tabLocation(t, ctx); loc != e.ours.URL+"/K7Q2M/kiosk/en" {
		t.Fatalf("the kiosk reset to %s while a recording played", loc)
	}
	if at := tabEvalString(t, ctx, audioSel+`.paused + " " + (`+audioSel+`.currentTime > 2)`); at != "false true" {
		t.Errorf("paused, past 2 s = %s; want still playing", at)
	}
	tabDo(t, ctx, "press the exit", chromedp.Click(chromedp.CSS("#exit")))
	waitTab(t, ctx, "the kiosk start", func(loc string) bool { return loc == e.ours.URL+"/K7Q2M/kiosk" })
	select {
	case <-paused:
	case <-time.After(3 * time.Second):
		t.Error("the kiosk reset without pausing the recording")
	}
}
