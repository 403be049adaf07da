package deploy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
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

	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/stats"
)

// block is one fenced code block of docs/deploy.md.
type block struct {
	info string // "sh", "sh server", "yaml"
	line int
	text string
}

func docBlocks(t *testing.T) []block {
	t.Helper()
	f, err := os.Open("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []block
	var cur *block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && line == "## A new country or city":
			// An example in a folder of its own, not the guide's next step:
			// cmd/waymark's TestDeployDocNewCountry follows it as written.
			return blocks
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{info: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: n}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("docs/deploy.md:%d: unclosed code block", cur.line)
	}
	return blocks
}

// docs/deploy.md, followed start to finish on this machine: every plain sh
// block runs as written, in order, in a copy of the source folder (only the
// ports 8080 and 8081 are swapped for free loopback ports, so that tests
// can run side by side). Its results are then served as the guide says:
// the server behind deploy/Caddyfile, the static export behind nginx and
// Caddy, and the backup restored. Blocks for the server are checked for
// syntax, and every waymark command and flag in them must exist.
func TestDeployGuideRunsAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds waymark and runs the guide")
	}
	realtools.Need(t, "curl", "curl")
	blocks := docBlocks(t)
	src := copySource(t)
	pub, adm := freePort(t), freePort(t)
	ports := strings.NewReplacer("127.0.0.1:8080", fmt.Sprintf("127.0.0.1:%d", pub), "127.0.0.1:8081", fmt.Sprintf("127.0.0.1:%d", adm))

	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	// No PATH to the built program: on a laptop it is ./waymark, as
	// the guide builds it, and a block that says plain `waymark` fails.
	ran := 0
	for _, b := range blocks {
		if b.info != "sh" {
			continue
		}
		ran++
		fmt.Fprintf(&script, "echo '### docs/deploy.md:%d'\n", b.line)
		for _, line := range strings.Split(strings.TrimRight(ports.Replace(b.text), "\n"), "\n") {
			fmt.Fprintf(&script, "echo %q\n", "$ "+line)
			if strings.HasPrefix(line, "./waymark serve ") {
				// It runs until stopped: in the background, and on once
				// it answers, as a reader would open a second terminal.
				fmt.Fprintf(&script, "%s >serve.log 2>&1 &\necho $! >serve.pid\n", line)
				fmt.Fprintf(&script, "for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:%d/ && break; sleep 0.1; done\n", pub)
				continue
			}
			script.WriteString(line + "\n")
		}
	}
	if ran < 6 {
		t.Fatalf("only %d runnable blocks in docs/deploy.md", ran)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = src
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	// The server the guide started: stopped at the end, as with Ctrl-C.
	defer func() {
		if pid, err := os.ReadFile(filepath.Join(src, "serve.pid")); err == nil {
			var p int
			fmt.Sscan(string(pid), &p)
			if p > 0 && syscall.Kill(p, syscall.SIGINT) == nil {
				for i := 0; i < 100 && syscall.Kill(p, 0) == nil; i++ {
					time.Sleep(50 * time.Millisecond)
				}
				syscall.Kill(p, syscall.SIGKILL)
			}
		}
	}()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(src, "serve.log"))
		t.Fatalf("the guide's commands failed: %v\n%s\nserve.log:\n%s", err, out.String(), log)
	}
	t.Logf("the guide's commands:\n%s", out.String())
	for _, want := range []string{"\n200\n", `lang="ar"`, "ok\n", "scans-backup.db: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the guide's output lacks %q", want)
		}
	}

	live := fmt.Sprintf("http://127.0.0.1:%d", pub)
	t.Run("server behind deploy/Caddyfile", func(t *testing.T) {
		conf, err := os.ReadFile("Caddyfile")
		if err != nil {
			t.Fatal(err)
		}
		base, _ := runCaddy(t, caddyOnLoopback(t, string(conf), "\n{$WAYMARK_DOMAIN:example.org} {\n"), fmt.Sprintf("WAYMARK_UPSTREAM=127.0.0.1:%d", pub))
		same(t, base, live, "/K7Q2M", "ti-ER")
	})
	export := filepath.Join(src, "public-export")
	os.Chmod(src, 0o755)
	t.Run("export behind nginx", func(t *testing.T) {
		conf, err := os.ReadFile(filepath.Join(export, "nginx/waymark.conf"))
		if err != nil {
			t.Fatal(err)
		}
		site := strings.Replace(string(conf), "root /var/www/waymark;", "root "+export+";", 1)
		base := runNginx(t, site)
		for _, al := range []string{"", "ar", "zh-CN"} {
			same(t, base, live, "/K7Q2M", al)
		}
	})
	t.Run("export behind Caddy", func(t *testing.T) {
		conf, err := os.ReadFile(filepath.Join(export, "Caddyfile"))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Replace(string(conf), "root * /var/www/waymark", "root * "+export, 1)
		base, _ := runCaddy(t, caddyOnLoopback(t, text, "\n:8080 {\n"))
		for _, al := range []string{"", "ar", "pt-BR,pt;q=0.9"} {
			same(t, base, live, "/K7Q2M", al)
		}
	})
	t.Run("monitoring names real metrics", func(t *testing.T) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", adm))
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// Scans show per completed day only: add yesterday's, through the
		// same metrics code, to see that family too.
		st, err := stats.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		st.Inc("K7Q2M", time.Now().UTC().AddDate(0, 0, -1))
		rec := httptest.NewRecorder()
		handlers.NewMetrics(st).Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		metrics = append(metrics, rec.Body.Bytes()...)
		n := 0
		for _, b := range blocks {
			if b.info != "yaml" {
				continue
			}
			for _, m := range regexp.MustCompile(`waymark_[a-z_]+`).FindAllString(b.text, -1) {
				n++
				if !bytes.Contains(metrics, []byte("# TYPE "+m+" ")) {
					t.Errorf("docs/deploy.md:%d names %s, which /metrics does not serve", b.line, m)
				}
			}
		}
		if n == 0 {
			t.Error("no alert rule names a waymark metric")
		}
	})
	t.Run("server blocks", func(t *testing.T) {
		checkServerBlocks(t, blocks, filepath.Join(src, "waymark"))
	})
}

// checkServerBlocks: what cannot run here must at least parse, and name
// only commands and flags that exist.
func checkServerBlocks(t *testing.T, blocks []block, waymark string) {
	call := regexp.MustCompile(`(?:^|[\s/;&|(])waymark ([a-z0-9]+)([^|;&#\n]*)`)
	n := 0
	for _, b := range blocks {
		if b.info != "sh server" {
			continue
		}
		n++
		if out, err := exec.Command("bash", "-n", "-c", b.text).CombinedOutput(); err != nil {
			t.Errorf("docs/deploy.md:%d: does not parse: %v\n%s", b.line, err, out)
		}
		for _, m := range call.FindAllStringSubmatch(b.text, -1) {
			if m[1] == "help" {
				continue
			}
			help, _ := exec.Command(waymark, m[1], "--help").CombinedOutput()
			if !strings.Contains(string(help), "Usage: waymark "+m[1]) {
				t.Errorf("docs/deploy.md:%d: no command `waymark %s`", b.line, m[1])
				continue
			}
			for _, f := range regexp.MustCompile(`(?:^|\s)(--?[a-z][a-z-]*)`).FindAllStringSubmatch(m[2], -1) {
				name := strings.TrimLeft(f[1], "-")
				if !strings.Contains(string(help), "--"+name+"  ") {
					t.Errorf("docs/deploy.md:%d: `waymark %s` has no flag %s", b.line, m[1], f[1])
				}
			}
		}
	}
	if n < 5 {
		t.Errorf("only %d server blocks", n)
	}
}

// copySource copies what building waymark needs into a temporary folder,
// so that the guide's commands (which write into the source folder) leave
// this one alone.
func copySource(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "waymark")
	skip := map[string]bool{".git": true, "node_modules": true, "screens": true, "results": true}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && skip[d.Name()] {
			return filepath.SkipDir
		}
		if rel == "waymark" || strings.HasSuffix(rel, ".test") || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// same compares a page from a host with the live server's: status and body.
func same(t *testing.T, base, live, path, acceptLanguage string) {
	t.Helper()
	wantBody, want := fetch(t, live+path, acceptLanguage, "gzip")
	gotBody, got := fetch(t, base+path, acceptLanguage, "gzip")
	if got.StatusCode != want.StatusCode || !bytes.Equal(gotBody, wantBody) {
		t.Errorf("%s %q: %d, %d bytes; server %d, %d bytes", path, acceptLanguage, got.StatusCode, len(gotBody), want.StatusCode, len(wantBody))
	}
	for _, k := range []string{"Content-Security-Policy", "Vary", "Cache-Control", "Content-Encoding", "Content-Type"} {
		if got.Header.Get(k) != want.Header.Get(k) {
			t.Errorf("%s %q: %s %q, server %q", path, acceptLanguage, k, got.Header.Get(k), want.Header.Get(k))
		}
	}
}

// runNginx runs a real nginx with site included in its http block, on a
// loopback port instead of 8080.
func runNginx(t *testing.T, site string) string {
	t.Helper()
	nginx := realtools.Need(t, "nginx", "nginx")
	port := freePort(t)
	if !strings.Contains(site, "listen 8080;") {
		t.Fatal("the nginx config no longer listens on 8080")
	}
	site = strings.Replace(site, "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", port), 1)
	prefix := t.TempDir()
	main := fmt.Sprintf("daemon off;\nworker_processes 1;\npid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\nevents { worker_connections 64; }\nhttp {\n"+
		"    client_body_temp_path %[1]s/body;\n    proxy_temp_path %[1]s/proxy;\n    fastcgi_temp_path %[1]s/fastcgi;\n"+
		"    uwsgi_temp_path %[1]s/uwsgi;\n    scgi_temp_path %[1]s/scgi;\n%[2]s\n}\n", prefix, site)
	if os.Geteuid() == 0 {
		main = "user root;\n" + main
	}
	conf := filepath.Join(prefix, "nginx.conf")
	os.WriteFile(conf, []byte(main), 0o644)
	cmd := exec.Command(nginx, "-p", prefix, "-c", conf)
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM, so that the master stops its workers too.
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base, &logs)
	return base
}

// caddyOnLoopback swaps a Caddyfile's site address for plain http on a
// loopback port, and turns off the admin endpoint so that several Caddys
// can run side by side. It returns the text with "PORT" for the port.
func caddyOnLoopback(t *testing.T, text, site string) string {
	t.Helper()
	if !strings.Contains(text, site) || !strings.Contains(text, "{\n\t# Caddy writes") && !strings.Contains(text, "{\n\tlog default") {
		t.Fatalf("the Caddyfile no longer has the lines this test adapts:\n%s", text)
	}
	text = strings.Replace(text, site, "\nhttp://127.0.0.1:PORT {\n\tbind 127.0.0.1\n", 1)
	if strings.Contains(text, "{\n\t# Caddy writes") {
		return strings.Replace(text, "{\n\t# Caddy writes", "{\n\tadmin off\n\t# Caddy writes", 1)
	}
	return strings.Replace(text, "{\n\tlog default", "{\n\tadmin off\n\tlog default", 1)
}

// runCaddy runs a real Caddy with a Caddyfile from caddyOnLoopback, and
// returns its address and its log.
func runCaddy(t *testing.T, text string, env ...string) (string, *lockedBuffer) {
	t.Helper()
	caddy := realtools.Need(t, "caddy", "caddy")
	port := freePort(t)
	home := t.TempDir()
	path := filepath.Join(home, "Caddyfile")
	os.WriteFile(path, []byte(strings.Replace(text, "PORT", fmt.Sprint(port), 1)), 0o644)
	cmd := exec.Command(caddy, "run", "--config", path, "--adapter", "caddyfile")
	cmd.Env = append(append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home), env...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base, logs)
	return base, logs
}
