package crossengine

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/browser/engines"
)

// testPage logs every key event and click, and says whether its own
// scripts run.
const testPage = `<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>t</title></head>
<body style="margin:0"><button id="b" style="position:absolute;left:10px;top:10px;width:100px;height:50px">b</button>
<a id="next" href="/two">two</a>
<script>window.log = []; document.documentElement.className = "js";
for (const t of ["keydown", "keyup"]) addEventListener(t, e => log.push(t + ":" + e.key + (e.shiftKey ? "+shift" : "")));
document.getElementById("b").addEventListener("click", () => log.push("click"));</script></body></html>`

// TestDriver proves the layer under these tests (browser/engines) does in
// each engine what Page promises: the exact viewport, keys as a keyboard
// sends them, a click where asked, Back, scripts off, and a PNG
// screenshot. It lives here, not in browser/engines, so that it shares
// this binary's one browser per engine.
func TestDriver(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	}))
	defer srv.Close()
	engines.Each(t, func(t *testing.T, e engines.Engine) {
		p, err := e.NewPage(t.Context(), engines.Options{Width: 320, Height: 640})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if err := p.Navigate(srv.URL + "/one"); err != nil {
			t.Fatal(err)
		}
		var size [2]int
		if err := p.Eval(`[innerWidth, innerHeight]`, &size); err != nil {
			t.Fatal(err)
		}
		if size != [2]int{320, 640} {
			t.Errorf("viewport %v, want 320x640", size)
		}
		keys := append(engines.Press("Shift"), engines.With("Shift", "a")...)
		if err := p.Keys(keys...); err != nil {
			t.Fatal(err)
		}
		if err := p.Click(50, 30); err != nil {
			t.Fatal(err)
		}
		var log []string
		if err := p.Eval(`window.log`, &log); err != nil {
			t.Fatal(err)
		}
		want := "keydown:Shift+shift keyup:Shift keydown:Shift+shift keydown:A+shift keyup:A+shift keyup:Shift click"
		if got := strings.Join(log, " "); got != want {
			t.Errorf("events %q, want %q", got, want)
		}
		if err := p.Navigate(srv.URL + "/two"); err != nil {
			t.Fatal(err)
		}
		if err := p.Back(); err != nil {
			t.Fatal(err)
		}
		if u, err := engines.WaitDocument(p, 10*time.Second, func(u string) bool { return u == srv.URL+"/one" }); err != nil {
			t.Errorf("Back: %v (at %s)", err, u)
		}
		png, err := p.Screenshot()
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("screenshot: %v (%d bytes)", err, len(png))
		}

		q, err := e.NewPage(t.Context(), engines.Options{Width: 375, Height: 667, NoJS: true})
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		if err := q.Navigate(srv.URL + "/one"); err != nil {
			t.Fatal(err)
		}
		var st struct {
			Class string
			W     int
		}
		if err := q.Eval(`({Class: document.documentElement.className, W: innerWidth})`, &st); err != nil {
			t.Fatal(err)
		}
		if st.Class != "" || st.W != 375 {
			t.Errorf("without scripts: html class %q (want empty: the page script ran), width %d (want 375)", st.Class, st.W)
		}
	})
}
