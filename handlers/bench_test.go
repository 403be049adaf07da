package handlers

import (
	"time"

	"github.com/waymark/waymark/stats"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discard is a ResponseWriter that keeps nothing, so that benchmarks
// measure the handler and not the recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func benchPath(b *testing.B, path string, header map[string]string) {
	// Info level, as in production: the access log is a debug line.
	h := PublicRouter(NewPublic(demo(b), PublicOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// The warm path of a poster scan: a venue page, gzip, negotiated language.
func BenchmarkLandingGzip(b *testing.B) {
	benchPath(b, "/K7Q2M", map[string]string{"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "ar,en;q=0.8"})
}

func BenchmarkLandingPlain(b *testing.B) {
	benchPath(b, "/K7Q2M/ar", nil)
}

func BenchmarkGenericGzip(b *testing.B) {
	benchPath(b, "/", map[string]string{"Accept-Encoding": "gzip"})
}

func BenchmarkUnknownCode(b *testing.B) {
	benchPath(b, "/ZZZZ9", map[string]string{"Accept-Encoding": "gzip"})
}

// A long, hostile Accept-Language header is bounded work.
func BenchmarkLongAcceptLanguage(b *testing.B) {
	long := ""
	for i := 0; i < 60; i++ {
		long += "xx-YY;q=0.5, "
	}
	benchPath(b, "/K7Q2M", map[string]string{"Accept-Encoding": "gzip", "Accept-Language": long + "ar;q=0.1"})
}

// A poster scan on the warm path copies pre-rendered bytes and allocates
// nothing: no template, no compression, no parsing of a seen header.
func TestWarmLandingAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	// As `waymark serve` wires it: request metrics and scan counting on.
	st, err := stats.Open("")
	if err != nil {
		t.Fatal(err)
	}
	h := PublicRouter(NewPublic(demo(t), PublicOptions{
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics: NewMetrics(st),
		Scanned: func(code string) { st.Inc(code, time.Now()) },
	}))
	for _, path := range []string{"/K7Q2M", "/K7Q2M/ar", "/", "/ZZZZ9"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		req.Header.Set("Accept-Language", "ar,en;q=0.8")
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, req) // warm the negotiation cache
		if n := testing.AllocsPerRun(200, func() { clear(w.h); h.ServeHTTP(w, req) }); n > 0 {
			t.Errorf("%s: %.1f allocations per request, want 0", path, n)
		}
	}
}
