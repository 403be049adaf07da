package crossengine

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/browser/engines"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

func TestMain(m *testing.M) {
	code := m.Run()
	// The suite's cost per engine, for whoever watches CI's clock.
	spent := engines.Spent()
	for _, name := range engines.All {
		if d, ok := spent[name]; ok {
			fmt.Printf("crossengine: %s %v\n", name, d.Round(time.Second))
		}
	}
	engines.CloseAll()
	os.Exit(code)
}

// ---- the sites ----

// fixture is the demo site with every region's exit_url pointing at a
// local "neutral site" standing in for the weather page a deployment
// names, and the kiosk venue K7Q2M resetting after 2 s on the kiosk site.
type fixture struct {
	cat        *lang.Catalog
	site       *pages.Site // the demo, as a phone sees it
	kiosk      *pages.Site // K7Q2M a kiosk that resets after kioskIdle
	neutral    *httptest.Server
	neutralLog *requestLog
}

const kioskIdle = 2 * time.Second

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
	exitURLRE   = regexp.MustCompile(`(?m)^exit_url = "[^"]*"$`)
)

// neutralPage is any page of the neutral site; Back lands on /start.
const neutralPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Weather</title></head><body><p id="neutral">Sunny spells.</p></body></html>`

// getFixture builds the sites once per test binary.
func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return theFixture
}

func buildFixture() (*fixture, error) {
	cat, err := lang.Load(locales.FS())
	if err != nil {
		return nil, err
	}
	f := &fixture{cat: cat, neutralLog: &requestLog{}}
	f.neutral = httptest.NewTLSServer(f.neutralLog.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, neutralPage)
	})))
	build := func(name, toml string) (*pages.Site, error) {
		n := 0
		toml = exitURLRE.ReplaceAllStringFunc(toml, func(string) string {
			n++
			return fmt.Sprintf(`exit_url = "%s/weather/%d"`, f.neutral.URL, n)
		})
		if n == 0 {
			return nil, fmt.Errorf("the demo config has no exit_url line to replace")
		}
		cfg, err := site.Parse(name, []byte(toml), cat)
		if err != nil {
			return nil, err
		}
		return pages.Build(cfg, cat, assets.FS())
	}
	demo := string(site.DemoTOML())
	if f.site, err = build("crossengine.toml", demo); err != nil {
		return nil, err
	}
	line := `code = "K7Q2M"`
	if strings.Count(demo, line) != 1 {
		return nil, fmt.Errorf("the demo config does not have exactly one %s", line)
	}
	kiosk := strings.Replace(demo, line, line+fmt.Sprintf("\nkiosk_idle = %d", kioskIdle/time.Second), 1)
	if f.kiosk, err = build("crossengine-kiosk.toml", kiosk); err != nil {
		return nil, err
	}
	return f, nil
}

// withAudio is the demo site with a 20-second recording of the English
// emergency section, encoded as `waymark audio import` encodes.
func (f *fixture) withAudio(t *testing.T) *pages.Site {
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

// env is one check's own Waymark server (so it reads only its own log)
// and the neutral-site requests made since the check began.
type env struct {
	*fixture
	ours         *httptest.Server
	oursLog      *requestLog
	neutralSince int
}

func newEnv(t *testing.T, f *fixture, s *pages.Site) *env {
	t.Helper()
	e := &env{fixture: f, oursLog: &requestLog{}, neutralSince: len(f.neutralLog.all())}
	e.ours = httptest.NewServer(e.oursLog.wrap(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{}))))
	t.Cleanup(e.ours.Close)
	return e
}

func (e *env) isOurs(u string) bool { return strings.HasPrefix(u, e.ours.URL+"/") || u == e.ours.URL }

func (e *env) isNeutralExit(u string) bool { return strings.HasPrefix(u, e.neutral.URL+"/weather/") }

// start is the neutral page a test opens before ours: where Back must land.
func (e *env) start() string { return e.neutral.URL + "/start" }

func (e *env) neutralRequests() []loggedRequest { return e.neutralLog.all()[e.neutralSince:] }

// assertNoReferer checks that the neutral site got the exit with no
// Referer at all (not even our origin).
func (e *env) assertNoReferer(t *testing.T) {
	t.Helper()
	got := false
	for _, r := range e.neutralRequests() {
		if strings.HasPrefix(r.path, "/weather/") {
			got = true
			if r.referer != "" {
				t.Errorf("the neutral site got %s with Referer %q, want none", r.path, r.referer)
			}
		}
	}
	if !got {
		t.Errorf("the neutral site never got the exit (saw %v)", e.neutralRequests())
	}
}

// ---- request logs ----

type loggedRequest struct{ path, referer string }

type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.reqs = append(l.reqs, loggedRequest{r.URL.Path, r.Header.Get("Referer")})
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) all() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

func (l *requestLog) paths(prefix string) []string {
	var p []string
	for _, r := range l.all() {
		if strings.HasPrefix(r.path, prefix) {
			p = append(p, r.path)
		}
	}
	return p
}

// ---- pages ----

// viewport is a phone's CSS size.
type viewport struct{ w, h int }

func (v viewport) String() string { return fmt.Sprintf("%dx%d", v.w, v.h) }

// phones are the narrowest phone still sold and the most common small one.
var phones = []viewport{{320, 640}, {375, 667}}

// tab is one engine page in a test: every action fails the test with
// what it was doing, and a failed test keeps a screenshot.
type tab struct {
	t *testing.T
	p engines.Page
	e engines.Engine
}

// artefactDir is where a failed test leaves its screenshots:
// $WAYMARK_ARTEFACTS, or waymark-artefacts in the temporary directory.
func artefactDir() string {
	if d := os.Getenv("WAYMARK_ARTEFACTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "waymark-artefacts")
}

func openTab(t *testing.T, e engines.Engine, vp viewport, noJS bool) *tab {
	t.Helper()
	start := time.Now()
	p, err := e.NewPage(t.Context(), engines.Options{Width: vp.w, Height: vp.h, NoJS: noJS})
	if err != nil {
		t.Fatalf("new %s page: %v", e.Name(), err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Logf("slow: a new page took %v", d.Round(100*time.Millisecond))
	}
	t.Cleanup(func() { p.Close() })
	b := &tab{t: t, p: p, e: e}
	b.screenshotOnFailure(t)
	return b
}

// screenshotOnFailure keeps a screenshot of the tab if t fails. For the
// test that opened the tab it is registered after Close, so it runs
// before it: the page is still there.
func (b *tab) screenshotOnFailure(t *testing.T) {
	p := b.p
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		png, err := p.Screenshot()
		if err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".png"
		dir := artefactDir()
		if err := os.MkdirAll(dir, 0o755); err == nil {
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err == nil {
				t.Logf("screenshot: %s", filepath.Join(dir, name))
			}
		}
	})
}

// slow logs a step that took over 3 s: on two shared cores the suite's
// time goes somewhere, and the log should say where.
func (b *tab) slow(what string, start time.Time) {
	if d := time.Since(start); d > 3*time.Second {
		b.t.Logf("slow: %s took %v", what, d.Round(100*time.Millisecond))
	}
}

func (b *tab) open(url string) {
	b.t.Helper()
	defer b.slow("open "+url, time.Now())
	if err := b.p.Navigate(url); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
}

func (b *tab) eval(expr string, out any) {
	b.t.Helper()
	var err error
	for try := 0; try < 3; try++ {
		if err = b.p.Eval(expr, out); err == nil || !navigating(err) {
			break
		}
		// The page was replaced under the script (a kiosk's idle reset
		// on a busy machine): ask the new one.
		time.Sleep(300 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("evaluate %.120s: %v", expr, err)
	}
}

// navigating reports whether an evaluation failed because the document
// went away while it ran, as each engine words it.
func navigating(err error) bool {
	s := err.Error()
	for _, m := range []string{"unload", "no such frame", "context was destroyed", "Execution context", "discarded", "navigat"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func (b *tab) str(expr string) string {
	b.t.Helper()
	var s string
	b.eval(expr, &s)
	return s
}

func (b *tab) num(expr string) float64 {
	b.t.Helper()
	var n float64
	b.eval(expr, &n)
	return n
}

func (b *tab) keys(k ...engines.Key) {
	b.t.Helper()
	if err := b.p.Keys(k...); err != nil {
		b.t.Fatalf("keys: %v", err)
	}
}

type rect struct{ X, Y, W, H float64 }

// rectOf is the element's box in the viewport; scroll brings it to the
// middle first.
func (b *tab) rectOf(sel string, scroll bool) rect {
	b.t.Helper()
	var r *rect
	s := "false"
	if scroll {
		s = "true"
	}
	b.eval(`(() => { const el = document.querySelector(`+jsString(sel)+`); if (!el) return null;
  if (`+s+`) el.scrollIntoView({block: "center", inline: "center"});
  const r = el.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`, &r)
	if r == nil {
		b.t.Fatalf("no %s on %s", sel, b.url())
	}
	return *r
}

// click presses the mouse in the middle of the element, as a person taps
// it (the engine's own input, not a script's click()).
func (b *tab) click(sel string, scroll bool) {
	b.t.Helper()
	r := b.rectOf(sel, scroll)
	if r.W < 1 || r.H < 1 {
		b.t.Fatalf("%s is %.0fx%.0f px: nothing to click", sel, r.W, r.H)
	}
	if err := b.p.Click(r.X+r.W/2, r.Y+r.H/2); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func (b *tab) url() string {
	u, err := b.p.URL()
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return u
}

// waitURL waits for a parsed document whose address satisfies ok.
func (b *tab) waitURL(what string, ok func(string) bool) string {
	b.t.Helper()
	defer b.slow("waiting for "+what, time.Now())
	u, err := engines.WaitDocument(b.p, 15*time.Second, ok)
	if err != nil {
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
	return u
}

// back goes Back and returns the address shown once the page is there
// (or, if nothing changes within wait, where the tab stayed). The engines
// differ when there is nothing to go back to: an error, or nothing.
func (b *tab) back(wait time.Duration) string {
	b.t.Helper()
	defer b.slow("Back", time.Now())
	before := b.url()
	b.p.Back()
	u, _ := engines.WaitDocument(b.p, wait, func(u string) bool { return u != before })
	return u
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
