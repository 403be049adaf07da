package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// faultCounter is a log handler that counts records at level ERROR: the
// public error handler turns a server fault (a panic included) into the
// help page with status 200 and logs it, so the log is where a fault shows.
type faultCounter struct {
	n    atomic.Int64
	mu   sync.Mutex
	last string
}

func (f *faultCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (f *faultCounter) Handle(_ context.Context, r slog.Record) error {
	f.n.Add(1)
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	f.mu.Lock()
	f.last = b.String()
	f.mu.Unlock()
	return nil
}
func (f *faultCounter) WithAttrs([]slog.Attr) slog.Handler { return f }
func (f *faultCounter) WithGroup(string) slog.Handler      { return f }

var fuzzMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"}

// validFieldValue reports whether net/http's server would pass a header
// value to a handler: no control characters but tab.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzRouter sends arbitrary requests through the real public router. pick
// chooses a method from fuzzMethods, or the arbitrary method when past it.
func FuzzRouter(f *testing.F) {
	f.Add(uint8(0), "", "/K7Q2M", "ar", "gzip", "localhost")
	f.Add(uint8(1), "", "/K7Q2M/ar", "", "", "")
	f.Add(uint8(0), "", "/N3VB7/kiosk/zh-Hans", "zh-Hans-CN;q=0.8, *;q=0.1", "gzip;q=0", "evil.example")
	f.Add(uint8(0), "", "/%2e%2e/%00?x=%0d%0a", strings.Repeat("ti,", 50), "*", "")
	f.Add(uint8(2), "", "/K7Q2M", "", "", "")
	f.Add(uint8(200), "BREW", "/", "", "", "")
	f.Add(uint8(0), "", "/k-7-q-2-m/AR", "fa-AF", "deflate, gzip;q=0.001", "[::1]:80")

	counter := &faultCounter{}
	p := NewPublic(demo(f), PublicOptions{Log: slog.New(counter), BaseURL: "https://help.waymark.example"})
	h := PublicRouter(p)

	f.Fuzz(func(t *testing.T, pick uint8, method, path, acceptLanguage, acceptEncoding, host string) {
		if int(pick) < len(fuzzMethods) {
			method = fuzzMethods[pick]
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://localhost"+path, nil)
		if err != nil {
			return // not a request a client can send
		}
		method = req.Method // "" means GET
		for _, v := range []string{acceptLanguage, acceptEncoding, host} {
			if !validFieldValue(v) {
				return // net/http answers 400 before any handler runs
			}
		}
		req.Header.Set("Accept-Language", acceptLanguage)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		if host != "" {
			req.Host = host
		}
		req.RequestURI = req.URL.RequestURI()

		before := counter.n.Load()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 || rec.Code < 200 {
			t.Fatalf("%s %q: status %d", method, path, rec.Code)
		}
		if counter.n.Load() != before {
			counter.mu.Lock()
			last := counter.last
			counter.mu.Unlock()
			t.Fatalf("%s %q: server fault logged: %s", method, path, last)
		}
		assertPrivacyHeaders(t, rec.Header())
		body := rec.Body.Bytes()
		if m := leak(body); m != "" {
			t.Fatalf("%s %q: body leaks %q", method, path, m)
		}
		if host != "" && len(host) > 3 && bytes.Contains(body, []byte(host)) && !bytes.Contains(demoBodies(t), []byte(host)) {
			t.Fatalf("%s %q: body echoes Host %q", method, path, host)
		}
		switch method {
		case "GET", "HEAD":
		default:
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Fatalf("%s %q: status %d, Allow %q; want 405 and GET, HEAD", method, path, rec.Code, rec.Header().Get("Allow"))
			}
			return
		}
		if cl := rec.Header().Get("Content-Length"); cl != "" && method == "GET" {
			if n, err := strconv.Atoi(cl); err != nil || n != len(body) {
				t.Fatalf("%s %q: Content-Length %q, body %d bytes", method, path, cl, len(body))
			}
		}
		if method == "HEAD" {
			if len(body) != 0 {
				t.Fatalf("HEAD %q: %d bytes of body", path, len(body))
			}
			return
		}
		if len(body) == 0 {
			t.Fatalf("GET %q: empty body", path)
		}
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("GET %q: gzip header: %v", path, err)
			}
			plain, err := io.ReadAll(zr) // checks CRC-32 and length
			if err != nil {
				t.Fatalf("GET %q: gzip body: %v", path, err)
			}
			body = plain
		}
		if b := bytes.TrimSpace(body); len(b) < 15 || !bytes.EqualFold(b[:15], []byte("<!doctype html>")) {
			t.Fatalf("GET %q: not an HTML page: %.80q", path, body)
		}
	})
}

var (
	demoBodiesOnce sync.Once
	demoBodiesText []byte
)

// demoBodies is every generic page, so that a Host value that is also
// ordinary page text ("html", "Shift") is not mistaken for an echo.
func demoBodies(t testing.TB) []byte {
	demoBodiesOnce.Do(func() {
		h, _ := newPublic(t, nil)
		var b bytes.Buffer
		for _, path := range []string{"/", "/K7Q2M", "/K7Q2M/kiosk"} {
			b.Write(get(t, h, "GET", path, nil).Body.Bytes())
			for _, l := range demo(t).Config.Languages {
				b.Write(get(t, h, "GET", strings.TrimSuffix(path, "/")+"/"+l, nil).Body.Bytes())
			}
		}
		demoBodiesText = b.Bytes()
	})
	return demoBodiesText
}
