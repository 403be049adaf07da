package main

// Tests of issue 16 ("Hardening, round two") against a real `waymark serve`
// process (this test binary re-executed as waymark, see faults_test.go):
// idle connections, net/http's own errors, crafted headers, staff renders,
// host names and tokens.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// hardStart runs `waymark serve` on the demo config, with its file
// descriptors limited to nofile when nofile > 0 (as `ulimit -n` does, soft
// and hard, so that the Go runtime cannot raise it), and extra environment.
func hardStart(t *testing.T, nofile int, env []string, extra ...string) *faultProc {
	t.Helper()
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProc{addr: faultAddr(t), admin: faultAddr(t), stderr: &faultBuf{}, done: make(chan struct{})}
	args := append([]string{"serve", "--addr", p.addr, "--admin-addr", p.admin, "--config", cfg, "--data-dir", "off"}, extra...)
	if nofile > 0 {
		p.cmd = exec.Command("/bin/sh", append([]string{"-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile), exe}, args...)...)
	} else {
		p.cmd = exec.Command(exe, args...)
	}
	p.cmd.Dir = dir
	p.cmd.Env = append(faultEnv(), env...)
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
	if err := faultReady(p, 60*time.Second); err != nil {
		t.Fatalf("waymark serve did not start: %v\nstderr:\n%s", err, p.stderr)
	}
	return p
}

// rawExchange sends raw bytes on a fresh connection and returns what comes
// back until the server closes it (or 3 s pass).
func rawExchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	return string(b)
}

// TestHardenIdleConnectionsKeepSiteUp: with 1,024 file descriptors and
// 1,500 idle keep-alive connections held open, a new visitor still gets
// the page within a second. Before the connection limiter the process ran
// out of descriptors and the new connection waited in the backlog.
func TestHardenIdleConnectionsKeepSiteUp(t *testing.T) {
	p := hardStart(t, 1024, nil)
	const held = 1500
	conns := make([]net.Conn, 0, held)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	answered := 0
	for range held {
		c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			// One request, then the connection stays open and idle.
			c.SetDeadline(time.Now().Add(3 * time.Second))
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				answered++
				mu.Unlock()
			}
			c.SetDeadline(time.Time{})
		})
	}
	wg.Wait()
	t.Logf("%d of %d held connections were answered before being held idle", answered, held)

	start := time.Now()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(p.url("/K7Q2M"))
	if err != nil {
		t.Fatalf("a new visitor with %d idle connections held: %v (after %v)", held, err, time.Since(start))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a new visitor: %d", resp.StatusCode)
	}
	// Held connections would make a visitor wait for the 10 s idle
	// timeout; 3 s leaves room for a loaded CI machine.
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a new visitor waited %v, want under 3 s", d)
	}
}

// TestHardenSlowHeadersKeepSiteUp: with 1,024 file descriptors and 1,500
// connections each sending its request header a few bytes at a time
// (slowloris), a new visitor still gets the page within a second: a
// connection whose header has not fully arrived counts as idle, and the
// longest-idle makes room.
func TestHardenSlowHeadersKeepSiteUp(t *testing.T) {
	p := hardStart(t, 1024, nil)
	const held = 1500
	conns := make([]net.Conn, 0, held)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range held {
		c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
		c.SetWriteDeadline(time.Now().Add(time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	}
	// Keep them trickling, within the server's 5 s header timeout.
	time.Sleep(1200 * time.Millisecond)
	for _, c := range conns {
		c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		io.WriteString(c, "a")
	}
	start := time.Now()
	// Under 3.8 s: the held headers would expire by the 5 s header timeout
	// by then, so a longer wait could not tell eviction from expiry.
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(p.url("/K7Q2M"))
	if err != nil {
		t.Fatalf("a new visitor with %d slow headers held: %v (after %v)", held, err, time.Since(start))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a new visitor: %d", resp.StatusCode)
	}
}

// publicPrivacyHeaders are headers every public response carries.
var publicPrivacyHeaders = []string{"Referrer-Policy: no-referrer", "Cache-Control: no-store", "X-Content-Type-Options: nosniff",
	"Content-Security-Policy: ", "X-Frame-Options: DENY", "Permissions-Policy: "}

// TestHardenNetHTTPErrorsCarryHeaders: the errors net/http writes before
// any handler runs carry the privacy headers, checked on raw TCP.
func TestHardenNetHTTPErrorsCarryHeaders(t *testing.T) {
	p := hardStart(t, 0, nil)
	big := strings.Repeat("a", 20<<10)
	for _, tt := range []struct{ name, raw, status string }{
		{"malformed path", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		{"bad header", "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400"},
		{"header too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", "431"},
		{"HTTP/2.0 on HTTP/1", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"},
		{"HTTP/3.1", "GET / HTTP/3.1\r\nHost: x\r\n\r\n", "505"},
		{"two hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "400"},
	} {
		got := rawExchange(t, p.addr, tt.raw)
		if got == "" {
			continue // closed without a body: also allowed
		}
		head, _, _ := strings.Cut(got, "\r\n\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 "+tt.status) {
			t.Errorf("%s: got %.60q, want status %s", tt.name, head, tt.status)
			continue
		}
		for _, h := range publicPrivacyHeaders {
			if !strings.Contains(head, "\r\n"+h) {
				t.Errorf("%s (%s): no %q in\n%s", tt.name, tt.status, strings.TrimSpace(h), head)
			}
		}
	}
}

// TestHardenManyHeaders: a request with 1,400 tiny headers is answered
// 431 with the privacy headers after its 64th header line, before net/http
// parses the rest, on the same connection, which then serves the next
// request; a browser's 30 headers are fine.
func TestHardenManyHeaders(t *testing.T) {
	p := hardStart(t, 0, nil)
	var b strings.Builder
	b.WriteString("GET /K7Q2M HTTP/1.1\r\nHost: x\r\n")
	for i := range 1400 {
		fmt.Fprintf(&b, "a%d: b\r\n", i)
	}
	b.WriteString("\r\nGET /K7Q2M HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	got := rawExchange(t, p.addr, b.String())
	first, second, _ := strings.Cut(got, "\r\n\r\n")
	if !strings.HasPrefix(first, "HTTP/1.1 431 ") {
		t.Fatalf("1,400 headers: %.80q, want 431", got)
	}
	for _, h := range publicPrivacyHeaders {
		if !strings.Contains(first, "\r\n"+h) {
			t.Errorf("1,400 headers: the 431 lacks %q:\n%s", h, first)
		}
	}
	if !strings.Contains(second, "HTTP/1.1 200 ") {
		t.Errorf("the request after the refused one on the same connection: %.200q, want 200", second)
	}
	// A browser's 30 headers are fine, also over several keep-alive requests.
	var ok strings.Builder
	for range 3 {
		ok.WriteString("GET /K7Q2M HTTP/1.1\r\nHost: x\r\n")
		for i := range 30 {
			fmt.Fprintf(&ok, "X-H%d: v\r\n", i)
		}
		ok.WriteString("\r\n")
	}
	ok.WriteString("GET /K7Q2M HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if got := rawExchange(t, p.addr, ok.String()); strings.Count(got, "HTTP/1.1 200 ") != 4 {
		t.Errorf("4 requests of 30 headers on one connection: %d answered 200", strings.Count(got, "HTTP/1.1 200 "))
	}
}

// TestHardenStaffRendersBounded: 30 concurrent 4,000-pixel QR PNGs (each a
// 16 MB image while drawn) no longer grow the process by hundreds of
// megabytes, and the public page still answers meanwhile.
func TestHardenStaffRendersBounded(t *testing.T) {
	p := hardStart(t, 0, []string{"GOGC=100"})
	before := p.rss(t)
	client := &http.Client{Timeout: 60 * time.Second}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	var peak int64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if r := p.rss(t); r > peak {
					mu.Lock()
					peak = max(peak, r)
					mu.Unlock()
				}
			}
		}
	}()
	venues := []string{"K7Q2M", "R4T8W", "N3VB7", "H9XD2", "S5FJ3"}
	for i := range 30 {
		wg.Go(func() {
			// Distinct sizes, so that the cache cannot answer.
			u := p.adminURL(fmt.Sprintf("/venues/%s/qr.png?size=%d", venues[i%len(venues)], 4000+i))
			resp, err := client.Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		})
	}
	// The public page answers meanwhile.
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(p.url("/K7Q2M"))
	if err != nil {
		t.Errorf("public page during 30 renders: %v", err)
	} else {
		resp.Body.Close()
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("public page during 30 renders took %v, want under 3 s", d)
		}
	}
	wg.Wait()
	close(stop)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("RSS before %d MiB, peak %d MiB; statuses %v", before>>20, peak>>20, codes)
	if codes[http.StatusOK] == 0 {
		t.Errorf("no render succeeded: %v", codes)
	}
	if grow := peak - before; grow > 100<<20 {
		t.Errorf("30 concurrent 4,000-pixel PNGs grew RSS by %d MiB, want under 100 MiB", grow>>20)
	}
}

// TestHardenStaffHostNames: a request for another host name (a hostile
// domain rebound to this machine) or marked cross-site is refused by the
// real staff listener; loopback names are served.
func TestHardenStaffHostNames(t *testing.T) {
	p := hardStart(t, 0, nil)
	cases := []struct {
		host, extra string
		want        string
	}{
		{"127.0.0.1", "", "200"},
		{"localhost", "", "200"},
		{"staff.example.org", "", "403"},
		{"rebind.attacker.example", "", "403"},
		{"127.0.0.1", "Sec-Fetch-Site: cross-site\r\n", "403"},
	}
	check := func(p *faultProc, cases []struct{ host, extra, want string }) {
		t.Helper()
		for _, tt := range cases {
			got := rawExchange(t, p.admin, "GET /stats HTTP/1.1\r\nHost: "+tt.host+"\r\n"+tt.extra+"Connection: close\r\n\r\n")
			if !strings.HasPrefix(got, "HTTP/1.1 "+tt.want) {
				t.Errorf("Host %s %q: %.40q, want %s", tt.host, tt.extra, got, tt.want)
			}
		}
	}
	check(p, cases)
	// --admin-hosts adds a name.
	p = hardStart(t, 0, nil, "--admin-hosts", "staff.example.org")
	check(p, []struct{ host, extra, want string }{{"staff.example.org", "", "200"}, {"rebind.attacker.example", "", "403"}})
}

// TestHardenWeakTokensRefused: serve refuses a blank, short, low-variety or
// placeholder WAYMARK_ADMIN_TOKEN and says how to make a good one; the
// systemd unit ships no placeholder token.
func TestHardenWeakTokensRefused(t *testing.T) {
	clearServeEnv(t)
	for _, tok := range []string{"", " ", "a", "change-me", "s3cret", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		t.Setenv("WAYMARK_ADMIN_TOKEN", tok)
		code, _, stderr := cli(t, "serve", "--addr", "127.0.0.1:0", "--admin-addr", "0.0.0.0:0")
		if code != 1 || !strings.Contains(stderr.String(), "openssl rand -base64 32") {
			t.Errorf("WAYMARK_ADMIN_TOKEN=%q: exit %d, stderr %q; want exit 1 with a command that makes a good token", tok, code, stderr)
		}
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "deploy", "waymark.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(unit), "\n") {
		if _, v, ok := strings.Cut(line, "WAYMARK_ADMIN_TOKEN="); ok && !strings.HasPrefix(v, "<") {
			t.Errorf("deploy/waymark.service sets a token value: %q", line)
		}
	}
}

// TestHardenCheckRefusesControls: `waymark check` refuses a config whose
// venue name holds U+202E, ESC or NUL, or is megabytes long, naming the
// file and line of each.
func TestHardenCheckRefusesControls(t *testing.T) {
	clearServeEnv(t)
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string {
		s = strings.Replace(s, `name = "Victoria Coach Station, London (demo)"`, "name = \"Victoria \u202eCoach Station\"", 1)
		s = strings.Replace(s, `name = "Birmingham New Street, toilets by platform 5 (demo)"`, `name = "Birmingham \u001b[2J\u0000"`, 1)
		return strings.Replace(s, `title = "Reisinformatie"`, `title = "`+strings.Repeat("R", 2<<20)+`"`, 1)
	})
	lines := strings.Split(string(must(os.ReadFile(cfg))), "\n")
	lineOf := func(sub string) int {
		for i, l := range lines {
			if strings.Contains(l, sub) {
				return i + 1
			}
		}
		t.Fatalf("%q not in the config", sub)
		return 0
	}
	code, stdout, stderr := cli(t, "check", "--config", cfg)
	out := stdout.String() + stderr.String()
	if code != 1 {
		t.Fatalf("check: exit %d, want 1:\n%.2000s", code, out)
	}
	for _, want := range []string{
		fmt.Sprintf("%s:%d: venue 1: name: holds a bidirectional control U+202E", cfg, lineOf("Victoria")),
		fmt.Sprintf("%s:%d: venue 2: name: holds a ESC", cfg, lineOf("Birmingham")),
		fmt.Sprintf("%s:%d: region 2: title: 2097152 bytes is too long", cfg, lineOf("RRRR")),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%.2000s", want, out)
		}
	}
	if len(out) > 10000 {
		t.Errorf("check printed %d bytes: it repeats the long value", len(out))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
