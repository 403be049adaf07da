//go:build linux

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/bench/scalegen"
)

// A national campaign, against a real `waymark serve` process: 100,000
// venues start quickly and small, and every staff page answers at once.
//
// The targets are start-up under 2 s, RSS under 200 MB and every
// staff page within 1 s; docs/benchmarks.md records the measured numbers
// (`bench/run scale`). The bounds here are generous, for a shared 2-core
// CI machine that other jobs load: they catch what the issue found (16 s,
// 1.1 GB, pages that never answer), not noise. Start-up is bounded by the
// CPU time the process used as well as, loosely, by the wall clock. The
// CPU time is about 4 s on a quiet machine, but neighbours still change
// it (6.4 s in one CI run, beside the browser tests: caches and shared
// cores), so its bound too is wide.
const (
	campaignVenues       = 100_000
	maxCampaignStartCPU  = 10 * time.Second
	maxCampaignStartWall = 30 * time.Second
	// 288 MiB: thirty languages, pre-rendered variants and whole-script
	// poster fonts on the staff sheet (issues 22, 23), and the course's
	// lessons (issue 27: 145 → 167–175 MiB after start-up, 257 after the
	// staff pages); the target is 200 MB.
	maxCampaignRSS    = 288 << 20
	maxStaffPage      = 5 * time.Second
	maxStaffPageBytes = 2 << 20
)

func TestScaleNationalCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test: skipped with -short")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "campaign.toml")
	if err := os.WriteFile(cfg, scalegen.Config(campaignVenues), 0o600); err != nil {
		t.Fatal(err)
	}
	last := scalegen.Code(campaignVenues - 1)

	start := time.Now()
	p := campaignStart(t, dir, cfg, "--data-dir", filepath.Join(dir, "data"))
	if code, _ := fetch(t, http.MethodGet, p.url("/"+last)); code != http.StatusOK {
		t.Fatalf("GET /%s = %d", last, code)
	}
	wall := time.Since(start)
	cpu := processCPU(t, p)
	rss := p.rss(t)
	t.Logf("%d venues: first page after %v wall, %v CPU; RSS %.0f MiB", campaignVenues, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(rss)/(1<<20))
	if cpu > maxCampaignStartCPU {
		t.Errorf("start-up used %v of CPU, over the bound %v (target: under 2 s)", cpu, maxCampaignStartCPU)
	}
	if wall > maxCampaignStartWall {
		t.Errorf("start-up took %v, over the loose bound %v (target: under 2 s)", wall, maxCampaignStartWall)
	}
	if rss > maxCampaignRSS {
		t.Errorf("RSS after start-up %.0f MiB, over %d MiB", float64(rss)/(1<<20), maxCampaignRSS>>20)
	}

	c := &http.Client{Timeout: 2 * maxStaffPage}
	lastPage := (campaignVenues + 5 + 49) / 50
	for _, path := range []string{
		"/", "/?page=2", fmt.Sprintf("/?page=%d", lastPage), "/?q=" + strings.ToLower(last), "/?q=generated+venue+4242",
		"/stats", fmt.Sprintf("/stats?page=%d", lastPage/2), "/stats?q=" + last,
		"/posters?size=A4", fmt.Sprintf("/posters?size=A3&page=%d", lastPage), "/posters?size=A5&q=" + last,
		"/stats.csv", "/metrics",
	} {
		t0 := time.Now()
		resp, err := c.Get(p.adminURL(path))
		if err != nil {
			t.Errorf("staff %s: %v", path, err)
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		n := int64(len(body))
		// A printable sheet carries its fonts once (Chinese alone is
		// 2.6 MB): the bound is on the rest.
		for _, m := range fontDataRE.FindAllIndex(body, -1) {
			n -= int64(m[1] - m[0])
		}
		took := time.Since(t0)
		t.Logf("staff %s: %d, %d bytes in %v", path, resp.StatusCode, n, took.Round(time.Millisecond))
		switch {
		case err != nil:
			t.Errorf("staff %s: reading the answer: %v", path, err)
		case resp.StatusCode != http.StatusOK:
			t.Errorf("staff %s = %d", path, resp.StatusCode)
		case took > maxStaffPage:
			t.Errorf("staff %s took %v, over %v (target: 1 s)", path, took, maxStaffPage)
		case n > maxStaffPageBytes:
			t.Errorf("staff %s is %d bytes besides its fonts: a page of venues, not all of them, was wanted", path, n)
		}
	}
	// Right after the staff pages, the resident size holds their garbage
	// too, as much as the collector's pacing lets build up (up to twice
	// the live heap): 246-257 MiB measured. What the bound is for is
	// what stays (1.1 GB before issue 16); the server hands surges back
	// within seconds (memory.go), so a loaded machine gets 30 s.
	rss = p.rss(t)
	t.Logf("RSS after the staff pages %.0f MiB", float64(rss)/(1<<20))
	for deadline := time.Now().Add(30 * time.Second); rss > maxCampaignRSS && time.Now().Before(deadline); {
		time.Sleep(time.Second)
		rss = p.rss(t)
	}
	if rss > maxCampaignRSS {
		t.Errorf("RSS after the staff pages %.0f MiB, over %d MiB", float64(rss)/(1<<20), maxCampaignRSS>>20)
	}
	if err := p.stop(t, 20*time.Second); err != nil {
		t.Errorf("serve: %v", err)
	}
}

// campaignStart is faultStart with a readiness deadline for a loaded CI
// machine: loading 100,000 venues takes about 1.3 s of CPU, but on two
// cores shared with other jobs the wall clock can be ten times that.
func campaignStart(t *testing.T, dir, cfg string, extra ...string) *faultProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProc{addr: faultAddr(t), admin: faultAddr(t), stderr: &faultBuf{}, done: make(chan struct{})}
	p.cmd = exec.Command(exe, append([]string{"serve", "--addr", p.addr, "--admin-addr", p.admin, "--config", cfg}, extra...)...)
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
	if err := faultReady(p, maxCampaignStartWall); err != nil {
		t.Fatalf("waymark serve with %d venues did not answer within %v: %v\nstderr:\n%s", campaignVenues, maxCampaignStartWall, err, p.stderr)
	}
	return p
}

// processCPU is the user and system CPU time the process has used so far.
func processCPU(t *testing.T, p *faultProc) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis. utime and stime are fields 14 and 15.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ticks := 0
	for _, s := range f[11:13] {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("/proc/stat: %v", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// fontDataRE matches the inline font files of a poster document.
var fontDataRE = regexp.MustCompile(`url\(data:font/[a-z0-9]+;base64,[A-Za-z0-9+/=]+\)`)
