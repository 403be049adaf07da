// Package deploy holds no code: its tests check the deployment files in
// this folder with the real programs that read them.
package deploy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

// deploy/Caddyfile validates with Debian's Caddy in both layouts, as
// written: systemd (upstream on loopback) and compose (upstream waymark).
func TestCaddyfileValidatesForBothLayouts(t *testing.T) {
	caddy := realtools.Need(t, "caddy", "caddy")
	for _, env := range [][]string{
		{"WAYMARK_DOMAIN=travel-info.example"},
		{"WAYMARK_DOMAIN=travel-info.example", "WAYMARK_UPSTREAM=waymark:8080"},
	} {
		cmd := exec.Command(caddy, "validate", "--config", "Caddyfile", "--adapter", "caddyfile")
		cmd.Env = append(os.Environ(), append(env, "HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("caddy validate with %v: %v\n%s", env, err, out)
		}
	}
	compose, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`WAYMARK_UPSTREAM: "waymark:8080"`, `"127.0.0.1:8081:8081"`, `WAYMARK_ADMIN_TOKEN: "${WAYMARK_ADMIN_TOKEN:?`} {
		if !strings.Contains(string(compose), want) {
			t.Errorf("compose.yaml lacks %s", want)
		}
	}
}

// Through a real Caddy running deploy/Caddyfile, every page has the body
// and headers the server sends, and the server never sees the visitor's
// address.
func TestCaddyfileServesServerPagesUnchanged(t *testing.T) {
	realtools.Need(t, "caddy", "caddy")
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	if err != nil {
		t.Fatal(err)
	}
	router := handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{BaseURL: "https://travel-info.example"}))
	var mu sync.Mutex
	var forwarded []string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "Forwarded"} {
			if v := r.Header.Get(h); v != "" {
				mu.Lock()
				forwarded = append(forwarded, h+": "+v)
				mu.Unlock()
			}
		}
		router.ServeHTTP(w, r)
	}))
	defer upstream.Close()

	conf, err := os.ReadFile("Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	// Only the address changes: plain http on a loopback port.
	base, logs := runCaddy(t, caddyOnLoopback(t, string(conf), "\n{$WAYMARK_DOMAIN:example.org} {\n"),
		"WAYMARK_UPSTREAM="+strings.TrimPrefix(upstream.URL, "http://"))

	for _, path := range []string{"/", "/K7Q2M", "/k7q2m/ar", "/N3VB7", "/ZZZZ9", "/K7Q2M/kiosk"} {
		for _, al := range []string{"", "ti-ER", "pt-BR,pt;q=0.9"} {
			for _, enc := range []string{"identity", "gzip"} {
				wantBody, want := fetch(t, upstream.URL+path, al, enc)
				gotBody, got := fetch(t, base+path, al, enc)
				name := fmt.Sprintf("%s %q %s", path, al, enc)
				if got.StatusCode != want.StatusCode || !bytes.Equal(gotBody, wantBody) {
					t.Errorf("%s: Caddy %d, %d bytes; server %d, %d bytes", name, got.StatusCode, len(gotBody), want.StatusCode, len(wantBody))
				}
				for k := range want.Header {
					if k == "Date" {
						continue
					}
					if g, w := strings.Join(got.Header.Values(k), ", "), strings.Join(want.Header.Values(k), ", "); g != w {
						t.Errorf("%s: %s: Caddy %q, server %q", name, k, g, w)
					}
				}
				for k := range got.Header {
					if _, ok := want.Header[k]; !ok && k != "Date" {
						t.Errorf("%s: Caddy adds %s: %q", name, k, got.Header.Values(k))
					}
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(forwarded) > 0 {
		t.Errorf("Caddy passed client addresses to Waymark: %v", forwarded[:1])
	}
	if strings.Contains(logs.String(), "remote_ip") || strings.Contains(logs.String(), "remote_addr") {
		t.Errorf("Caddy logged a client address:\n%s", logs.String())
	}
}

func fetch(t *testing.T, url, acceptLanguage, enc string) ([]byte, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", enc)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, resp
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitUp(t *testing.T, base string, logs *lockedBuffer) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not start:\n%s", base, logs.String())
}

// lockedBuffer lets a test read what a running command writes.
type lockedBuffer = realtools.Buffer
