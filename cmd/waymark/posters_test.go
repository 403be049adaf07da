//go:build linux

package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/bench/scalegen"
	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/site"
)

// TestPostersProgress runs `waymark posters` as a real process over a
// generated campaign: it prints one poster at a time, writes each PDF at
// once, reports progress (count, rate, time left) on stderr while it runs,
// and its own memory stays small.
func TestPostersProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("prints posters: skipped with -short")
	}
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (Debian package chromium)", err)
		}
		t.Skip(err)
	}
	const generated = 3
	demo, err := site.Demo(nil)
	if err != nil {
		t.Fatal(err)
	}
	total := generated + len(demo.Venues) // and the demo's own
	dir := t.TempDir()
	cfg := filepath.Join(dir, "campaign.toml")
	if err := os.WriteFile(cfg, scalegen.Config(generated), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "posters", "--config", cfg, "--out", out, "--size", "A5", "--draft", "--base-url", "https://help.example.org")
	cmd.Env = faultEnv()
	stderr := &faultBuf{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	done := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
			<-done
		}
	})

	p := &faultProc{cmd: cmd}
	var peakRSS int64
	progressWhileRunning := false
	deadline := time.After(5 * time.Minute)
wait:
	for {
		select {
		case <-done:
			if waitErr != nil {
				t.Fatalf("waymark posters: %v\n%s", waitErr, stderr)
			}
			break wait
		case <-deadline:
			t.Fatalf("waymark posters did not finish %d posters in 5 minutes:\n%s", total, stderr)
		case <-time.After(100 * time.Millisecond):
			if b, err := os.ReadFile("/proc/" + itoa(cmd.Process.Pid) + "/status"); err == nil && strings.Contains(string(b), "VmRSS") {
				peakRSS = max(peakRSS, p.rss(t))
			}
			if strings.Contains(stderr.String(), "[1/") {
				progressWhileRunning = true
			}
		}
	}

	var pdfs []string
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if strings.HasSuffix(p, "-A5.pdf") {
			pdfs = append(pdfs, p)
		}
		return err
	})
	if len(pdfs) != total {
		t.Errorf("%d PDFs in %s, want %d", len(pdfs), out, total)
	}
	line := regexp.MustCompile(`(?m)^\[(\d+)/(\d+)\] \S+-A5\.pdf \(\d+\.\d posters/s, about \S+ left\)$`)
	got := line.FindAllStringSubmatch(stderr.String(), -1)
	if len(got) != total {
		t.Errorf("%d progress lines with count, rate and time left, want %d:\n%s", len(got), total, stderr)
	}
	for i, m := range got {
		if m[1] != itoa(i+1) || m[2] != itoa(total) {
			t.Errorf("progress line %d reads [%s/%s], want [%d/%d]", i+1, m[1], m[2], i+1, total)
		}
	}
	if !progressWhileRunning {
		t.Error("no progress line appeared while the posters were printing")
	}
	t.Logf("%d posters; waymark's own peak RSS %.0f MiB", total, float64(peakRSS)/(1<<20))
	// 256 MiB: a poster embeds a whole font per script it shows (issue 23;
	// Chinese alone is 2.6 MB, held a few times while the page is built).
	if peakRSS > 256<<20 {
		t.Errorf("waymark posters reached %.0f MiB of RSS: it should keep no poster once written", float64(peakRSS)/(1<<20))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
