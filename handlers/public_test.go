package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var langRE = regexp.MustCompile(`<html lang="([^"]+)" dir="([^"]+)">`)

func TestPublicRoutes(t *testing.T) {
	h, _ := newPublic(t, nil)
	tests := []struct {
		name     string
		method   string
		path     string
		header   map[string]string
		status   int
		lang     string
		dir      string
		contains string
	}{
		{"home", "GET", "/", nil, 200, "en", "ltr", "08000 121 700"},
		{"venue", "GET", "/K7Q2M", nil, 200, "en", "ltr", `href="/K7Q2M/ar"`},
		{"venue lower case", "GET", "/k7q2m", nil, 200, "en", "ltr", `href="/K7Q2M/ar"`},
		{"venue with O for 0", "GET", "/H9XD2", nil, 200, "nl", "ltr", "033 448 11 86"},
		{"venue first language", "GET", "/N3VB7", nil, 200, "nl", "ltr", "Reisinformatie"},
		{"venue language", "GET", "/K7Q2M/ar", nil, 200, "ar", "rtl", `href="tel:999"`},
		{"venue language upper", "GET", "/K7Q2M/AR", nil, 200, "ar", "rtl", ""},
		{"path beats header", "GET", "/K7Q2M/ar", map[string]string{"Accept-Language": "nl"}, 200, "ar", "rtl", ""},
		{"accept-language", "GET", "/K7Q2M", map[string]string{"Accept-Language": "ti;q=0.1, ar;q=0.9"}, 200, "ar", "rtl", ""},
		{"accept-language ru", "GET", "/S5FJ3", map[string]string{"Accept-Language": "ru"}, 200, "en", "ltr", "1-888-373-7888"},
		{"generic in a language", "GET", "/fa", nil, 200, "fa", "rtl", `href="/ar"`},
		// Typed slips reach the venue, in its own country (S5FJ3 is in the
		// US; the default region is the UK).
		{"slip slash", "GET", "/S5FJ3/", nil, 200, "en", "ltr", "1-888-373-7888"},
		{"slip full stop", "GET", "/S5FJ3.", nil, 200, "en", "ltr", "1-888-373-7888"},
		{"slip comma", "GET", "/S5FJ3,", nil, 200, "en", "ltr", "1-888-373-7888"},
		{"slip lower case and full stop", "GET", "/s5fj3.", nil, 200, "en", "ltr", "1-888-373-7888"},
		{"slip language slash", "GET", "/S5FJ3/es/", nil, 200, "es", "ltr", "1-888-373-7888"},
		{"slip generic language slash", "GET", "/ar/", nil, 200, "ar", "rtl", "08000 121 700"},
		{"unknown code", "GET", "/ZZZZ9", nil, 404, "en", "ltr", "08000 121 700"},
		{"unknown code language", "GET", "/ZZZZ9/vi", nil, 404, "vi", "ltr", "08000 121 700"},
		{"unknown language", "GET", "/K7Q2M/xx", nil, 404, "en", "ltr", "08000 121 700"},
		{"deep path", "GET", "/a/b/c/d", nil, 404, "en", "ltr", "08000 121 700"},
		{"traversal", "GET", "/../../etc/passwd", nil, 404, "en", "ltr", "08000 121 700"},
		{"encoded traversal", "GET", "/%2e%2e/%2e%2e/etc", nil, 404, "en", "ltr", ""},
		{"nul", "GET", "/K7Q2M%00", nil, 404, "en", "ltr", ""},
		{"invalid utf-8", "GET", "/%ff%fe", nil, 404, "en", "ltr", ""},
		{"garbage accept-language", "GET", "/", map[string]string{"Accept-Language": "garbage!!"}, 200, "en", "ltr", ""},
		{"huge accept-language", "GET", "/", map[string]string{"Accept-Language": strings.Repeat("xx-YY;q=0.5, ", 1000)}, 200, "en", "ltr", ""},
		{"head", "HEAD", "/K7Q2M", nil, 200, "", "", ""},
		{"post", "POST", "/K7Q2M", nil, 405, "", "", ""},
		{"delete", "DELETE", "/", nil, 405, "", "", ""},
		{"options", "OPTIONS", "/", nil, 405, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.method, tt.path, tt.header)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			assertPrivacyHeaders(t, rec.Header())
			body := rec.Body.String()
			if tt.method == "HEAD" {
				if body != "" {
					t.Error("HEAD response has a body")
				}
				if rec.Header().Get("Content-Length") == "" {
					t.Error("HEAD response lacks Content-Length")
				}
				return
			}
			if tt.lang != "" {
				m := langRE.FindStringSubmatch(body)
				if m == nil || m[1] != tt.lang || m[2] != tt.dir {
					t.Errorf("html lang/dir = %v, want %s %s", m, tt.lang, tt.dir)
				}
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
		})
	}
}

// Every response of the public listener, errors included, carries the
// full header set and nothing that identifies or tracks.
func assertPrivacyHeaders(t *testing.T, h http.Header) {
	t.Helper()
	want := map[string]string{
		"Referrer-Policy":              "no-referrer",
		"Cache-Control":                "no-store, max-age=0",
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"Cross-Origin-Embedder-Policy": "require-corp",
		"X-DNS-Prefetch-Control":       "off",
		"X-Robots-Tag":                 "noindex, noarchive",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows something unsafe: %q", csp)
	}
	if !strings.Contains(h.Get("Permissions-Policy"), "geolocation=()") {
		t.Error("Permissions-Policy does not deny geolocation")
	}
	for _, k := range []string{"Set-Cookie", "Server", "X-XSS-Protection", "Access-Control-Allow-Origin", "Strict-Transport-Security"} {
		if _, ok := h[http.CanonicalHeaderKey(k)]; ok {
			t.Errorf("unexpected header %s: %q", k, h.Get(k))
		}
	}
}

func TestGzipMatchesPlain(t *testing.T) {
	h, _ := newPublic(t, nil)
	// Kiosk pages too: a kiosk may sit on a venue's slow link.
	for _, path := range []string{"/", "/K7Q2M", "/K7Q2M/ar", "/N3VB7/zh-Hans", "/ZZZZ9", "/K7Q2M/kiosk", "/K7Q2M/kiosk/ti"} {
		plain := get(t, h, "GET", path, nil).Body.Bytes()
		rec := get(t, h, "GET", path, map[string]string{"Accept-Encoding": "gzip, br"})
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: not gzip-encoded", path)
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding", path, rec.Header().Get("Vary"))
		}
		t.Logf("%s: %d bytes, %d gzipped", path, len(plain), rec.Body.Len())
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr) // checks the CRC and length too
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("%s: gzip body differs from plain body", path)
		}
		if rec.Body.Len() > 14*1024 {
			t.Errorf("%s: %d bytes gzipped, over the 14 KB first round trip", path, rec.Body.Len())
		}
	}
	if rec := get(t, h, "GET", "/", map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 must get an uncompressed page")
	}
}

// The logs may hold the route, the status and the duration, and nothing
// about the person: no address, user agent, referrer or query string.
func TestLogsHoldNothingPersonal(t *testing.T) {
	h, logs := newPublic(t, nil)
	secrets := map[string]string{
		"User-Agent":      "SecretAgent/1.0",
		"Referer":         "https://secret-referrer.example/",
		"X-Forwarded-For": "198.51.100.77",
		"X-Real-Ip":       "198.51.100.78",
		"Accept-Language": "ar",
	}
	for _, path := range []string{"/K7Q2M?tracking=secretquery", "/ZZZZ9?q=secretquery", "/K7Q2M/ar?x=secretquery"} {
		req := httpRequest("GET", path, secrets)
		req.RemoteAddr = "203.0.113.9:4242"
		h.ServeHTTP(nopWriter{}, req)
	}
	out := logs.String()
	if !strings.Contains(out, "route=/:code") {
		t.Fatalf("expected access log lines at debug level, got:\n%s", out)
	}
	for _, s := range []string{"203.0.113.9", "198.51.100", "SecretAgent", "secret-referrer", "secretquery", "ZZZZ9"} {
		if strings.Contains(out, s) {
			t.Errorf("log holds %q:\n%s", s, out)
		}
	}
}

func TestScansCountOnlyThePosterURL(t *testing.T) {
	var scanned []string
	h, _ := newPublic(t, func(code string) { scanned = append(scanned, code) })
	for _, path := range []string{"/k7q2m", "/K7Q2M/ar", "/", "/ZZZZ9", "/ar", "/R4T8W"} {
		get(t, h, "GET", path, nil)
	}
	if got := strings.Join(scanned, ","); got != "K7Q2M,R4T8W" {
		t.Errorf("scans counted %q, want K7Q2M,R4T8W", got)
	}
	// A HEAD fetches no page: link checkers and monitors are not scans.
	scanned = nil
	for _, path := range []string{"/K7Q2M", "/r4t8w"} {
		if rec := get(t, h, http.MethodHead, path, nil); rec.Code != http.StatusOK {
			t.Fatalf("HEAD %s = %d, want 200", path, rec.Code)
		}
	}
	if len(scanned) != 0 {
		t.Errorf("HEAD requests were counted as scans: %q", scanned)
	}
}
