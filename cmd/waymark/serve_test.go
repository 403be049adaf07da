package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/stats"
)

// serveEnv are the environment variables that `serve` reads. Tests clear
// them so that a developer's own settings cannot change the outcome.
var serveEnv = []string{"WAYMARK_ADMIN_TOKEN", "WAYMARK_ADDR", "WAYMARK_ADMIN_ADDR", "WAYMARK_BASE_URL",
	"WAYMARK_CONFIG", "WAYMARK_DEV", "WAYMARK_HSTS", "WAYMARK_LOG_LEVEL", "WAYMARK_DATA_DIR", "WAYMARK_FLUSH_INTERVAL", "WAYMARK_LOCALES"}

func clearServeEnv(t *testing.T) {
	t.Helper()
	for _, name := range serveEnv {
		t.Setenv(name, "") // restored after the test
		os.Unsetenv(name)
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. `serve` does not report the ports it bound, so the test chooses.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// server is one `waymark serve` running in-process.
type server struct {
	public, admin string // base URLs
	cancel        context.CancelFunc
	done          chan int
	stderr        *lockedBuffer
}

// startServe runs `serve` with the given extra flags on free loopback
// ports and waits until both listeners answer.
func startServe(t *testing.T, extra ...string) *server {
	t.Helper()
	pub, adm := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{public: "http://" + pub, admin: "http://" + adm, cancel: cancel, done: make(chan int, 1), stderr: &lockedBuffer{}}
	args := append([]string{"serve", "--addr", pub, "--admin-addr", adm}, extra...)
	go func() { s.done <- run(ctx, args, io.Discard, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s of cancellation")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for _, base := range []string{s.public, s.admin} {
		for {
			resp, err := http.Get(base + "/")
			if err == nil {
				resp.Body.Close()
				break
			}
			select {
			case code := <-s.done:
				t.Fatalf("serve exited with %d before answering:\n%s", code, s.stderr)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not answer within 30 s: %v\n%s", base, err, s.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return s
}

// stop cancels the context, as SIGTERM does in main, and returns the exit
// code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop within 20 s of cancellation:\n%s", s.stderr)
		return -1
	}
}

func httpGet(t *testing.T, url string) (*http.Response, string) {
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
	return resp, string(b)
}

// diskScans sums a venue's scans in dataDir/scans.db, all days.
func diskScans(t *testing.T, dataDir, code string) uint64 {
	t.Helper()
	st, err := stats.OpenReadOnly(dataDir)
	if err != nil {
		t.Fatalf("OpenReadOnly(%s): %v", dataDir, err)
	}
	rows, err := st.Daily("", "")
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, r := range rows {
		if r.Code != code {
			t.Errorf("scans.db has a row for %q, which was never scanned", r.Code)
			continue
		}
		n += r.Count
	}
	return n
}

var statsCellRE = regexp.MustCompile(`<tr><td><code>K7Q2M</code>[^<]*</td><td>([^<]*)</td>`)

// TestServe runs the server twice on one data directory: the public page
// answers with the privacy headers, scans of a poster URL reach scans.db
// (periodically, and at shutdown), cancelling the context stops the server
// cleanly, and the counts survive the restart.
func TestServe(t *testing.T) {
	clearServeEnv(t)
	dir := t.TempDir()
	flags := []string{"--data-dir", dir, "--flush-interval", "100ms", "--log-level", "warn"}
	// Yesterday's six scans are on record; the staff page shows completed
	// days only, so today's scans below must not change its numbers.
	seed, err := stats.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		seed.Inc("K7Q2M", time.Now().AddDate(0, 0, -1))
	}
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}

	s := startServe(t, flags...)
	resp, body := httpGet(t, s.public+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for name, want := range map[string]string{
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store, max-age=0",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"X-Robots-Tag":           "noindex, noarchive",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("public %s: %q, want %q", name, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("public Content-Security-Policy %q lacks default-src 'none'", csp)
	}
	if pp := resp.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") {
		t.Errorf("public Permissions-Policy %q", pp)
	}
	for _, name := range []string{"Set-Cookie", "Strict-Transport-Security", "Server"} {
		if v := resp.Header.Get(name); v != "" {
			t.Errorf("public page sends %s: %q", name, v)
		}
	}
	if !strings.Contains(body, "08000 121 700") {
		t.Error("public home page lacks the helpline number")
	}
	// Staff routes are not on the public listener.
	if resp, _ := httpGet(t, s.public+"/stats.csv"); resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("public /stats.csv = %d %s, want the 404 safe page", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	for range 3 {
		if resp, _ := httpGet(t, s.public+"/K7Q2M"); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /K7Q2M = %d", resp.StatusCode)
		}
	}
	// Neither an unknown code nor a language page counts.
	httpGet(t, s.public+"/ZZZZ9")
	httpGet(t, s.public+"/K7Q2M/ar")

	// The periodic flush writes the counts while the server runs.
	deadline := time.Now().Add(5 * time.Second)
	for diskScans(t, dir, "K7Q2M") != 6+3 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s with --flush-interval 100ms, scans.db holds %d K7Q2M scans, want 6+3", diskScans(t, dir, "K7Q2M"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	resp, body = httpGet(t, s.admin+"/stats")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("staff /stats = %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if m := statsCellRE.FindStringSubmatch(body); m == nil || m[1] != "6" {
		t.Errorf("staff /stats K7Q2M cell = %v, want 6: yesterday's, without today's", m)
	}

	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited with %d after cancellation, want 0:\n%s", code, s.stderr)
	}
	if _, err := http.Get(s.public + "/"); err == nil {
		t.Error("the public listener still answers after shutdown")
	}
	if n := diskScans(t, dir, "K7Q2M"); n != 6+3 {
		t.Errorf("after shutdown scans.db holds %d K7Q2M scans, want 6+3", n)
	}

	// Restart on the same data: the old counts are there and new ones add.
	s = startServe(t, flags...)
	for range 2 {
		httpGet(t, s.public+"/k7q2m")
	}
	_, body = httpGet(t, s.admin+"/stats")
	if m := statsCellRE.FindStringSubmatch(body); m == nil || m[1] != "6" {
		t.Errorf("after restart and 2 more scans today, staff /stats K7Q2M cell = %v, want still 6", m)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("second serve exited with %d, want 0:\n%s", code, s.stderr)
	}
	if n := diskScans(t, dir, "K7Q2M"); n != 6+5 {
		t.Errorf("after the restart scans.db holds %d K7Q2M scans, want 6+5", n)
	}
	if strings.Contains(s.stderr.String(), "level=ERROR") {
		t.Errorf("serve logged errors:\n%s", s.stderr)
	}
}

// TestServeAdminAddrNeedsToken: a staff listener off loopback needs
// WAYMARK_ADMIN_TOKEN; with it set the same address is accepted.
func TestServeAdminAddrNeedsToken(t *testing.T) {
	clearServeEnv(t)
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:8081", "localhost.example.org:8081"} {
		code, _, stderr := cli(t, "serve", "--addr", "127.0.0.1:0", "--admin-addr", addr)
		if code != 1 || !strings.Contains(stderr.String(), "WAYMARK_ADMIN_TOKEN") {
			t.Errorf("serve --admin-addr %s without a token: exit %d, stderr %q; want exit 1 naming WAYMARK_ADMIN_TOKEN", addr, code, stderr)
		}
	}
	// The variable works too, not only the flag.
	t.Setenv("WAYMARK_ADMIN_ADDR", "0.0.0.0:0")
	if code, _, stderr := cli(t, "serve", "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(stderr.String(), "WAYMARK_ADMIN_TOKEN") {
		t.Errorf("WAYMARK_ADMIN_ADDR=0.0.0.0:0 without a token: exit %d, stderr %q", code, stderr)
	}

	// With the token the same address starts; the context is already
	// cancelled, so it stops at once.
	t.Setenv("WAYMARK_ADMIN_TOKEN", "q1w8Z0aXbVt3kR9mPzL2eA")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stderr := &lockedBuffer{}
	if code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "0.0.0.0:0"}, io.Discard, stderr); code != 0 {
		t.Errorf("serve --admin-addr 0.0.0.0:0 with a token: exit %d:\n%s", code, stderr)
	}
}

func TestHelp(t *testing.T) {
	// Only "help": `waymark --help` and `-h` run `serve --help` instead
	// (cli.go defaults to serve for any first argument starting with "-"),
	// which is reported as a bug.
	for _, arg := range []string{"help"} {
		code, stdout, _ := cli(t, arg)
		if code != 0 {
			t.Errorf("%s: exit %d", arg, code)
		}
		for _, cmd := range []string{"serve", "venues", "check", "qr", "poster", "posters"} {
			if !regexp.MustCompile(`(?m)^  ` + cmd + ` `).MatchString(stdout.String()) {
				t.Errorf("%s does not list the command %s:\n%s", arg, cmd, stdout)
			}
		}
	}
	code, _, stderr := cli(t, "frobnicate")
	if code != 2 || !strings.Contains(stderr.String(), `unknown command "frobnicate"`) || !strings.Contains(stderr.String(), "  posters ") {
		t.Errorf("unknown command: exit %d, stderr %q; want 2 with the usage", code, stderr)
	}
}

func TestServeHelp(t *testing.T) {
	clearServeEnv(t)
	code, stdout, stderr := cli(t, "serve", "--help")
	if code != 0 {
		t.Errorf("serve --help: exit %d", code)
	}
	out := stdout.String() + stderr.String()
	for _, flag := range []string{"addr", "admin-addr", "base-url", "config", "data-dir", "flush-interval"} {
		want := fmt.Sprintf("--%s  [%s]", flag, envName(flag))
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %q:\n%s", want, out)
		}
	}
	for _, env := range []string{"WAYMARK_ADDR", "WAYMARK_ADMIN_ADDR", "WAYMARK_BASE_URL", "WAYMARK_CONFIG", "WAYMARK_ADMIN_TOKEN"} {
		if !strings.Contains(out, env) {
			t.Errorf("serve --help does not name %s", env)
		}
	}
}
