package export

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

func demoSite(t *testing.T) *pages.Site {
	t.Helper()
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The export, served by a real nginx with the generated configuration,
// answers with the server's bodies and the server's privacy headers.
func TestExportServedByNginxMatchesServer(t *testing.T) {
	nginx := realtools.Need(t, "nginx", "nginx")
	s := demoSite(t)
	dir := t.TempDir()
	// nginx workers must read the files; t.TempDir is private to root.
	os.Chmod(dir, 0o755)
	if _, err := Write(s, dir, Options{BaseURL: "https://example.org"}); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	conf, err := os.ReadFile(filepath.Join(dir, "nginx/waymark.conf"))
	if err != nil {
		t.Fatal(err)
	}
	site := strings.Replace(string(conf), "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", port), 1)
	prefix := t.TempDir()
	main := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, prefix, site)
	if os.Geteuid() == 0 {
		main = "user root;\n" + main
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	os.WriteFile(confPath, []byte(main), 0o644)
	cmd := exec.Command(nginx, "-p", prefix, "-c", confPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base, &stderr, prefix)

	server := httptest.NewServer(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{BaseURL: "https://example.org"})))
	defer server.Close()

	for _, path := range []string{"/", "/ar", "/K7Q2M", "/k7q2m", "/K7Q2M/ar", "/k7q2m/ti", "/N3VB7/nl", "/S5FJ3/zh-Hans", "/ZZZZ9", "/K7Q2M/xx/yy"} {
		for _, enc := range []string{"identity", "gzip"} {
			t.Run(path+" "+enc, func(t *testing.T) {
				want, wantH := get(t, server.URL+path, enc)
				got, gotH := get(t, base+path, enc)
				if wantH.status != gotH.status {
					t.Errorf("status: nginx %d, server %d", gotH.status, wantH.status)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("body differs: nginx %d bytes, server %d bytes", len(got), len(want))
				}
				for _, k := range []string{"Content-Security-Policy", "Referrer-Policy", "Cache-Control", "X-Content-Type-Options",
					"X-Frame-Options", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Cross-Origin-Embedder-Policy",
					"Permissions-Policy", "X-Dns-Prefetch-Control", "X-Robots-Tag", "Content-Type", "Content-Encoding"} {
					if g, w := gotH.h.Get(k), wantH.h.Get(k); g != w {
						t.Errorf("%s: nginx %q, server %q", k, g, w)
					}
				}
				if gotH.h.Get("Set-Cookie") != "" {
					t.Errorf("nginx set a cookie: %v", gotH.h)
				}
			})
		}
	}
	if resp, err := http.Post(base+"/K7Q2M", "text/plain", nil); err != nil || resp.StatusCode != 405 {
		t.Errorf("POST to nginx: %v %v, want 405", resp, err)
	}
}

type head struct {
	status int
	h      http.Header
}

// get fetches a page and returns its decoded body.
func get(t *testing.T, url, enc string) ([]byte, head) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", enc)
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b, head{resp.StatusCode, resp.Header}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitUp(t *testing.T, base string, stderr *bytes.Buffer, prefix string) {
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
	t.Fatalf("nginx did not start: %s %s", stderr.String(), log)
}

func TestPathsCoverEveryVenueAndLanguage(t *testing.T) {
	s := demoSite(t)
	ps := Paths(s, true)
	want := 1 + len(s.Locales) + len(s.Config.Venues)*2*(1+len(s.Locales)) + 1
	if len(ps) != want {
		t.Errorf("%d paths, want %d", len(ps), want)
	}
}

func TestCodePattern(t *testing.T) {
	if got := codePattern("A01B"); got != "A[0O][1IL]B" {
		t.Errorf("codePattern = %q", got)
	}
}
