// Package engines drives the three browser engines that phones run, so that
// one test can check the same page in each: Chromium (Android's browsers),
// WebKit (every iPhone browser) and Gecko (Firefox). Each engine is spoken to
// in the protocol it understands best on Debian without downloading
// anything: Chromium through the DevTools protocol (chromedp, as the rest of
// Waymark's browser tests), WebKit through W3C WebDriver (WebKitWebDriver
// on an Xvfb display, driving a tiny GTK program that holds one WebView, see
// webview.py), and Gecko through WebDriver BiDi, which firefox-esr speaks
// itself (firefox.go, over websocket.go, a small WebSocket client on the
// standard library).
//
// Need starts each engine once per test binary and decides what a missing
// one means: a skip naming the Debian package locally, a failure in CI.
//
// Every engine accepts any certificate: tests serve HTTPS from
// httptest.NewTLSServer, whose certificate no browser trusts.
//
// A Page is what every engine can do the same way: open an address, run a
// script expression, press and release keys, click at a point, go Back, and
// take a screenshot. Checks are written once against Page; the engine only
// decides how.
package engines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Names of the engines, as test names use them (TestExit/webkit).
const (
	Chromium = "chromium"
	WebKit   = "webkit"
	Firefox  = "firefox"
)

// All is every engine, in the order tests run them.
var All = []string{Chromium, WebKit, Firefox}

// Options say how a page starts.
type Options struct {
	Width, Height int  // CSS pixels of the viewport
	NoJS          bool // scripts of the page are off; Eval still works
}

// Engine is one running browser.
type Engine interface {
	Name() string
	// Version is the engine's product and version, for the test log and
	// the docs ("Firefox 153.8.0esr").
	Version() string
	// NewPage opens a fresh page (its own history, and where the engine
	// allows, its own cookie jar) at about:blank.
	NewPage(ctx context.Context, o Options) (Page, error)
	Close() error
}

// Page is one tab.
type Page interface {
	// Navigate starts loading url and returns once the new document has
	// been parsed (DOMContentLoaded), not waiting for the load event: an
	// <audio preload="none"> delays WebKit's load event by a second.
	Navigate(url string) error
	// URL is the address of the document shown now.
	URL() (string, error)
	// Eval runs a JavaScript expression (a Promise is awaited) and stores
	// its JSON value in out (nil: discard). It works with page scripts off.
	Eval(expr string, out any) error
	// Keys performs key presses and releases in order.
	Keys(keys ...Key) error
	// Click presses and releases the primary mouse button at a point of
	// the viewport (CSS pixels).
	Click(x, y float64) error
	// Back goes one step back in the tab's history, as the Back button
	// does, and returns without waiting for the page.
	Back() error
	// Screenshot is a PNG of the viewport.
	Screenshot() ([]byte, error)
	Close() error
}

// Key is one key going down or up. Name is "Shift" or a single character.
type Key struct {
	Name string
	Down bool
}

// Press is Name going down then up.
func Press(name string) []Key { return []Key{{name, true}, {name, false}} }

// With is mod held while keys are pressed: Shift+A is With("Shift", "a").
func With(mod string, keys ...string) []Key {
	out := []Key{{mod, true}}
	for _, k := range keys {
		out = append(out, Press(k)...)
	}
	return append(out, Key{mod, false})
}

// webdriverKey is the W3C WebDriver code of a key name.
func webdriverKey(name string) string {
	if name == "Shift" {
		return "\uE008"
	}
	return name
}

// Missing is what Start returns when an engine's Debian package is not
// installed; the message names the package.
type Missing struct{ Engine, Package string }

func (m *Missing) Error() string {
	return fmt.Sprintf("%s is not installed: apt-get install %s", m.Engine, m.Package)
}

// Packages are the Debian packages each engine needs here.
var Packages = map[string]string{
	Chromium: "chromium",
	WebKit:   "webkit2gtk-driver xvfb python3-gi gir1.2-webkit2-4.1",
	Firefox:  "firefox-esr",
}

// Start starts the named engine. A missing program is a *Missing error.
func Start(ctx context.Context, name string) (Engine, error) {
	switch name {
	case Chromium:
		return startChromium(ctx)
	case WebKit:
		return startWebKit(ctx)
	case Firefox:
		return startFirefox(ctx)
	}
	return nil, fmt.Errorf("unknown engine %q", name)
}

// IsMissing reports whether err says the engine is not installed.
func IsMissing(err error) bool {
	var m *Missing
	return errors.As(err, &m)
}

func lookPath(engine string, names ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", &Missing{engine, Packages[engine]}
}

// WaitDocument waits until p shows a parsed document whose address
// satisfies ok (nil: any address but about:blank), for at most d. Engines
// whose Navigate or Back returns before the page arrives use it; tests use
// it after an action that navigates (a click, three Shifts).
func WaitDocument(p Page, d time.Duration, ok func(url string) bool) (string, error) {
	deadline := time.Now().Add(d)
	var last, lastErr string
	for {
		var st struct{ URL, State string }
		err := p.Eval(`({URL: location.href, State: document.readyState})`, &st)
		if err == nil {
			last = st.URL
			good := st.URL != "about:blank"
			if ok != nil {
				good = ok(st.URL)
			}
			if good && st.State != "loading" {
				return st.URL, nil
			}
		} else {
			lastErr = err.Error()
		}
		if time.Now().After(deadline) {
			if lastErr != "" && last == "" {
				return "", fmt.Errorf("no document after %v: %s", d, lastErr)
			}
			return last, fmt.Errorf("still at %q after %v", last, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func decodeJSON(raw []byte, out any) error {
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// wrapJSON turns an expression into one whose value is its JSON text, so
// that every engine returns a plain string however it encodes values.
func wrapJSON(expr string) string {
	return "(async () => { const v = await (" + expr + "\n); return v === undefined ? \"null\" : JSON.stringify(v); })()"
}

// wrapJSONSync is wrapJSON for a realm that runs no promise jobs (Firefox
// with scripts off): expr must not be a Promise.
func wrapJSONSync(expr string) string {
	return "(() => { const v = (" + expr + "\n); return v === undefined ? \"null\" : JSON.stringify(v); })()"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tempDir(prefix string) (string, error) { return os.MkdirTemp("", prefix) }
