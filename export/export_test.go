package export

import (
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/bench/scalegen"
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

// exported writes the demo export into a folder nginx workers can read
// (t.TempDir is private to its owner), with the configs' root set to it.
func exported(t *testing.T, s *pages.Site) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "public-export")
	os.Chmod(filepath.Dir(dir), 0o755)
	if _, err := Write(s, dir, Options{BaseURL: "https://example.org", Root: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startNginx runs a real nginx with the generated configuration included in
// its http block, as docs/deploy.md says, on a loopback port.
func startNginx(t *testing.T, dir string) string {
	t.Helper()
	nginx := realtools.Need(t, "nginx", "nginx")
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
	t.Cleanup(func() { stopProcess(cmd) })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base, func() string {
		log, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
		return stderr.String() + string(log)
	})
	return base
}

// startCaddy runs a real Caddy with the generated Caddyfile, only its
// address changed to a loopback port (and no admin endpoint, so that
// several can run at once).
func startCaddy(t *testing.T, caddyfile string) string {
	base, _ := startCaddyLogged(t, caddyfile)
	return base
}

// startCaddyLogged is startCaddy that also returns what Caddy logs.
func startCaddyLogged(t *testing.T, caddyfile string) (string, *lockedBuffer) {
	t.Helper()
	caddy := realtools.Need(t, "caddy", "caddy")
	port := freePort(t)
	conf, err := os.ReadFile(caddyfile)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(conf), "\n:8080 {\n", fmt.Sprintf("\nhttp://127.0.0.1:%d {\n\tbind 127.0.0.1\n", port), 1)
	text = strings.Replace(text, "{\n\tlog default", "{\n\tadmin off\n\tlog default", 1)
	if !strings.Contains(text, "admin off") || !strings.Contains(text, "bind 127.0.0.1") {
		t.Fatalf("the Caddyfile no longer has the lines this test adapts:\n%s", conf)
	}
	home := t.TempDir()
	path := filepath.Join(home, "Caddyfile")
	os.WriteFile(path, []byte(text), 0o644)
	realtools.Run(t, caddy, "validate", "--config", path, "--adapter", "caddyfile")
	cmd := exec.Command(caddy, "run", "--config", path, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home)
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopProcess(cmd) })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base, stderr.String)
	return base, &stderr
}

func liveServer(t *testing.T, s *pages.Site) string {
	server := httptest.NewServer(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{BaseURL: "https://example.org"})))
	t.Cleanup(server.Close)
	return server.URL
}

// The export, served by a real nginx and a real Caddy with the generated
// configuration, answers with the server's bodies and the server's headers.
func TestExportServedByNginxAndCaddyMatchesServer(t *testing.T) {
	s := demoSite(t)
	dir := exported(t, s)
	live := liveServer(t, s)
	caddy, caddyLog := startCaddyLogged(t, filepath.Join(dir, "Caddyfile"))
	hosts := map[string]string{"nginx": startNginx(t, dir), "caddy": caddy}
	defer func() {
		// Caddy writes its log from another process: give it a moment.
		time.Sleep(100 * time.Millisecond)
		if log := caddyLog.String(); strings.Contains(log, "remote_ip") || strings.Contains(log, "127.0.0.1:") {
			t.Errorf("Caddy logged a client address:\n%s", log)
		}
	}()
	for name, base := range hosts {
		for _, path := range []string{"/", "/ar", "/K7Q2M", "/k7q2m", "/K7Q2M/ar", "/k7q2m/ti", "/N3VB7/nl", "/S5FJ3/zh-Hans",
			"/ZZZZ9", "/K7Q2M/xx/yy", "/K7Q2M/ar/2", "/k7q2m/ti/6", "/ar/1", "/K7Q2M/ar/9", "/README.md", "/Caddyfile", "/nginx/waymark.conf", "/404.html", "/" + Marker} {
			for _, enc := range []string{"identity", "gzip"} {
				t.Run(name+" "+path+" "+enc, func(t *testing.T) {
					compare(t, name, base, live, path, enc, "")
				})
			}
		}
		// Accept-Encoding as browsers and odd clients send it.
		for _, enc := range []string{"br, gzip, deflate", "gzip;q=0", "gzip;q=0.5", "*", "deflate", "GZIP", ""} {
			if name == "nginx" && enc == "*" {
				continue // gzip_static reads only "gzip": the plain page, as the export's README says
			}
			t.Run(name+" /K7Q2M Accept-Encoding "+enc, func(t *testing.T) {
				compare(t, name, base, live, "/K7Q2M", enc, "")
			})
		}
		for _, method := range []string{"POST", "DELETE"} {
			req, _ := http.NewRequest(method, base+"/K7Q2M", nil)
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 405 {
				t.Errorf("%s %s: %v %v, want 405", name, method, resp, err)
			} else {
				resp.Body.Close()
			}
		}
	}
}

// acceptHeaders are Accept-Language headers as phones send them, and some
// that no phone sends. The generated configs must pick the language the
// server picks for each.
var acceptHeaders = []string{
	"", "ar", "ti-ER", "zh-CN", "pt-BR,pt;q=0.9", "ru", "junk", "!!!", "*",
	"en-US,en;q=0.9", "en-GB", "nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl-BE",
	"ar-EG,ar;q=0.9,en;q=0.8", "ar-SA", "AR", "ar_EG", "ti", "am-ET,am;q=0.9", "so-SO",
	"uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.7", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
	"fa-IR,fa;q=0.9", "vi-VN,vi;q=0.9,en;q=0.8", "es-419,es;q=0.9", "es-ES", "pl-PL,pl;q=0.9",
	"ro-RO", "bg-BG,bg;q=0.9", "sq-AL,sq;q=0.9", "zh-TW,zh;q=0.9", "zh-Hant-HK", "zh-Hans-CN",
	"de-DE,de;q=0.9", "fr-FR,fr;q=0.9,ar;q=0.8", "ja,ko;q=0.9,ti;q=0.8",
	"ar;q=0", "ar;q=0,nl", "ar;q=0.0,ti;q=0.5", "en-", "ar,@@", "ar;level=1", "ar ; q = 0.5",
	"tr,ku;q=0.9,sq;q=0.8,ps;q=0.7,ur;q=0.6,hi;q=0.5,bn;q=0.4,ti;q=0.3",
	// The ranges the server reads by more than their language subtag:
	// Dari as fa-AF, Sorani as ku-Arab or ku from Iraq, Punjabi in
	// Shahmukhi (no page: the next entry decides).
	"fa-AF,fa;q=0.9", "ku-Arab-IQ", "ku-IQ,en;q=0.5", "ku-Latn,sq;q=0.5", "pa-Arab-PK,ur;q=0.9", "pa-PK,en;q=0.5", "pa-IN", "prs",
}

// For every header and every kind of page (generic, venue, venue whose
// first language is not English, unknown code), nginx and Caddy serve the
// same language, body and status as the server.
func TestExportNegotiatesLanguageLikeServer(t *testing.T) {
	s := demoSite(t)
	dir := exported(t, s)
	live := liveServer(t, s)
	hosts := map[string]string{"nginx": startNginx(t, dir), "caddy": startCaddy(t, filepath.Join(dir, "Caddyfile"))}
	if len(acceptHeaders) < 20 {
		t.Fatal("the table must hold at least 20 headers")
	}
	for name, base := range hosts {
		for _, al := range acceptHeaders {
			for _, path := range []string{"/", "/K7Q2M", "/N3VB7", "/n3vb7", "/ZZZZ9", "/K7Q2M/kiosk"} {
				if path == "/K7Q2M/kiosk" {
					continue // kiosk pages are exported only with --kiosk
				}
				t.Run(fmt.Sprintf("%s %s %q", name, path, al), func(t *testing.T) {
					compare(t, name, base, live, path, "gzip", al)
				})
			}
		}
	}
}

var htmlLang = regexp.MustCompile(`<html[^>]* lang="([^"]+)"`)

func pageLang(b []byte) string {
	if m := htmlLang.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return "(none)"
}

// compare fetches path from a host and from the server and reports every
// difference in status, language, body and headers.
func compare(t *testing.T, name, base, live, path, enc, acceptLanguage string) {
	t.Helper()
	want, wantH := get(t, live+path, enc, acceptLanguage)
	got, gotH := get(t, base+path, enc, acceptLanguage)
	if wantH.status != gotH.status {
		t.Errorf("status: %s %d, server %d", name, gotH.status, wantH.status)
	}
	if g, w := pageLang(got), pageLang(want); g != w {
		t.Errorf("language: %s %s, server %s", name, g, w)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("body differs: %s %d bytes, server %d bytes", name, len(got), len(want))
	}
	// Every header the server sends, the host sends the same; and nothing
	// else but the connection's own.
	for k := range wantH.h {
		if k == "Date" {
			continue
		}
		if g, w := strings.Join(gotH.h.Values(k), ", "), strings.Join(wantH.h.Values(k), ", "); g != w {
			t.Errorf("%s: %s %q, server %q", k, name, g, w)
		}
	}
	for k := range gotH.h {
		if _, ok := wantH.h[k]; ok || k == "Date" || k == "Connection" || (name == "nginx" && k == "Server") {
			continue
		}
		t.Errorf("%s sends %s: %q, the server does not", name, k, gotH.h.Values(k))
	}
}

type head struct {
	status int
	h      http.Header
}

// get fetches a page and returns its decoded body.
func get(t *testing.T, url, enc, acceptLanguage string) ([]byte, head) {
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

func waitUp(t *testing.T, base string, logs func() string) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not start: %s", base, logs())
}

func TestPathsCoverEveryVenueAndLanguage(t *testing.T) {
	s := demoSite(t)
	ps := Paths(s, true)
	want := 1 + len(s.Locales) + len(s.Config.Venues)*2*(1+len(s.Locales)) + 1 + len(s.Locales)
	// Every lesson of the generic page and of each venue, in every language.
	lessons := len(s.Config.LessonsOf(s.Config.DefaultRegion))
	for _, v := range s.Config.Venues {
		lessons += len(s.Config.LessonsOf(v.Region))
	}
	if lessons == 0 {
		t.Fatal("the demo has no course")
	}
	want += lessons * len(s.Locales)
	if len(ps) != want {
		t.Errorf("%d paths, want %d", len(ps), want)
	}
}

func TestCodePattern(t *testing.T) {
	if got := codePattern("A01B"); got != "A[0O][1IL]B" {
		t.Errorf("codePattern = %q", got)
	}
}

// Exporting again into the same folder replaces the export and removes the
// pages of a retired venue; a folder that holds anything else is refused
// and left as it was.
func TestExportRerunRemovesRetiredAndRefusesForeignFolders(t *testing.T) {
	s := demoSite(t)
	dir := filepath.Join(t.TempDir(), "public-export")
	if _, err := Write(s, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	retired := s.Config.Venues[0].Code
	if _, err := os.Stat(filepath.Join(dir, retired, "ar", "index.html.gz")); err != nil {
		t.Fatal(err)
	}
	// A file of the operator's own beside the export stays.
	own := filepath.Join(dir, "robots.txt")
	os.WriteFile(own, []byte("User-agent: *\n"), 0o644)

	s2 := demoSite(t)
	s2.Config.Venues = s2.Config.Venues[1:]
	if _, err := Write(s2, dir, Options{}); err != nil {
		t.Fatalf("second export into the same folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, retired)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the retired venue's folder %s is still there (%v)", retired, err)
	}
	if _, err := os.Stat(filepath.Join(dir, s2.Config.Venues[0].Code, "index.html")); err != nil {
		t.Errorf("a current venue's page is missing: %v", err)
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("the operator's own file was removed: %v", err)
	}
	if conf, _ := os.ReadFile(filepath.Join(dir, "nginx/waymark.conf")); strings.Contains(string(conf), retired) {
		t.Errorf("nginx config still routes %s", retired)
	}

	for name, setup := range map[string]func(dir string){
		"a source folder": func(dir string) { os.WriteFile(filepath.Join(dir, "config.go"), []byte("package site\n"), 0o644) },
		"a marker pointing outside": func(dir string) {
			os.WriteFile(filepath.Join(dir, Marker), []byte("../../etc/passwd\n"), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			setup(dir)
			before, _ := os.ReadDir(dir)
			_, err := Write(s, dir, Options{})
			if err == nil {
				t.Fatal("export into a foreign folder succeeded")
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("the refused folder changed: %d entries, was %d", len(after), len(before))
			}
			t.Log(err)
		})
	}
}

// No generated file holds the exporting machine's folder or logs a
// visitor; hosts that cannot negotiate do not claim to vary by language.
func TestExportConfigsHoldNoVisitorDataOrLocalPaths(t *testing.T) {
	s := demoSite(t)
	dir := filepath.Join(t.TempDir(), "public-export")
	if _, err := Write(s, dir, Options{BaseURL: "https://travel-info.example"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"nginx/waymark.conf", "Caddyfile", "_headers", "_redirects", "static/_headers", "static/_redirects", "README.md", Marker} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), dir) || strings.Contains(string(b), t.TempDir()[:8]) {
			t.Errorf("%s holds the exporting machine's path", name)
		}
	}
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(dir, name)); return string(b) }
	nginx := read("nginx/waymark.conf")
	for _, want := range []string{"access_log off;", "error_log /dev/null;", "root " + DefaultRoot + ";", "# listen 443 ssl http2;", "server_name travel-info.example;"} {
		if !strings.Contains(nginx, want) {
			t.Errorf("nginx config lacks %q", want)
		}
	}
	// The Caddyfile as exported, unchanged, is valid for Debian's Caddy.
	caddyBin := realtools.Need(t, "caddy", "caddy")
	validate := exec.Command(caddyBin, "validate", "--config", filepath.Join(dir, "Caddyfile"), "--adapter", "caddyfile")
	validate.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	if out, err := validate.CombinedOutput(); err != nil {
		t.Errorf("caddy validate on the exported Caddyfile: %v\n%s", err, out)
	}
	if caddy := read("Caddyfile"); !strings.Contains(caddy, "exclude http.log.error http.stdlib") || strings.Contains(caddy, "\tlog {") {
		t.Errorf("Caddyfile logs visitors:\n%s", caddy)
	}
	if h := read("_headers"); !strings.Contains(h, "Vary: Accept-Encoding, Accept-Language") {
		t.Errorf("Netlify negotiates, so its _headers must vary by language:\n%s", h)
	}
	if h := read("static/_headers"); strings.Contains(h, "Accept-Language") || !strings.Contains(h, "Vary: Accept-Encoding") {
		t.Errorf("static/_headers is for hosts that cannot negotiate:\n%s", h)
	}
	if r := read("static/_redirects"); strings.Contains(r, "Language=") {
		t.Errorf("static/_redirects has Language conditions:\n%s", r)
	}
	if r := read("_redirects"); !strings.Contains(r, "/K7Q2M /K7Q2M/ar/index.html 200! Language=ar") || !strings.Contains(r, "/ /zh-Hans/index.html 200! Language=zh") {
		t.Errorf("_redirects lacks Netlify's language rules:\n%s", r)
	}
	if r := read("README.md"); !strings.Contains(r, "cannot be chosen") {
		t.Errorf("README does not say which hosts cannot negotiate")
	}
}

// The HTTPS server block that the nginx config carries as an example works
// as written once its lines are uncommented (with a throwaway certificate).
func TestExportNginxTLSExampleIsValid(t *testing.T) {
	nginx := realtools.Need(t, "nginx", "nginx")
	s := demoSite(t)
	dir := exported(t, s)
	conf, err := os.ReadFile(filepath.Join(dir, "nginx/waymark.conf"))
	if err != nil {
		t.Fatal(err)
	}
	prefix := t.TempDir()
	certFile, keyFile := selfSigned(t, prefix)
	text := tlsConf(string(conf), certFile, keyFile)
	main := fmt.Sprintf("pid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\nevents { }\nhttp {\n%[2]s\n}\n", prefix, text)
	os.WriteFile(filepath.Join(prefix, "nginx.conf"), []byte(main), 0o644)
	realtools.Run(t, nginx, "-t", "-q", "-p", prefix, "-c", filepath.Join(prefix, "nginx.conf"))
}

var commentedTLS = regexp.MustCompile(`(?m)^(\s*)# ((?:listen|server_name|ssl_[a-z_]+|server \{|access_log|error_log|return|\}).*)$`)

// tlsConf turns the generated nginx config into its HTTPS form, as its
// comments tell an operator to.
func tlsConf(conf, certFile, keyFile string) string {
	conf = strings.Replace(conf, "    listen 8080;\n", "", 1)
	conf = commentedTLS.ReplaceAllString(conf, "$1$2")
	conf = regexp.MustCompile(`/etc/letsencrypt/live/[^/]+/fullchain.pem`).ReplaceAllString(conf, certFile)
	conf = regexp.MustCompile(`/etc/letsencrypt/live/[^/]+/privkey.pem`).ReplaceAllString(conf, keyFile)
	return conf
}

// selfSigned writes a throwaway ECDSA P-256 certificate for
// travel-info.example and 127.0.0.1.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "travel-info.example"},
		DNSNames: []string{"travel-info.example"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

// stopProcess asks a server to stop as its init system would (SIGTERM), so
// that nginx's master also stops its workers; SIGKILL would orphan them.
func stopProcess(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// lockedBuffer lets a test read what a running command writes.
type lockedBuffer = realtools.Buffer

// TestExportKioskPagesWhole: the export fetches every kiosk page at once,
// far faster than the public server's budget for kiosks nobody set up;
// each must still carry its QR code and a real gzip file.
func TestExportKioskPagesWhole(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "campaign.toml")
	if err := os.WriteFile(cfg, scalegen.Config(60), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: cfg})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Write(s, dir, Options{BaseURL: "https://example.org", Root: dir, Kiosk: true}); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		code := scalegen.Code(i)
		page, err := os.ReadFile(filepath.Join(dir, code, "kiosk", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), `<div class="kqr"><svg`) {
			t.Errorf("%s's kiosk page has no QR code", code)
		}
		gz, err := os.ReadFile(filepath.Join(dir, code, "kiosk", "index.html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("%s/kiosk/index.html.gz is not gzip: %v", code, err)
		}
		if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, page) {
			t.Errorf("%s/kiosk/index.html.gz does not unpack to the page (%v)", code, err)
		}
	}
}

// TestExportNeverLeavesItsFolder (issue 22, finding 8): an earlier export
// whose venue folder and nginx config are symbolic links to places outside
// it, and whose marker names a file under another such link, is exported
// into again: nothing outside the folder is written, overwritten or
// removed, and the export says which link is in the way. Before, 17
// entries were written outside, the outside file was overwritten and the
// file the marker named was deleted.
func TestExportNeverLeavesItsFolder(t *testing.T) {
	s := demoSite(t)
	base := t.TempDir()
	dir := filepath.Join(base, "public-export")
	if _, err := Write(s, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	outsideDir := filepath.Join(base, "outside")
	os.MkdirAll(filepath.Join(outsideDir, "venue"), 0o755)
	os.MkdirAll(filepath.Join(outsideDir, "gone"), 0o755)
	outsideConf := filepath.Join(outsideDir, "precious.conf")
	victim := filepath.Join(outsideDir, "gone", "index.html")
	os.WriteFile(outsideConf, []byte("mine\n"), 0o644)
	os.WriteFile(victim, []byte("mine\n"), 0o644)

	code := s.Config.Venues[0].Code
	os.RemoveAll(filepath.Join(dir, code))
	must(t, os.Symlink(filepath.Join(outsideDir, "venue"), filepath.Join(dir, code)))
	os.Remove(filepath.Join(dir, "nginx", "waymark.conf"))
	must(t, os.Symlink(outsideConf, filepath.Join(dir, "nginx", "waymark.conf")))
	must(t, os.Symlink(filepath.Join(outsideDir, "gone"), filepath.Join(dir, "RETIRED")))
	marker, _ := os.ReadFile(filepath.Join(dir, Marker))
	os.WriteFile(filepath.Join(dir, Marker), append(marker, "RETIRED/index.html\n"...), 0o644)

	_, err := Write(s, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("export through links out of its folder: %v, want a refusal naming the link", err)
	}
	if b, _ := os.ReadFile(outsideConf); string(b) != "mine\n" {
		t.Errorf("the file outside behind nginx/waymark.conf was overwritten: %.80q", b)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Errorf("the file outside that the marker named was removed: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(outsideDir, "venue")); len(entries) > 0 {
		t.Errorf("%d entries written outside the export, through the venue folder's link", len(entries))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
