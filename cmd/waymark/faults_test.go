//go:build linux

package main

// Fault tests run `waymark serve` as a real process (this test binary,
// re-executed; see init below) and put it under load, reloads, shutdown,
// slow clients and oversized requests, over loopback only. Each test is
// bounded to a few seconds and a fixed number of connections.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/waymark/waymark/site"
)

// faultChildEnv makes this test binary act as the waymark command. The
// check runs in init, before testing parses flags, so the child's
// arguments are waymark's own: `serve --addr ...`. Re-executing the test
// binary needs neither a TestMain (other files of this package may define
// one) nor a go toolchain at run time.
const faultChildEnv = "WAYMARK_FAULTS_CHILD"

func init() {
	if os.Getenv(faultChildEnv) == "1" {
		main() // exits
	}
}

// faultBuf collects a child's stderr while the test reads it.
type faultBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (f *faultBuf) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.b.Write(p)
}

func (f *faultBuf) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.b.String()
}

// faultProc is one `waymark serve` process.
type faultProc struct {
	cmd         *exec.Cmd
	addr, admin string // host:port of the public and staff listeners
	stderr      *faultBuf
	done        chan struct{} // closed when the process has exited
	waitErr     error         // valid once done is closed
}

func (p *faultProc) url(path string) string      { return "http://" + p.addr + path }
func (p *faultProc) adminURL(path string) string { return "http://" + p.admin + path }

func (p *faultProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *faultProc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// rss returns the process's resident set size in bytes, from /proc.
func (p *faultProc) rss(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", p.cmd.Process.Pid)
	return 0
}

// faultAddr returns a loopback address whose port was free a moment ago.
func faultAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// faultConfig writes the demo config, edited by edit, to a fresh file.
func faultConfig(t *testing.T, dir string, edit func(string) string) string {
	t.Helper()
	path := filepath.Join(dir, "waymark.toml")
	faultWrite(t, path, edit(string(site.DemoTOML())))
	return path
}

func faultWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func faultEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WAYMARK_") {
			env = append(env, kv)
		}
	}
	return append(env, faultChildEnv+"=1")
}

// faultStart runs `waymark serve` in dir with the config file cfg and waits
// until both listeners answer. The process is killed at the end of the
// test if it is still running.
func faultStart(t *testing.T, dir, cfg string, extra ...string) *faultProc {
	t.Helper()
	return faultStartThen(t, dir, cfg, nil, extra...)
}

// faultStartThen is faultStart, calling started (when not nil) as soon as
// the process has started, before it answers.
func faultStartThen(t *testing.T, dir, cfg string, started func(), extra ...string) *faultProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var p *faultProc
	for attempt := 0; ; attempt++ {
		p = &faultProc{addr: faultAddr(t), admin: faultAddr(t), stderr: &faultBuf{}, done: make(chan struct{})}
		args := append([]string{"serve", "--addr", p.addr, "--admin-addr", p.admin, "--config", cfg}, extra...)
		p.cmd = exec.Command(exe, args...)
		p.cmd.Dir = dir
		p.cmd.Env = faultEnv()
		p.cmd.Stdout = io.Discard
		p.cmd.Stderr = p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.waitErr = p.cmd.Wait(); close(p.done) }()
		t.Cleanup(func() {
			if !p.exited() {
				p.cmd.Process.Kill()
				<-p.done
			}
		})
		if started != nil {
			started()
		}
		err := faultReady(p, 60*time.Second) // start-up renders every page: wide for a loaded CI machine
		if err == nil {
			return p
		}
		// Another process may have taken a port between choosing and binding.
		if attempt < 2 && strings.Contains(p.stderr.String(), "address already in use") {
			continue
		}
		t.Fatalf("waymark serve did not start: %v\nstderr:\n%s", err, p.stderr)
	}
}

func faultReady(p *faultProc, within time.Duration) error {
	deadline := time.Now().Add(within)
	c := &http.Client{Timeout: time.Second}
	for _, u := range []string{p.url("/"), p.adminURL("/")} {
		for {
			resp, err := c.Get(u)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
				err = fmt.Errorf("%s: status %d", u, resp.StatusCode)
			}
			if p.exited() {
				return fmt.Errorf("exited (%v)", p.waitErr)
			}
			if time.Now().After(deadline) {
				return err
			}
			time.Sleep(30 * time.Millisecond)
		}
	}
	return nil
}

// stop sends SIGTERM and returns the exit error (nil for exit status 0).
func (p *faultProc) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	p.signal(t, syscall.SIGTERM)
	select {
	case <-p.done:
		return p.waitErr
	case <-time.After(within):
		t.Fatalf("serve did not exit within %v of SIGTERM:\n%s", within, p.stderr)
		return nil
	}
}

// waitLog waits until the process's stderr matches re.
func (p *faultProc) waitLog(t *testing.T, re *regexp.Regexp, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindString(p.stderr.String()); m != "" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("stderr did not match %s within %v:\n%s", re, within, p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// faultReq is one request of the mixed load and what its answer must be.
type faultReq struct {
	path, acceptLanguage string
	status               int
	lang                 string // the page's <html lang>, "" for any
	head                 bool
}

var faultMix = []faultReq{
	{path: "/", status: 200, lang: "en"},
	{path: "/K7Q2M", status: 200, lang: "en"},
	{path: "/K7Q2M/ar", status: 200, lang: "ar"},
	{path: "/K7Q2M", acceptLanguage: "ti;q=0.1, ar;q=0.9", status: 200, lang: "ar"},
	{path: "/k7q2m", acceptLanguage: "ar-EG,ar;q=0.9,en;q=0.5", status: 200, lang: "ar"},
	{path: "/N3VB7", status: 200, lang: "nl"},
	{path: "/N3VB7", acceptLanguage: "uk-UA, uk;q=0.9", status: 200, lang: "uk"},
	{path: "/N3VB7/zh-Hans", status: 200, lang: "zh-Hans"},
	{path: "/H9XD2/bg", status: 200, lang: "bg"},
	{path: "/R4T8W/pl", status: 200, lang: "pl"},
	{path: "/S5FJ3", acceptLanguage: "es-MX", status: 200, lang: "es"},
	{path: "/S5FJ3", acceptLanguage: "ru", status: 200, lang: "en"},
	{path: "/S5FJ3/vi", status: 200, lang: "vi"},
	{path: "/ar", status: 200, lang: "ar"},
	{path: "/fa", status: 200, lang: "fa"},
	{path: "/ti", status: 200, lang: "ti"},
	{path: "/am", acceptLanguage: "am", status: 200, lang: "am"},
	{path: "/ZZZZ9", status: 404, lang: "en"},
	{path: "/ZZZZ9/vi", status: 404, lang: "vi"},
	{path: "/Q0Q0Q0", acceptLanguage: "fa", status: 404},
	{path: "/K7Q2M/xx", status: 404, lang: "en"},
	{path: "/K7Q2M/kiosk", status: 200, lang: "en"},
	{path: "/K7Q2M/kiosk/ar", status: 200, lang: "ar"},
	{path: "/N3VB7/kiosk/so", status: 200, lang: "so"},
	{path: "/S5FJ3/kiosk/zh-Hans", status: 200, lang: "zh-Hans"},
	{path: "/K7Q2M", status: 200, head: true},
}

var faultLangRE = regexp.MustCompile(`<html lang="([^"]+)"`)

// errFaultAnswer marks a failure after the answer began: a wrong status,
// a missing header, a wrong page or a body cut short. A connection that
// gives no answer at all is not one.
var errFaultAnswer = errors.New("bad answer")

// faultDo sends one request of the mix and checks the answer. Half of the
// requests let the transport ask for gzip and decompress (a bad gzip
// stream fails the read), half ask for the plain page.
func faultDo(c *http.Client, base string, r faultReq, gzip bool) error {
	method := "GET"
	if r.head {
		method = "HEAD"
	}
	req, err := http.NewRequest(method, base+r.path, nil)
	if err != nil {
		return err
	}
	if r.acceptLanguage != "" {
		req.Header.Set("Accept-Language", r.acceptLanguage)
	}
	if !gzip {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%w: %s %s: body cut short after %d bytes: %v", errFaultAnswer, method, r.path, len(body), err)
	}
	if resp.StatusCode != r.status {
		return fmt.Errorf("%w: %s %s: status %d, want %d", errFaultAnswer, method, r.path, resp.StatusCode, r.status)
	}
	if resp.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" || resp.Header.Get("Content-Security-Policy") == "" {
		return fmt.Errorf("%w: %s %s: privacy headers missing: %v", errFaultAnswer, method, r.path, resp.Header)
	}
	if r.head {
		if len(body) != 0 {
			return fmt.Errorf("%w: HEAD %s: %d bytes of body", errFaultAnswer, r.path, len(body))
		}
		return nil
	}
	if !bytes.Contains(body, []byte("</html>")) {
		return fmt.Errorf("%w: GET %s: truncated page (%d bytes)", errFaultAnswer, r.path, len(body))
	}
	if r.lang != "" {
		if m := faultLangRE.FindSubmatch(body); m == nil || string(m[1]) != r.lang {
			return fmt.Errorf("%w: GET %s (Accept-Language %q): html lang %q, want %q", errFaultAnswer, r.path, r.acceptLanguage, m, r.lang)
		}
	}
	return nil
}

func faultClient() *http.Client {
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
	}
}

// faultErrors collects failures from many goroutines, keeping the first few.
type faultErrors struct {
	n     atomic.Int64
	mu    sync.Mutex
	first []string
}

func (f *faultErrors) add(err error) {
	f.n.Add(1)
	f.mu.Lock()
	if len(f.first) < 10 {
		f.first = append(f.first, err.Error())
	}
	f.mu.Unlock()
}

func (f *faultErrors) check(t *testing.T, what string, total int64) {
	t.Helper()
	if n := f.n.Load(); n > 0 {
		t.Errorf("%s: %d of %d requests failed; first:\n  %s", what, n, total, strings.Join(f.first, "\n  "))
	}
}

// TestFaultSoak: 16 keep-alive workers send the mixed load for 4 s, a
// quarter of it with an Accept-Language header never sent before, while
// staff QR images are fetched at a low rate. Every answer is right, and
// resident memory after the first second stays flat.
func TestFaultSoak(t *testing.T) {
	dir := t.TempDir()
	p := faultStart(t, dir, faultConfig(t, dir, func(s string) string { return s }))
	const (
		workers  = 16
		duration = 4 * time.Second
	)
	var errs faultErrors
	var total, qrTotal atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := faultClient()
			defer c.CloseIdleConnections()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := faultMix[i%len(faultMix)]
				if i%4 == 3 {
					// A header never seen before: the negotiation cache
					// must stay bounded.
					r = faultReq{path: "/K7Q2M", acceptLanguage: fmt.Sprintf("en-x-w%di%d;q=0.1, ar;q=0.9", w, i), status: 200, lang: "ar"}
				}
				if err := faultDo(c, p.url(""), r, i%2 == 0); err != nil {
					errs.add(err)
				}
				total.Add(1)
			}
		}()
	}
	// Staff QR images: about 3 a second, under the staff rate limit.
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := faultClient()
		tick := time.NewTicker(300 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			path, ctype := "/venues/K7Q2M/qr.png", "image/png"
			if i%2 == 1 {
				path, ctype = "/venues/N3VB7/qr.svg", "image/svg+xml"
			}
			qrTotal.Add(1)
			resp, err := c.Get(p.adminURL(path))
			if err != nil {
				errs.add(err)
				continue
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || len(b) < 100 {
				errs.add(fmt.Errorf("staff %s: status %d, type %q, %d bytes, %v", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(b), err))
			}
		}
	}()

	start := time.Now()
	time.Sleep(time.Second)
	rss1 := p.rss(t)
	time.Sleep(duration - time.Since(start))
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	rss2 := p.rss(t)

	n := total.Load()
	t.Logf("%d public requests in %v (%.0f/s), %d staff QR; VmRSS %d MB at 1 s, %d MB at end",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), qrTotal.Load(), rss1>>20, rss2>>20)
	errs.check(t, "soak", n+qrTotal.Load())
	if n < 1000 {
		t.Errorf("only %d requests in %v: the server is far too slow", n, elapsed)
	}
	if growth := rss2 - rss1; growth > 30<<20 {
		t.Errorf("VmRSS grew by %d MB in %v of load (from %d to %d MB)", growth>>20, elapsed, rss1>>20, rss2>>20)
	}
	if strings.Contains(p.stderr.String(), "level=ERROR") {
		t.Errorf("errors logged under load:\n%s", p.stderr)
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("exit: %v\n%s", err, p.stderr)
	}
}

var faultTitleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

// TestFaultReloadUnderLoad: SIGHUP several times and with a changed config
// while workers load the site: no request fails, the new title appears
// and, once a worker has seen it, never goes back (the swap is whole). A
// config with a syntax error keeps the site being served, and the log
// names the file and line.
func TestFaultReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	const (
		oldTitle   = "Travel information"
		newTitle   = "Journey notes"
		fixedTitle = "Travel information (fixed)"
	)
	// The order in which titles are served; a worker never goes back.
	ranks := map[string]int{oldTitle: 0, newTitle: 1, fixedTitle: 2}
	titleLine := -1
	for i, line := range strings.Split(string(site.DemoTOML()), "\n") {
		if line == `title = "`+oldTitle+`"` {
			titleLine = i + 1
			break
		}
	}
	if titleLine < 0 {
		t.Fatal("demo config has no top-level uk title line")
	}
	retitle := func(s string) string {
		return strings.Replace(s, `title = "`+oldTitle+`"`, `title = "`+newTitle+`"`, 1)
	}
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg)

	var errs faultErrors
	var total atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	paths := []string{"/K7Q2M", "/K7Q2M/ar", "/R4T8W/kiosk", "/", "/ZZZZ9"}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := faultClient()
			defer c.CloseIdleConnections()
			seen := 0 // rank of the newest title this worker has seen
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[i%len(paths)]
				total.Add(1)
				resp, err := c.Get(p.url(path))
				if err != nil {
					errs.add(err)
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				want := 200
				if path == "/ZZZZ9" {
					want = 404
				}
				if err != nil || resp.StatusCode != want {
					errs.add(fmt.Errorf("GET %s: status %d, %v", path, resp.StatusCode, err))
					continue
				}
				m := faultTitleRE.FindSubmatch(b)
				if m == nil {
					errs.add(fmt.Errorf("GET %s: no <title>", path))
					continue
				}
				rank, ok := ranks[string(m[1])]
				switch {
				case !ok:
					errs.add(fmt.Errorf("GET %s: title %q", path, m[1]))
				case rank < seen:
					errs.add(fmt.Errorf("GET %s: title %q after a newer one", path, m[1]))
				default:
					seen = rank
				}
			}
		}()
	}

	// Plain SIGHUPs: the same config again.
	reloaded := regexp.MustCompile(`msg=reloaded`)
	for range 5 {
		time.Sleep(150 * time.Millisecond)
		p.signal(t, syscall.SIGHUP)
	}
	// Signals that arrive during a reload coalesce into one more reload.
	p.waitLog(t, reloaded, 60*time.Second)
	time.Sleep(time.Second)
	t.Logf("5 SIGHUPs gave %d reloads", len(reloaded.FindAllString(p.stderr.String(), -1)))

	// A changed title.
	faultWrite(t, cfg, retitle(string(site.DemoTOML())))
	sent := time.Now()
	p.signal(t, syscall.SIGHUP)
	faultWaitTitle(t, p, "/K7Q2M", newTitle, 60*time.Second)
	faultWaitTitle(t, p, "/K7Q2M/kiosk", newTitle, time.Second)
	t.Logf("new title served %v after SIGHUP", time.Since(sent).Round(time.Millisecond))

	// A syntax error on the title line: the site stays, the log says where.
	lines := strings.Split(retitle(string(site.DemoTOML())), "\n")
	lines[titleLine-1] = `title = "` + newTitle // unterminated string
	faultWrite(t, cfg, strings.Join(lines, "\n"))
	p.signal(t, syscall.SIGHUP)
	logLine := p.waitLog(t, regexp.MustCompile(`.*reload failed.*`), 60*time.Second) // after any reload still running: signals coalesce
	if want := fmt.Sprintf("%s:%d:", cfg, titleLine); !strings.Contains(logLine, want) {
		t.Errorf("reload failure log does not name %s:\n%s", want, logLine)
	}
	time.Sleep(500 * time.Millisecond) // load keeps running on the kept site
	faultWaitTitle(t, p, "/K7Q2M", newTitle, 0)

	// Fixed again: the next SIGHUP takes it.
	faultWrite(t, cfg, strings.Replace(string(site.DemoTOML()), `title = "`+oldTitle+`"`, `title = "`+fixedTitle+`"`, 1))
	p.signal(t, syscall.SIGHUP)
	faultWaitTitle(t, p, "/K7Q2M", fixedTitle, 60*time.Second)
	time.Sleep(200 * time.Millisecond)

	close(stop)
	wg.Wait()
	t.Logf("%d requests during 8 reloads", total.Load())
	errs.check(t, "reload under load", total.Load())
	if p.exited() {
		t.Fatalf("process exited: %v\n%s", p.waitErr, p.stderr)
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// faultWaitTitle polls path until its <title> is want. within 0 checks once.
func faultWaitTitle(t *testing.T, p *faultProc, path, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var got string
	for {
		resp, err := http.Get(p.url(path))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := faultTitleRE.FindSubmatch(b); m != nil {
			got = string(m[1])
		}
		if got == want {
			return
		}
		if !time.Now().Before(deadline) {
			t.Fatalf("%s: title %q, want %q (waited %v)\n%s", path, got, want, within, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// faultPartial opens a connection and sends the start of a request: to
// the client, the request is under way.
func faultPartial(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: waymark.test\r\nUser-Agent: slow", path); err != nil {
		t.Fatal(err)
	}
	return c
}

// faultFinish sends the rest of a request begun by faultPartial and reads
// the whole answer.
func faultFinish(c net.Conn) error {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "\r\nAccept-Language: ar\r\n\r\n"); err != nil {
		return fmt.Errorf("sending the rest of the request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return fmt.Errorf("no answer: %w", err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !bytes.Contains(b, []byte(`lang="ar"`)) || !bytes.Contains(b, []byte("</html>")) {
		return fmt.Errorf("status %d, %d bytes, %v", resp.StatusCode, len(b), err)
	}
	return nil
}

// TestFaultShutdown: SIGTERM during load. No answer is cut short and none
// is a 5xx; new connections are refused on both listeners as soon as
// shutdown starts; a request under way at SIGTERM (a slow phone still
// sending its headers) gets its page; the exit status is 0.
func TestFaultShutdown(t *testing.T) {
	dir := t.TempDir()
	p := faultStart(t, dir, faultConfig(t, dir, func(s string) string { return s }))

	var sentNanos atomic.Int64 // when SIGTERM was sent; 0 before
	var errs faultErrors
	var total, okAfter, refused atomic.Int64
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := faultClient()
			defer c.CloseIdleConnections()
			for i := w; ; i++ {
				r := faultMix[i%len(faultMix)]
				err := faultDo(c, p.url(""), r, i%2 == 0)
				total.Add(1)
				sent := sentNanos.Load()
				switch {
				case err == nil:
					if sent != 0 {
						okAfter.Add(1)
					}
				case errors.Is(err, errFaultAnswer):
					errs.add(err) // a wrong, failed or truncated answer: never
				case sent == 0:
					errs.add(fmt.Errorf("before SIGTERM: %w", err))
				default:
					// No answer at all after shutdown began: the server
					// closed an idle connection or refused a new one.
					refused.Add(1)
					return
				}
				if sent != 0 && time.Since(time.Unix(0, sent)) > 3*time.Second {
					errs.add(fmt.Errorf("still answered 3 s after SIGTERM"))
					return
				}
			}
		}()
	}
	// A request under way: its headers begun before SIGTERM.
	slow := faultPartial(t, p.addr, "/K7Q2M/ar")
	defer slow.Close()

	time.Sleep(time.Second)
	sent := time.Now()
	sentNanos.Store(sent.UnixNano()) // before the signal: workers must not see it late
	p.signal(t, syscall.SIGTERM)

	// New connections are refused, on both listeners, while requests drain.
	var refusedAfter time.Duration
	for _, l := range []struct{ name, addr string }{{"public", p.addr}, {"staff", p.admin}} {
		for {
			c, err := net.DialTimeout("tcp", l.addr, time.Second)
			if err != nil {
				// A connection the kernel queued as the listener closed
				// is reset rather than refused.
				if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) {
					t.Errorf("dial the %s listener after SIGTERM: %v, want connection refused", l.name, err)
				}
				break
			}
			c.Close()
			if time.Since(sent) > 3*time.Second {
				t.Errorf("the %s listener (%s) still accepts connections 3 s after SIGTERM, while the public listener drains", l.name, l.addr)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		refusedAfter = max(refusedAfter, time.Since(sent))
	}
	if err := faultFinish(slow); err != nil {
		t.Errorf("request under way at SIGTERM (headers begun, not finished): %v", err)
	}
	wg.Wait()
	errs.check(t, "load during shutdown", total.Load())

	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("no exit 5 s after the last request:\n%s", p.stderr)
	}
	if p.waitErr != nil {
		t.Errorf("exit: %v, want status 0\n%s", p.waitErr, p.stderr)
	}
	t.Logf("%d requests, %d answered whole after SIGTERM, %d workers stopped by a closed or refused connection; "+
		"new connections refused %v after SIGTERM; exit %v after SIGTERM",
		total.Load(), okAfter.Load(), refused.Load(), refusedAfter.Round(time.Millisecond), time.Since(sent).Round(time.Millisecond))
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", p.stderr)
	}
	for _, addr := range []string{p.addr, p.admin} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s accepts connections after exit", addr)
		}
	}
}

// TestFaultSlowClients: 200 connections send their headers one byte every
// 100 ms; normal requests are served promptly all the while; the server
// cuts a header that never ends (ReadHeaderTimeout).
func TestFaultSlowClients(t *testing.T) {
	dir := t.TempDir()
	p := faultStart(t, dir, faultConfig(t, dir, func(s string) string { return s }))

	const slow = 200
	request := "GET /K7Q2M HTTP/1.1\r\nHost: waymark.test\r\nX-Slow: " + strings.Repeat("s", 200)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var opened, writeErrs atomic.Int64
	conns := make([]net.Conn, slow)
	for i := range slow {
		c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
		conns[i] = c
		opened.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for j := 0; j < len(request); j++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				if _, err := c.Write([]byte{request[j]}); err != nil {
					writeErrs.Add(1)
					return
				}
			}
		}()
	}
	slowStart := time.Now()

	// Normal requests on fresh connections while the slow ones dribble.
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var worst time.Duration
	n := 0
	for time.Since(slowStart) < 2*time.Second {
		start := time.Now()
		err := faultDo(c, p.url(""), faultReq{path: "/K7Q2M/ar", status: 200, lang: "ar"}, n%2 == 0)
		d := time.Since(start)
		if err != nil {
			t.Errorf("request during slowloris: %v", err)
		}
		if d > 3*time.Second {
			t.Errorf("request during slowloris took %v", d)
		}
		worst = max(worst, d)
		n++
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d slow connections; %d normal requests, slowest %v", opened.Load(), n, worst.Round(time.Millisecond))
	if writeErrs.Load() > 0 {
		t.Errorf("%d slow connections were cut within 2 s", writeErrs.Load())
	}
	for _, c := range conns[1:] {
		c.Close()
	}

	// The last one stalls mid-header: the server must close it once
	// ReadHeaderTimeout (5 s from the first byte) has passed.
	last := conns[0]
	defer last.Close()
	last.SetReadDeadline(slowStart.Add(7 * time.Second))
	got, err := io.ReadAll(last)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("a connection with unfinished headers is still open %v after its first byte", time.Since(slowStart).Round(time.Millisecond))
	} else {
		t.Logf("stalled connection closed by the server %v after its first byte (read %q, %v)", time.Since(slowStart).Round(time.Millisecond), got, err)
	}
	if err := faultDo(c, p.url(""), faultMix[2], true); err != nil {
		t.Errorf("after slowloris: %v", err)
	}
}

// faultRaw writes a raw request on a fresh connection, while reading the
// answer, and returns the status, the time taken and any error.
func faultRaw(addr, raw string) (int, time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go io.WriteString(c, raw) // the server may answer before reading it all
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, time.Since(start), err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), nil
}

// TestFaultOversized: oversized headers, paths and queries, and requests
// net/http cannot parse, get a prompt 4xx; never a 5xx, never a hang.
func TestFaultOversized(t *testing.T) {
	dir := t.TempDir()
	p := faultStart(t, dir, faultConfig(t, dir, func(s string) string { return s }))
	big := func(n int) string { return strings.Repeat("a", n) }
	var many strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&many, "X-H%d: v\r\n", i)
	}
	tests := []struct {
		name, raw string
		status    int // 0: any 4xx
	}{
		{"64 KB header", "GET / HTTP/1.1\r\nHost: w\r\nX-Big: " + big(64<<10) + "\r\n\r\n", 431},
		{"1 MB header", "GET /K7Q2M HTTP/1.1\r\nHost: w\r\nCookie: " + big(1<<20) + "\r\n\r\n", 431},
		{"3000 headers", "GET / HTTP/1.1\r\nHost: w\r\n" + many.String() + "\r\n", 431},
		{"100 KB path", "GET /" + big(100<<10) + " HTTP/1.1\r\nHost: w\r\n\r\n", 0},
		{"100 KB code-like path", "GET /" + strings.Repeat("K7Q2M", 20<<10) + " HTTP/1.1\r\nHost: w\r\n\r\n", 0},
		{"100 KB query", "GET /K7Q2M?q=" + big(100<<10) + " HTTP/1.1\r\nHost: w\r\n\r\n", 0},
		{"100 KB accept-language", "GET /K7Q2M HTTP/1.1\r\nHost: w\r\nAccept-Language: " + strings.Repeat("ar;q=0.5,", 11<<10) + "\r\n\r\n", 431},
		{"bad escape", "GET /%zz HTTP/1.1\r\nHost: w\r\n\r\n", 400},
		{"no host", "GET /K7Q2M HTTP/1.1\r\n\r\n", 400},
		{"bad request line", "GARBAGE\r\n\r\n", 400},
		{"bad version", "GET / HTTP/9.9\r\nHost: w\r\n\r\n", 505},
		{"CR in header", "GET / HTTP/1.1\r\nHost: w\r\nX-A: a\rb\r\n\r\n", 400},
		{"NUL in header", "GET / HTTP/1.1\r\nHost: w\r\nAccept-Language: ar\x00en\r\n\r\n", 400},
		{"huge content-length", "GET / HTTP/1.1\r\nHost: w\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
		{"chunked and length", "POST / HTTP/1.1\r\nHost: w\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, d, err := faultRaw(p.addr, tt.raw)
			if err != nil {
				t.Fatalf("no answer after %v: %v", d, err)
			}
			if tt.status != 0 && status != tt.status || tt.status == 0 && (status < 400 || status >= 500) {
				t.Errorf("status %d, want %v (0: any 4xx)", status, tt.status)
			}
			if d > 2*time.Second {
				t.Errorf("answer took %v", d)
			}
		})
	}
	// Large but reasonable requests still work: a 12 KB cookie.
	req, _ := http.NewRequest("GET", p.url("/K7Q2M/ar"), nil)
	req.Header.Set("Cookie", "c="+big(12<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("12 KB cookie: status %d, want 200", resp.StatusCode)
	}
	if p.exited() || strings.Contains(p.stderr.String(), "level=ERROR") {
		t.Errorf("server faulted:\n%s", p.stderr)
	}
}

// faultCopyDir copies the regular files under src to dst.
func faultCopyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFaultDevReload: with --dev, a translator's change to a locale file
// is served within about 3 s (the budget is 20 s: thirty languages, a
// loaded machine; this tests that a reload happens, not its speed)
// without a restart; a broken file keeps the last
// good site and the log names the file.
func TestFaultDevReload(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"locales", "assets"} {
		faultCopyDir(t, filepath.Join("..", "..", d), filepath.Join(dir, d))
	}
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--dev")

	arFile := filepath.Join(dir, "locales", "active.ar.json")
	// In Arabic script: a Latin text in the Arabic file is itself an
	// error, which no load path lets reach a page.
	const marker = "علامة اختبار سبعة"
	changed := faultRetranslate(t, arFile, marker)
	_, body := faultGet(t, p.url("/K7Q2M/ar"))
	if strings.Contains(body, marker) {
		t.Fatal("marker served before the change")
	}
	// The watcher takes its first look at the files only after the
	// listeners answer (TestFaultDevEditDuringStart); a translator edits
	// later than that.
	time.Sleep(time.Second)
	faultWrite(t, arFile, changed)
	written := time.Now()
	for !strings.Contains(body, marker) {
		// The watcher polls each second; a reload renders every page.
		if time.Since(written) > 60*time.Second {
			t.Fatalf("changed translation not served 60 s after the write:\n%s", p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
		_, body = faultGet(t, p.url("/K7Q2M/ar"))
	}
	t.Logf("changed translation served %v after the write", time.Since(written).Round(time.Millisecond))
	if _, kiosk := faultGet(t, p.url("/K7Q2M/kiosk/ar")); !strings.Contains(kiosk, marker) {
		t.Error("kiosk page still has the old translation")
	}

	// A broken file: the last good site stays, the log names the file.
	broken := strings.Replace(changed, marker+`"`, marker, 1)
	faultWrite(t, arFile, broken)
	line := p.waitLog(t, regexp.MustCompile(`.*reload failed.*`), 60*time.Second)
	if !strings.Contains(line, "active.ar.json:") {
		t.Errorf("reload failure does not name active.ar.json and a line:\n%s", line)
	}
	if status, body := faultGet(t, p.url("/K7Q2M/ar")); status != 200 || !strings.Contains(body, marker) {
		t.Errorf("after a broken locale: status %d, marker served %v", status, strings.Contains(body, marker))
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

func faultGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// faultRetranslate returns the locale file at path with page.help (the
// page's first heading) changed to text.
func faultRetranslate(t *testing.T, path, text string) string {
	t.Helper()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]json.RawMessage
	if err := json.Unmarshal(orig, &msgs); err != nil {
		t.Fatal(err)
	}
	msgs["page.help"] = json.RawMessage(`{"other": "` + text + `"}`)
	changed, err := json.MarshalIndent(msgs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(changed)
}

// TestFaultDevEditDuringStart: with --dev, an edit saved while the server
// starts, after it has read the locale files but before it answers, must
// still be picked up. The test waits (with inotify) until the server has
// read its templates, which it does after the locales and before it
// renders the pages, and saves the edit then.
func TestFaultDevEditDuringStart(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"locales", "assets"} {
		faultCopyDir(t, filepath.Join("..", "..", d), filepath.Join(dir, d))
	}
	cfg := faultConfig(t, dir, func(s string) string { return s })
	arFile := filepath.Join(dir, "locales", "active.ar.json")
	const marker = "علامة اختبار خمسة" // Arabic script, as in TestFaultDevReload
	changed := faultRetranslate(t, arFile, marker)

	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	events := os.NewFile(uintptr(fd), "inotify")
	defer events.Close()
	if _, err := syscall.InotifyAddWatch(fd, filepath.Join(dir, "assets", "templates"), syscall.IN_CLOSE_NOWRITE); err != nil {
		t.Fatal(err)
	}
	var editedAt time.Time
	p := faultStartThen(t, dir, cfg, func() {
		events.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4096)
		for {
			n, err := events.Read(buf)
			if err != nil {
				t.Fatalf("no template read within 10 s: %v", err)
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= n; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				name := strings.TrimRight(string(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)]), "\x00")
				off += syscall.SizeofInotifyEvent + int(ev.Len)
				if name == "page.html" {
					faultWrite(t, arFile, changed)
					editedAt = time.Now()
					return
				}
			}
		}
	}, "--dev")
	t.Logf("edit saved %v before the server answered", time.Since(editedAt).Round(time.Millisecond))
	_, body := faultGet(t, p.url("/K7Q2M/ar"))
	for !strings.Contains(body, marker) {
		if time.Since(editedAt) > 60*time.Second {
			t.Fatalf("an edit saved during start-up is not served 60 s later (nor ever: the watcher's first look already includes it):\n%s", p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
		_, body = faultGet(t, p.url("/K7Q2M/ar"))
	}
	t.Logf("edit served %v after it was saved", time.Since(editedAt).Round(time.Millisecond))
}
