package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// leakRE matches what a Go panic or stack trace puts in a body: a panic
// value, a goroutine header, a source position or a runtime error.
var leakRE = regexp.MustCompile(`panic:|goroutine \d|\.go:\d+|runtime error|runtime/debug`)

// leak returns what leakRE finds in b, searching for the fixed strings
// first: the fuzzer calls it on every page.
func leak(b []byte) string {
	for _, s := range []string{"panic:", "goroutine ", ".go:", "runtime error", "runtime/debug"} {
		if bytes.Contains(b, []byte(s)) {
			return leakRE.FindString(string(b))
		}
	}
	return ""
}

// checkHostile asserts what every answer to a hostile request must hold:
// no server fault (a 5xx, or the error handler's logged fault that it
// turns into a 200), the full header set, nothing that leaks internals,
// no cookie, and nothing from the request's Host or forwarding headers.
func checkHostile(t *testing.T, rec *httptest.ResponseRecorder, logs string) {
	t.Helper()
	if rec.Code >= 500 || rec.Code < 200 {
		t.Errorf("status %d", rec.Code)
	}
	assertPrivacyHeaders(t, rec.Header())
	if v := rec.Header().Values("Set-Cookie"); len(v) > 0 {
		t.Errorf("Set-Cookie %q", v)
	}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			if strings.ContainsAny(k+v, "\r\n\x00") {
				t.Errorf("header %q: %q holds a control character", k, v)
			}
		}
	}
	body := rec.Body.String()
	if m := leak([]byte(body)); m != "" {
		t.Errorf("body leaks %q", m)
	}
	if strings.Contains(body, "evil.example") || strings.Contains(body, "Set-Cookie") {
		t.Error("body echoes the request's hostile input")
	}
	// The error handler serves a 200 help page for a server fault and logs
	// it: a hostile request must never be one.
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("server fault logged:\n%s", logs)
	}
}

func TestHostileRequests(t *testing.T) {
	long := strings.Repeat("K7Q2M", 2000)
	tests := []struct {
		name   string
		method string
		target string
		header map[string]string
		status int // 0: any non-5xx
	}{
		// Path traversal, plain and encoded.
		{"dotdot", "GET", "/../", nil, 404},
		{"dotdot passwd", "GET", "/../../../../etc/passwd", nil, 404},
		{"encoded dotdot", "GET", "/%2e%2e/", nil, 404},
		{"encoded dotdot passwd", "GET", "/%2e%2e/%2e%2e/etc/passwd", nil, 404},
		{"double encoded dotdot", "GET", "/%252e%252e/", nil, 404},
		{"double encoded passwd", "GET", "/%252e%252e/%252e%252e/etc/passwd", nil, 404},
		{"encoded slash", "GET", "/..%2f..%2fetc%2fpasswd", nil, 404},
		{"backslash", "GET", "/..%5c..%5cwindows%5cwin.ini", nil, 404},
		{"kiosk dotdot", "GET", "/K7Q2M/kiosk/../../x", nil, 404},
		{"kiosk encoded dotdot", "GET", "/K7Q2M/kiosk/%2e%2e/%2e%2e/x", nil, 404},
		{"lang dotdot", "GET", "/K7Q2M/../../../etc/passwd", nil, 404},
		{"dot segments", "GET", "/./K7Q2M/./ar", nil, 404},
		{"double slash", "GET", "//K7Q2M", nil, 0},
		{"double slash lang", "GET", "/K7Q2M//ar", nil, 0},
		{"trailing slash", "GET", "/K7Q2M/ar/", nil, 0},
		{"kiosk trailing slash", "GET", "/K7Q2M/kiosk/", nil, 0},

		// NUL bytes and invalid UTF-8.
		{"nul after code", "GET", "/K7Q2M%00", nil, 404},
		{"nul alone", "GET", "/%00", nil, 404},
		{"nul in lang", "GET", "/K7Q2M/ar%00", nil, 404},
		{"nul in kiosk lang", "GET", "/K7Q2M/kiosk/%00", nil, 404},
		{"invalid utf-8", "GET", "/%ff", nil, 404},
		{"invalid utf-8 lang", "GET", "/K7Q2M/%c3%28", nil, 404},
		{"invalid utf-8 kiosk", "GET", "/K7Q2M/kiosk/%c3%28", nil, 404},
		{"overlong utf-8 slash", "GET", "/%c0%af..%c0%afetc", nil, 404},

		// CRLF injection.
		{"crlf in query", "GET", "/?x=%0d%0aSet-Cookie:%20a=b", nil, 200},
		{"crlf in venue query", "GET", "/K7Q2M?x=%0d%0aSet-Cookie:%20a=b", nil, 200},
		{"crlf in path", "GET", "/K7Q2M%0d%0aSet-Cookie:%20a=b", nil, 404},
		{"crlf in lang", "GET", "/K7Q2M/%0d%0aSet-Cookie:%20a=b", nil, 404},

		// Oversized and odd headers.
		{"huge accept-language", "GET", "/K7Q2M", map[string]string{"Accept-Language": strings.Repeat("a", 100<<10)}, 200},
		{"huge accept-language list", "GET", "/K7Q2M", map[string]string{"Accept-Language": strings.Repeat("ar-SA-u-nu-latn;q=0.9,", 5000)}, 200},
		{"accept-language q garbage", "GET", "/K7Q2M", map[string]string{"Accept-Language": "ar;q=NaN, en;q=1e999, *;q=-1"}, 200},
		{"accept-language private use", "GET", "/K7Q2M", map[string]string{"Accept-Language": "x-evil-example, i-klingon, und"}, 200},
		{"huge accept-encoding", "GET", "/K7Q2M", map[string]string{"Accept-Encoding": strings.Repeat("gzip;q=0.5, ", 10000)}, 200},
		{"accept-encoding q garbage", "GET", "/K7Q2M", map[string]string{"Accept-Encoding": "gzip;q=;q=0.;q=abc"}, 200},

		// Host and forwarding headers: nothing may echo them.
		{"forwarded host", "GET", "/K7Q2M", map[string]string{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "Forwarded": "host=evil.example;proto=https"}, 200},
		{"forwarded host kiosk", "GET", "/K7Q2M/kiosk", map[string]string{"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}, 200},
		{"forwarded host kiosk lang", "GET", "/K7Q2M/kiosk/ar", map[string]string{"X-Forwarded-Host": "evil.example", "X-Original-URL": "/evil.example"}, 200},
		{"forwarded host unknown", "GET", "/ZZZZ9", map[string]string{"X-Forwarded-Host": "evil.example", "X-Rewrite-URL": "/evil.example"}, 404},

		// Very long code-like paths.
		{"long code", "GET", "/" + long, nil, 404},
		{"long code lang", "GET", "/K7Q2M/" + long, nil, 404},
		{"long code kiosk", "GET", "/" + long + "/kiosk", nil, 404},
		{"long kiosk lang", "GET", "/K7Q2M/kiosk/" + long, nil, 404},
		{"long hyphens", "GET", "/" + strings.Repeat("-", 10000) + "K7Q2M", nil, 404},
		{"hyphenated code", "GET", "/K-7-Q-2-M", nil, 200},
		{"code 13 chars", "GET", "/K7Q2MK7Q2MK7Q", nil, 404},
		{"many segments", "GET", strings.Repeat("/K7Q2M", 2000), nil, 404},
		{"long query", "GET", "/K7Q2M?" + strings.Repeat("a=b&", 20000), nil, 200},

		// Methods other than GET and HEAD are tested below; HEAD here.
		{"head hostile", "HEAD", "/%2e%2e/%00", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, logs := newPublic(t, nil)
			rec := get(t, h, tt.method, tt.target, tt.header)
			if tt.status != 0 && rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			checkHostile(t, rec, logs.String())
			if tt.method == "GET" && rec.Body.Len() == 0 {
				t.Error("empty body: every answer must be the help page")
			}
		})
	}
}

// A header value with CR or LF never reaches a handler through net/http,
// but a proxy or an HTTP/2 front end could pass odd bytes: set them through
// the header map directly, where http.NewRequest cannot refuse them.
func TestHostileHeaderValues(t *testing.T) {
	values := []string{
		"ar\r\nSet-Cookie: a=b",
		"ar\nX-Injected: 1",
		"\r\n\r\n<script>alert(1)</script>",
		"ar\x00en",
		"\xff\xfe\xfd",
		"evil.example\r\nLocation: https://evil.example/",
	}
	for _, v := range values {
		for _, path := range []string{"/", "/K7Q2M", "/K7Q2M/kiosk", "/ZZZZ9"} {
			h, logs := newPublic(t, nil)
			req := httptest.NewRequest("GET", path, nil)
			req.Header["Accept-Language"] = []string{v}
			req.Header["Accept-Encoding"] = []string{v}
			req.Header["X-Forwarded-Host"] = []string{v}
			req.Header["Cookie"] = []string{v}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			t.Run(path, func(t *testing.T) { checkHostile(t, rec, logs.String()) })
		}
	}
}

// The Host header is the client's to choose; pages, links and the kiosk's
// QR code use the configured base URL only.
func TestHostileHostHeader(t *testing.T) {
	const base = "https://help.waymark.example"
	for _, host := range []string{"evil.example", "evil.example:443", "localhost@evil.example", "[::1]", "evil.example\t"} {
		for _, path := range []string{"/", "/K7Q2M", "/K7Q2M/ar", "/K7Q2M/kiosk", "/K7Q2M/kiosk/ar", "/ZZZZ9", "/ar"} {
			logs := &syncBuffer{}
			p := NewPublic(demo(t), PublicOptions{Log: newTestLogger(logs), BaseURL: base})
			h := PublicRouter(p)
			req := httptest.NewRequest("GET", path, nil)
			req.Host = host
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "http")
			req.Header.Set("Forwarded", "for=1.2.3.4;host=evil.example;proto=http")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			t.Run(host+path, func(t *testing.T) {
				checkHostile(t, rec, logs.String())
				if strings.Contains(path, "kiosk") {
					if rec.Code != 200 {
						t.Fatalf("status %d", rec.Code)
					}
					if !strings.Contains(rec.Body.String(), "help.waymark.example/K7Q2M") {
						t.Error("kiosk page lacks the configured base URL")
					}
				}
			})
		}
	}
}

// Every method but GET and HEAD gets 405, Allow and the full header set,
// on every route shape, known or not.
func TestHostileMethods(t *testing.T) {
	methods := []string{"PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "get", "FOO", "BREW"}
	paths := []string{"/", "/K7Q2M", "/K7Q2M/ar", "/K7Q2M/kiosk", "/K7Q2M/kiosk/ar", "/ZZZZ9", "/a/b/c/d", "/%2e%2e/%00"}
	for _, m := range methods {
		for _, path := range paths {
			t.Run(m+path, func(t *testing.T) {
				h, logs := newPublic(t, nil)
				rec := get(t, h, m, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
				if rec.Code != http.StatusMethodNotAllowed {
					t.Errorf("status %d, want 405", rec.Code)
				}
				if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q, want \"GET, HEAD\"", got)
				}
				checkHostile(t, rec, logs.String())
			})
		}
	}
	// The asterisk form and CONNECT's authority form.
	for _, c := range []struct{ method, target string }{{"OPTIONS", "*"}, {"CONNECT", "evil.example:443"}} {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			h, logs := newPublic(t, nil)
			rec := get(t, h, c.method, c.target, nil)
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("status %d, want 405", rec.Code)
			}
			if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
				t.Errorf("Allow = %q, want \"GET, HEAD\"", got)
			}
			checkHostile(t, rec, logs.String())
		})
	}
}

func newTestLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
