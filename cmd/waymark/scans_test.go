//go:build linux

package main

// Scan counts in PostgreSQL, shared by several `waymark serve` processes
// (this test binary re-executed, as in faults_test.go), against a real
// throwaway PostgreSQL server (internal/realtools). Flush intervals are
// short so that each test takes seconds.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/stats"
)

func TestMain(m *testing.M) {
	code := m.Run()
	realtools.StopSharedPostgres()
	os.Exit(code)
}

// scansInDB is the database's count of code over every day.
func scansInDB(t *testing.T, pg *realtools.Postgres, db, code string) int64 {
	t.Helper()
	return pg.Query(t, db, `SELECT coalesce(sum(scans), 0)::bigint FROM waymark_scans WHERE venue = $1`, code)
}

func waitScansInDB(t *testing.T, pg *realtools.Postgres, db, code string, want int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := scansInDB(t, pg, db, code)
		if got == want {
			return
		}
		if got > want || time.Now().After(deadline) {
			t.Fatalf("database holds %d scans of %s, want %d", got, code, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scan opens a poster's address once and checks that the help page came.
func scan(c *http.Client, p *faultProc, code string) error {
	resp, err := c.Get(p.url("/" + code))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(b.String(), "<html") {
		return fmt.Errorf("GET /%s = %d", code, resp.StatusCode)
	}
	return nil
}

// TestScansThreeCopiesExact: three copies on one database, 3,000 scans of
// one venue spread over them, SIGTERM to all: the database holds exactly
// 3,000.
func TestScansThreeCopiesExact(t *testing.T) {
	pg := realtools.SharedPostgres(t)
	db := pg.NewDatabase(t)
	url := pg.URL("postgres", db)
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	var procs []*faultProc
	for i := range 3 {
		procs = append(procs, faultStart(t, dir, cfg, "--scans", url, "--flush-interval", "200ms",
			"--data-dir", filepath.Join(dir, fmt.Sprint("data", i))))
	}
	const total = 3000
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := faultClient()
			for {
				i := next.Add(1) - 1
				if i >= total {
					return
				}
				if err := scan(c, procs[i%3], "K7Q2M"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, p := range procs {
		p.signal(t, syscall.SIGTERM)
	}
	for _, p := range procs {
		select {
		case <-p.done:
			if p.waitErr != nil {
				t.Errorf("serve exited with %v:\n%s", p.waitErr, p.stderr)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("serve did not exit within 30s of SIGTERM:\n%s", p.stderr)
		}
	}
	if got := scansInDB(t, pg, db, "K7Q2M"); got != total {
		t.Errorf("database holds %d scans of K7Q2M after 3 copies took %d and stopped, want exactly %d", got, total, total)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// timedScans makes n scans one after another and returns their latencies.
func timedScans(t *testing.T, c *http.Client, p *faultProc, code string, n int) []time.Duration {
	t.Helper()
	var ds []time.Duration
	for range n {
		start := time.Now()
		if err := scan(c, p, code); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	return ds
}

// TestScansDatabaseOutage: with PostgreSQL stopped, 500 scans are served
// at the same speed as before and after (medians in this run), none gets
// an error page, the log says how many counts wait (and nothing about
// visitors), and once the database is back all 500 arrive.
func TestScansDatabaseOutage(t *testing.T) {
	pg := realtools.NeedPostgres(t) // its own server: this test stops it
	db := pg.NewDatabase(t)
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--scans", pg.URL("postgres", db), "--flush-interval", "100ms", "--data-dir", filepath.Join(dir, "data"))
	c := faultClient()

	const warm, normal, outage = 50, 200, 500
	timedScans(t, c, p, "H9XD2", warm) // connections and caches warm
	before := timedScans(t, c, p, "H9XD2", normal)
	waitScansInDB(t, pg, db, "H9XD2", warm+normal, 30*time.Second)

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	during := timedScans(t, c, p, "H9XD2", outage)
	p.waitLog(t, regexp.MustCompile(`writing scan counts.*waiting_counts=[1-9]`), 30*time.Second)
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	after := timedScans(t, c, p, "H9XD2", normal)
	// Back-off after failures reaches a few seconds; the counts wait.
	waitScansInDB(t, pg, db, "H9XD2", warm+2*normal+outage, 60*time.Second)
	p.waitLog(t, regexp.MustCompile(`scan counts written again after a failure`), 30*time.Second)

	// The machine is shared and loaded: "normal" is the median of every
	// scan with the database up, before and after, and 1 ms of slack
	// absorbs scheduling noise. Waiting for the database (a connect
	// timeout is seconds) would be far beyond it.
	base := median(append(before, after...))
	t.Logf("median page time: %v with the database up, %v while it was down", base, median(during))
	if got := median(during); got > 2*base+time.Millisecond {
		t.Errorf("median page time with the database down %v, more than twice the normal median %v", got, base)
	}
	if err := p.stop(t, 30*time.Second); err != nil {
		t.Errorf("serve exited with %v", err)
	}
	// Nothing about a visitor or a venue: no code, no client.
	for _, leak := range []string{"H9XD2", "Go-http-client", "GET /"} {
		if strings.Contains(p.stderr.String(), leak) {
			t.Errorf("the log names %q:\n%s", leak, p.stderr)
		}
	}
}

// TestScansKilledLosesOneInterval: a copy killed with SIGKILL loses at
// most the scans of its last flush interval (docs/scaling.md says so).
func TestScansKilledLosesOneInterval(t *testing.T) {
	pg := realtools.SharedPostgres(t)
	db := pg.NewDatabase(t)
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	const interval = 500 * time.Millisecond
	p := faultStart(t, dir, cfg, "--scans", pg.URL("postgres", db), "--flush-interval", interval.String(), "--data-dir", filepath.Join(dir, "data"))
	c := faultClient()

	// Scans for four seconds, each one's end time noted, then SIGKILL.
	var done []time.Time
	for start := time.Now(); time.Since(start) < 4*time.Second; {
		if err := scan(c, p, "N3VB7"); err != nil {
			t.Fatal(err)
		}
		done = append(done, time.Now())
	}
	killed := time.Now()
	p.signal(t, syscall.SIGKILL)
	<-p.done

	got := scansInDB(t, pg, db, "N3VB7")
	// Everything answered more than one interval before the kill was
	// flushed, give or take the flush's own transaction and a loaded
	// machine's scheduling (2 s of slack).
	var mustHave int64
	for _, d := range done {
		if d.Before(killed.Add(-interval - 2*time.Second)) {
			mustHave++
		}
	}
	if mustHave == 0 {
		t.Fatalf("no scan was older than one interval and the slack at the kill (%d scans)", len(done))
	}
	if got < mustHave || got > int64(len(done)) {
		t.Errorf("after SIGKILL the database holds %d of %d scans; those older than one flush interval (%d) must all be there", got, len(done), mustHave)
	}
	t.Logf("SIGKILL after %d scans: %d in the database, %d lost", len(done), got, int64(len(done))-got)
}

// TestScansStatsOverPostgres: the statistics page, the CSV, /metrics and
// `waymark stats` over PostgreSQL apply the small-count rule to the sum
// over copies: 2 + 2 is hidden, 3 + 3 = 6 is shown. Also `waymark stats
// migrate` and `waymark stats import` as the docs run them.
func TestScansStatsOverPostgres(t *testing.T) {
	pg := realtools.SharedPostgres(t)
	db := pg.NewDatabase(t)
	url := pg.URL("postgres", db)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"stats", "migrate", "--scans", url}, &out, &errb); code != 0 {
		t.Fatalf("waymark stats migrate exited %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "from version 0 to 1") {
		t.Errorf("waymark stats migrate said %q", out.String())
	}

	// Two copies counted yesterday: 2 + 2 scans of K7Q2M, 3 + 3 of H9XD2;
	// and views of lessons (issue 27): 2 + 2 of "where", 3 + 3 of
	// "accounts" and of "apps", kept in the same table and never shown as
	// a venue.
	yesterday := time.Now().AddDate(0, 0, -1)
	for range 2 {
		st, err := stats.OpenPostgres(url, "")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			st.Inc("K7Q2M", yesterday)
		}
		for range 3 {
			st.Inc("H9XD2", yesterday)
			st.Inc(stats.LessonCode("accounts"), yesterday)
			st.Inc(stats.LessonCode("apps"), yesterday)
		}
		st.Inc(stats.LessonCode("where"), yesterday)
		st.Inc(stats.LessonCode("where"), yesterday)
		if err := st.Flush(); err != nil {
			t.Fatal(err)
		}
		st.Disconnect()
	}

	dir := t.TempDir()
	// The course in another order (apps, where, accounts, traces, ...):
	// lesson tables follow the config, neither the demo nor the alphabet.
	cfg := faultConfig(t, dir, func(s string) string {
		s = strings.Replace(s, "[[lessons]]\nid = \"apps\"\n\n", "", 1)
		return strings.Replace(s, "[[lessons]]\nid = \"where\"\n", "[[lessons]]\nid = \"apps\"\n\n[[lessons]]\nid = \"where\"\n", 1)
	})
	p := faultStart(t, dir, cfg, "--scans", url, "--flush-interval", "100ms")
	// Today's view of a lesson reaches the database by its ID alone,
	// and shows nowhere until the day is over.
	if code, _ := fetch(t, http.MethodGet, p.url("/K7Q2M/en/4")); code != http.StatusOK {
		t.Fatalf("lesson 4 = %d", code)
	}
	waitScansInDB(t, pg, db, stats.LessonCode("traces"), 1, time.Minute)
	_, page6 := fetch(t, http.MethodGet, p.adminURL("/stats?q=H9XD2"))
	_, page4 := fetch(t, http.MethodGet, p.adminURL("/stats?q=K7Q2M"))
	_, csv := fetch(t, http.MethodGet, p.adminURL("/stats.csv"))
	_, metrics := fetch(t, http.MethodGet, p.adminURL("/metrics"))
	out.Reset()
	if code := run(context.Background(), []string{"stats", "--scans", url, "--config", cfg}, &out, &errb); code != 0 {
		t.Fatalf("waymark stats --scans exited %d: %s", code, errb.String())
	}
	var csvOut bytes.Buffer
	if code := run(context.Background(), []string{"stats", "--scans", url, "--config", cfg, "--csv"}, &csvOut, &errb); code != 0 {
		t.Fatalf("waymark stats --scans --csv exited %d: %s", code, errb.String())
	}
	day := stats.LastCompleteDay(time.Now())
	checks := []struct {
		what, text string
		want, not  []string
	}{
		{"staff /stats?q=H9XD2", page6, []string{"<td>6</td>", "<h2>Lesson views</h2>",
			"<tr><td>1. <code>apps</code> Apps that watch you</td><td>6</td><td>6</td></tr>" +
				"<tr><td>2. <code>where</code> Is someone seeing where you are?</td><td>at least 1</td><td>at least 1</td></tr>" +
				"<tr><td>3. <code>accounts</code> Is someone in your accounts?</td><td>6</td><td>6</td></tr>" +
				"<tr><td>4. <code>traces</code> "}, []string{"<td>3</td>", "lesson:"}},
		{"staff /stats?q=K7Q2M", page4, []string{"<td>at least 1</td>"}, []string{"<td>4</td>", "<td>2</td>"}},
		{"staff /stats.csv", csv, []string{day + ",H9XD2,6\n", day + ",K7Q2M,<5\n" +
			"\nday,lesson,views\n" + day + ",apps,6\n" + day + ",where,<5\n" + day + ",accounts,6\n"}, []string{",4\n", ",2\n", ",3\n", "lesson:", "traces"}},
		{"waymark stats --csv", csvOut.String(), []string{"day,venue,scans\n", day + ",K7Q2M,<5\n" +
			"\nday,lesson,views\n" + day + ",apps,6\n" + day + ",where,<5\n" + day + ",accounts,6\n"}, []string{",4\n", "lesson:", "traces"}},
		{"/metrics", metrics, []string{`waymark_scans_total{venue="H9XD2"} 6`, `waymark_scans_total{venue="K7Q2M"} 0`, `waymark_scan_days_few_total{venue="K7Q2M"} 1`,
			`waymark_lesson_views_total{lesson="accounts"} 6`, `waymark_lesson_view_days_few_total{lesson="where"} 1`}, []string{"lesson:", `lesson="traces"`}},
		{"waymark stats --scans", out.String(), []string{"H9XD2  6", "fewer than 5", "\nLESSON    TOTAL\napps      6\nwhere     at least 1\naccounts  6\n"},
			[]string{"  4\n", "lesson:", "traces"}},
	}
	for _, c := range checks {
		for _, w := range c.want {
			if !strings.Contains(c.text, w) {
				t.Errorf("%s lacks %q:\n%s", c.what, w, c.text)
			}
		}
		for _, w := range c.not {
			if strings.Contains(c.text, w) {
				t.Errorf("%s shows %q:\n%s", c.what, w, c.text)
			}
		}
	}

	// A backup of the database is the sums, in scans.db's format.
	backup := filepath.Join(t.TempDir(), stats.FileName)
	if code := run(context.Background(), []string{"backup", "--scans", url, "-o", backup}, &out, &errb); code != 0 {
		t.Fatalf("waymark backup --scans exited %d: %s", code, errb.String())
	}
	copied, err := stats.OpenReadOnly(filepath.Dir(backup))
	if err != nil {
		t.Fatal(err)
	}
	if tot := copied.Totals(); tot["H9XD2"] != 6 || tot["K7Q2M"] != 4 || tot[stats.LessonCode("accounts")] != 6 {
		t.Errorf("backup of the database holds %v, want H9XD2 6, K7Q2M 4 and 6 views of accounts", tot)
	}

	// A bbolt data folder moved in once, however often the import runs.
	data := filepath.Join(dir, "old")
	seedScans(t, data, map[string][]int{"S5FJ3": {0, 9}, stats.LessonCode("taken"): {0, 2}})
	for i, want := range []string{"(9 scans, 2 lesson views) added", "already imported, nothing added"} {
		out.Reset()
		if code := run(context.Background(), []string{"stats", "import", "--from", data, "--to", url}, &out, &errb); code != 0 {
			t.Fatalf("waymark stats import (run %d) exited %d: %s", i+1, code, errb.String())
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("waymark stats import run %d said %q, want %q", i+1, out.String(), want)
		}
	}
	if got := scansInDB(t, pg, db, "S5FJ3"); got != 9 {
		t.Errorf("after two imports the database holds %d scans of S5FJ3, want 9", got)
	}
}

// TestScansBboltStaysDefault: without --scans the counts go to scans.db
// in the data folder, exactly as --scans bbolt:DIR; no database needed.
func TestScansBboltStaysDefault(t *testing.T) {
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	for _, args := range [][]string{
		{"--data-dir", filepath.Join(dir, "a")},
		{"--scans", "bbolt:" + filepath.Join(dir, "b")},
	} {
		data := args[1]
		if strings.HasPrefix(data, "bbolt:") {
			data = strings.TrimPrefix(data, "bbolt:")
		}
		p := faultStart(t, dir, cfg, append(args, "--flush-interval", "50ms")...)
		if err := scan(faultClient(), p, "R4T8W"); err != nil {
			t.Fatal(err)
		}
		if err := p.stop(t, 15*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := todayScans(t, data, "R4T8W"); got != 1 {
			t.Errorf("serve %v: scans.db holds %d scans, want 1", args, got)
		}
		if !strings.Contains(p.stderr.String(), filepath.Join(data, stats.FileName)) {
			t.Errorf("serve %v does not log where the counts go:\n%s", args, p.stderr)
		}
	}
}
