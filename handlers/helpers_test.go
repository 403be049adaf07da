package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

var (
	demoOnce sync.Once
	demoSite *pages.Site
	demoErr  error
)

// demo returns the embedded demo site, built once for all tests.
func demo(t testing.TB) *pages.Site {
	t.Helper()
	demoOnce.Do(func() {
		demoSite, demoErr = pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoSite
}

// syncBuffer is a log sink that tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newPublic returns the real public router with a debug logger writing to
// the returned buffer, so tests can read every log line.
func newPublic(t testing.TB, scanned func(string)) (http.Handler, *syncBuffer) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := NewPublic(demo(t), PublicOptions{Log: log, Scanned: scanned})
	return PublicRouter(p), logs
}

func get(t testing.TB, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func httpRequest(method, target string, header map[string]string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

type nopWriter struct{}

func (nopWriter) Header() http.Header         { return http.Header{} }
func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) WriteHeader(int)             {}
