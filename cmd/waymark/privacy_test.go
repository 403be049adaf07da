//go:build linux

package main

// Privacy of the statistics, against a real `waymark serve` process (the
// test binary re-executed, see faults_test.go) and the real `waymark stats`
// command: nothing that leaves the process moves with one scan, small
// counts stay hidden in every output, and the counts survive a broken
// scans.db.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/stats"
)

// seedScans writes counts for past days into dir/scans.db: per code, the
// scans on each of the days before today (index 0 is yesterday).
func seedScans(t *testing.T, dir string, days map[string][]int) {
	t.Helper()
	st, err := stats.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for code, counts := range days {
		for i, n := range counts {
			for range n {
				st.Inc(code, now.AddDate(0, 0, -1-i))
			}
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func fetch(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
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

// TestPrivacyNothingMovesWithAScan: scans and HEADs against the public
// listener leave /metrics, the staff page, the CSV and `waymark stats`
// exactly as they were; what they show of past days follows the
// small-count rule, totals included.
func TestPrivacyNothingMovesWithAScan(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	// H9XD2: 12 yesterday, 3 the day before: an exact total (15) would
	// give the hidden 3 back by subtraction.
	seedScans(t, data, map[string][]int{"H9XD2": {12, 3}, "K7Q2M": {2}})
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--data-dir", data, "--flush-interval", "50ms")

	outputs := func() map[string]string {
		out := map[string]string{}
		for _, path := range []string{"/metrics", "/stats", "/stats?q=H9XD2", "/stats.csv"} {
			code, body := fetch(t, http.MethodGet, p.adminURL(path))
			if code != http.StatusOK {
				t.Fatalf("staff %s = %d", path, code)
			}
			if path == "/metrics" {
				// Only waymark's own series: memory gauges may drift.
				var keep []string
				for _, line := range strings.Split(body, "\n") {
					if strings.HasPrefix(line, "waymark_") && !strings.Contains(line, `listener="staff"`) {
						keep = append(keep, line)
					}
				}
				body = strings.Join(keep, "\n")
			}
			out[path] = body
		}
		var b bytes.Buffer
		var errb bytes.Buffer
		if code := run(context.Background(), []string{"stats", "--data-dir", data}, &b, &errb); code != 0 {
			t.Fatalf("waymark stats exited %d: %s", code, errb.String())
		}
		out["waymark stats"] = b.String()
		return out
	}
	before := outputs()

	// HEADs first: none may be counted.
	for range 5 {
		if code, _ := fetch(t, http.MethodHead, p.url("/K7Q2M")); code != http.StatusOK {
			t.Fatalf("HEAD /K7Q2M = %d", code)
		}
	}
	time.Sleep(200 * time.Millisecond) // several flushes
	if got := todayScans(t, data, "K7Q2M"); got != 0 {
		t.Errorf("after 5 HEAD requests scans.db holds %d scans of K7Q2M today, want 0", got)
	}
	for range 7 {
		if code, _ := fetch(t, http.MethodGet, p.url("/H9XD2")); code != http.StatusOK {
			t.Fatalf("GET /H9XD2 = %d", code)
		}
		fetch(t, http.MethodGet, p.url("/ZZZZ9")) // a mistyped code
	}
	deadline := time.Now().Add(30 * time.Second)
	for todayScans(t, data, "H9XD2") != 7 {
		if time.Now().After(deadline) {
			t.Fatalf("today's 7 scans of H9XD2 did not reach scans.db")
		}
		time.Sleep(50 * time.Millisecond)
	}

	after := outputs()
	for what, b := range before {
		if after[what] != b {
			t.Errorf("%s changed with today's scans and requests:\nbefore:\n%s\nafter:\n%s", what, b, after[what])
		}
	}

	// What they show of the past follows the rule.
	m := after["/metrics"]
	for _, want := range []string{`waymark_scans_total{venue="H9XD2"} 12`, `waymark_scan_days_few_total{venue="H9XD2"} 1`,
		`waymark_scans_total{venue="K7Q2M"} 0`, `waymark_scan_days_few_total{venue="K7Q2M"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, `listener="public"`) {
		t.Errorf("/metrics counts today's public requests:\n%s", m)
	}
	_, full := fetch(t, http.MethodGet, p.adminURL("/metrics"))
	for _, leak := range []string{"\ngo_goroutines ", "\nprocess_cpu_seconds_total ", "\nprocess_open_fds ", "\ngo_memstats_alloc_bytes_total "} {
		if strings.Contains(full, leak) {
			t.Errorf("/metrics has %s, which moves with each request", strings.TrimSpace(leak))
		}
	}
	if !strings.Contains(after["/stats?q=H9XD2"], "<td>at least 13</td>") {
		t.Errorf("staff /stats?q=H9XD2 lacks the total \"at least 13\" (12 + one hidden day):\n%s", after["/stats?q=H9XD2"])
	}
	for what, out := range after {
		for _, leak := range []string{"<td>15</td>", "<td>22</td>", ",3\n", ",2\n", "fewer than 5  \n"} {
			if strings.Contains(out, leak) {
				t.Errorf("%s shows %q", what, leak)
			}
		}
	}
	if !regexp.MustCompile(`H9XD2\s+at least 13\n`).MatchString(after["waymark stats"]) {
		t.Errorf("waymark stats: no total \"at least 13\" for H9XD2:\n%s", after["waymark stats"])
	}

	// The command refuses to hide less than the rule.
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"stats", "--data-dir", data, "--threshold", "1"}, io.Discard, &errb); code == 0 {
		t.Error("waymark stats --threshold 1 was accepted: it would print every small count")
	}
}

// todayScans reads today's count of code from dir/scans.db.
func todayScans(t *testing.T, dir, code string) uint64 {
	t.Helper()
	st, err := stats.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format(stats.DayLayout)
	rows, err := st.Daily(today, today)
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, r := range rows {
		if r.Code == code {
			n += r.Count
		}
	}
	return n
}

// TestPrivacyFileTimeIsTheFlushTime: scans.db's modification time moves on
// the flush schedule whether anyone scanned or not, so it cannot date the
// last scan.
func TestPrivacyFileTimeIsTheFlushTime(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--data-dir", data, "--flush-interval", "100ms")
	fetch(t, http.MethodGet, p.url("/K7Q2M"))
	path := filepath.Join(data, stats.FileName)
	deadline := time.Now().Add(30 * time.Second)
	for todayScans(t, data, "K7Q2M") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the scan did not reach scans.db")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// No scan from now on; the time stamp keeps moving all the same.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(fi.ModTime()) < time.Minute {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("scans.db's time stayed at %v with no scans: it dates the last scan", fi.ModTime())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Fatalf("serve: %v\n%s", err, p.stderr)
	}
}

// TestPrivacyBrokenFileKeepsCounts: a damaged scans.db is tried again
// while the server runs, and once it is repaired the counts kept in memory
// reach it; if it is still unusable at shutdown, the counts go to a fresh
// file beside it, named in the log.
func TestPrivacyBrokenFileKeepsCounts(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, stats.FileName)
	faultWrite(t, path, "this is not a database\n")
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--data-dir", data, "--flush-interval", "100ms")
	p.waitLog(t, regexp.MustCompile(`scan counts file unusable.*`+regexp.QuoteMeta(path)), 30*time.Second)

	for range 3 {
		fetch(t, http.MethodGet, p.url("/K7Q2M"))
	}
	// The operator repairs it (here: moves the broken file away).
	if err := os.Rename(path, path+".broken"); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, regexp.MustCompile(`scan counts file usable again`), 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for todayScans(t, data, "K7Q2M") != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after the repair scans.db holds %d scans of K7Q2M, want the 3 counted in memory", todayScans(t, data, "K7Q2M"))
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Broken again, and still broken at shutdown.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	faultWrite(t, path, "broken again\n")
	for range 2 {
		fetch(t, http.MethodGet, p.url("/N3VB7"))
	}
	p.stop(t, 20*time.Second) // exits non-zero: the final write failed
	m := regexp.MustCompile(`saved to (\S+scans-rescued-\S+\.db)`).FindStringSubmatch(p.stderr.String())
	if m == nil {
		t.Fatalf("the shutdown log names no rescue file:\n%s", p.stderr)
	}
	rescued := strings.TrimRight(m[1], `"`)
	if filepath.Dir(rescued) != data {
		t.Errorf("rescue file %s is not beside %s", rescued, path)
	}
	read := t.TempDir()
	if err := os.Rename(rescued, filepath.Join(read, stats.FileName)); err != nil {
		t.Fatal(err)
	}
	if n := todayScans(t, read, "N3VB7"); n != 2 {
		t.Errorf("the rescue file holds %d scans of N3VB7, want 2", n)
	}
}
