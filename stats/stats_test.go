package stats

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	day1 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	day2 = day1.Add(24 * time.Hour)
)

func mustOpen(t *testing.T, dir string) *Stats {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	return s
}

func mustDaily(t *testing.T, s *Stats, since, until string) []Row {
	t.Helper()
	rows, err := s.Daily(since, until)
	if err != nil {
		t.Fatalf("Daily(%q, %q): %v", since, until, err)
	}
	return rows
}

func TestCountsSurviveCloseAndReopen(t *testing.T) {
	dir := t.TempDir()

	s := mustOpen(t, dir)
	for range 3 {
		s.Inc("A", day1)
	}
	s.Inc("B", day1)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.Inc("A", day2) // pending until Close
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopen and add to the stored values rather than replacing them.
	s = mustOpen(t, dir)
	s.Inc("A", day1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	want := []Row{
		{"2026-03-14", "A", 4},
		{"2026-03-14", "B", 1},
		{"2026-03-15", "A", 1},
	}
	for _, open := range []struct {
		name string
		fn   func(string) (*Stats, error)
	}{{"Open", Open}, {"OpenReadOnly", OpenReadOnly}} {
		s, err := open.fn(dir)
		if err != nil {
			t.Fatalf("%s: %v", open.name, err)
		}
		if got := mustDaily(t, s, "", ""); !slices.Equal(got, want) {
			t.Errorf("%s: Daily() = %v, want %v", open.name, got, want)
		}
		if got := s.Totals(); got["A"] != 5 || got["B"] != 1 || len(got) != 2 {
			t.Errorf("%s: Totals() = %v, want map[A:5 B:1]", open.name, got)
		}
	}
}

func TestFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	s := mustOpen(t, dir)
	if got := s.Path(); got != filepath.Join(dir, FileName) {
		t.Errorf("Path() = %q, want %q", got, filepath.Join(dir, FileName))
	}
	for path, want := range map[string]fs.FileMode{dir: 0o700, s.Path(): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		// The umask can only remove bits, so more than this is a bug.
		if got := fi.Mode().Perm(); got&^want != 0 {
			t.Errorf("%s has mode %v, want at most %v", path, got, want)
		}
	}
}

func TestDailyCombinesStoredAndPending(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	s.Inc("A", day1)
	s.Inc("A", day2)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.Inc("A", day1)
	s.Inc("B", day2)
	s.Inc("C", day2.Add(24*time.Hour))

	tests := []struct {
		since, until string
		want         []Row
	}{
		{"", "", []Row{{"2026-03-14", "A", 2}, {"2026-03-15", "A", 1}, {"2026-03-15", "B", 1}, {"2026-03-16", "C", 1}}},
		{"2026-03-15", "", []Row{{"2026-03-15", "A", 1}, {"2026-03-15", "B", 1}, {"2026-03-16", "C", 1}}},
		{"", "2026-03-14", []Row{{"2026-03-14", "A", 2}}},
		{"2026-03-15", "2026-03-15", []Row{{"2026-03-15", "A", 1}, {"2026-03-15", "B", 1}}},
		{"2026-03-17", "", []Row{}},
	}
	for _, tt := range tests {
		if got := mustDaily(t, s, tt.since, tt.until); !slices.Equal(got, tt.want) {
			t.Errorf("Daily(%q, %q) = %v, want %v", tt.since, tt.until, got, tt.want)
		}
	}
	if got := s.Totals(); got["A"] != 3 || got["B"] != 1 || got["C"] != 1 || len(got) != 3 {
		t.Errorf("Totals() = %v, want map[A:3 B:1 C:1]", got)
	}
	for _, bad := range []string{"14.03.2026", "2026-3-14", "yesterday"} {
		if _, err := s.Daily(bad, ""); err == nil {
			t.Errorf("Daily(%q, \"\") succeeded, want an error", bad)
		}
	}
}

func TestMemoryOnly(t *testing.T) {
	s := mustOpen(t, "")
	if s.Path() != "" {
		t.Errorf("Path() = %q, want empty in memory-only mode", s.Path())
	}
	s.Inc("A", day1)
	s.Inc("A", day1)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	// Flushing must not throw memory-only counts away.
	if got, want := mustDaily(t, s, "", ""), []Row{{"2026-03-14", "A", 2}}; !slices.Equal(got, want) {
		t.Errorf("Daily() = %v, want %v", got, want)
	}
	if got := s.Totals(); got["A"] != 2 {
		t.Errorf("Totals() = %v, want map[A:2]", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentIncAndFlush is meant for -race: 50 goroutines x 1000 scans,
// while Run flushes every millisecond and readers query Daily and Totals.
func TestConcurrentIncAndFlush(t *testing.T) {
	const goroutines, perGoroutine = 50, 1000
	dir := t.TempDir()
	s := mustOpen(t, dir)

	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error)
	go func() { runDone <- s.Run(ctx, time.Millisecond) }()

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				s.Inc([]string{"A", "B"}[(g+i)%2], day1)
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if _, err := s.Daily("", ""); err != nil {
				t.Error(err)
			}
			s.Totals()
		}
	})
	wg.Wait()
	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("Run: %v", err)
	}

	s, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{"2026-03-14", "A", goroutines * perGoroutine / 2}, {"2026-03-14", "B", goroutines * perGoroutine / 2}}
	if got := mustDaily(t, s, "", ""); !slices.Equal(got, want) {
		t.Errorf("after Run, file holds %v, want %v", got, want)
	}
}

func TestFailedFlushKeepsCounts(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	s.Inc("A", day1)

	// Put a directory where the file should be, so the write fails.
	if err := os.Rename(s.Path(), s.Path()+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(s.Path(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err == nil || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("Flush() = %v, want an error naming %s", err, s.Path())
	}
	if got := s.Totals(); got["A"] != 1 {
		t.Errorf("after failed flush, Totals() = %v, want map[A:1]", got)
	}

	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(s.Path()+".moved", s.Path()); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatalf("retry: %v", err)
	}
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustDaily(t, r, "", ""), []Row{{"2026-03-14", "A", 1}}; !slices.Equal(got, want) {
		t.Errorf("after retry, file holds %v, want %v", got, want)
	}
}

func TestBadFilesGiveErrorsNamingThePath(t *testing.T) {
	// Random garbage of sizes around bbolt's meta page boundaries; the seed
	// is fixed so a failure can be reproduced.
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) func(string) error {
		return func(path string) error {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return os.WriteFile(path, b, 0o600)
		}
	}
	foreignBolt := func(path string) error {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			return err
		}
		err = db.Update(func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket([]byte("somebody-else"))
			return err
		})
		return errors.Join(err, db.Close())
	}

	tests := []struct {
		name  string
		write func(path string) error
	}{
		{"100 random bytes", random(100)},
		{"4 KiB random bytes", random(4096)},
		{"64 KiB random bytes", random(64 << 10)},
		{"text file", func(p string) error { return os.WriteFile(p, []byte("hello\n"), 0o600) }},
		{"someone else's bbolt file", foreignBolt},
	}
	for _, tt := range tests {
		for _, open := range []struct {
			name string
			fn   func(string) (*Stats, error)
		}{{"Open", Open}, {"OpenReadOnly", OpenReadOnly}} {
			t.Run(tt.name+"/"+open.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, FileName)
				if err := tt.write(path); err != nil {
					t.Fatal(err)
				}
				before, _ := os.ReadFile(path)
				s, err := open.fn(dir)
				if err == nil {
					t.Fatalf("%s succeeded on a bad file, want an error", open.name)
				}
				if s != nil {
					t.Errorf("%s returned a non-nil *Stats with its error", open.name)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file %s", err, path)
				}
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Errorf("%s modified the bad file", open.name)
				}
			})
		}
	}
}

func TestEmptyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Read-only cannot initialise it, and must say which file is wrong.
	if _, err := OpenReadOnly(dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("OpenReadOnly() = %v, want an error naming %s", err, path)
	}
	// A writer treats it as new, as bbolt does: there is nothing to lose.
	s := mustOpen(t, dir)
	s.Inc("A", day1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := mustDaily(t, mustOpen(t, dir), "", ""), []Row{{"2026-03-14", "A", 1}}; !slices.Equal(got, want) {
		t.Errorf("Daily() = %v, want %v", got, want)
	}
}

func TestCorruptValueGivesError(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	db, err := bolt.Open(s.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scansBucket).Put([]byte("2026-03-14/A"), []byte("x"))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Daily("", ""); err == nil || !strings.Contains(err.Error(), s.Path()) {
		t.Errorf("Daily() = %v, want an error naming %s", err, s.Path())
	}
	// Open reads no counts (a campaign's year is millions of rows), so the
	// bad value is reported where counts are read, naming the file.
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.PublishedTotals(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), DefaultThreshold); err == nil || !strings.Contains(err.Error(), s.Path()) {
		t.Errorf("PublishedTotals() = %v, want an error naming %s", err, s.Path())
	}
}

func TestLockedFile(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	path := filepath.Join(dir, FileName)

	// Another process (here: another handle) holding the file.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	start := time.Now()
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("Open() = %v, want an error saying %s is locked", err, path)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("Open waited %v, want about %v", waited, lockTimeout)
	}
}

func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	parent := t.TempDir()
	tests := []struct {
		name  string
		setup func(dir string) error
	}{
		{"missing directory", func(string) error { return nil }},
		{"empty directory", func(dir string) error { return os.Mkdir(dir, 0o700) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(parent, strings.ReplaceAll(tt.name, " ", "-"))
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			before := listTree(t, parent)
			_, err := OpenReadOnly(dir)
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("OpenReadOnly() = %v, want an fs.ErrNotExist error", err)
			}
			if after := listTree(t, parent); !slices.Equal(before, after) {
				t.Errorf("OpenReadOnly created files: before %v, after %v", before, after)
			}
		})
	}
	if _, err := OpenReadOnly(""); err == nil {
		t.Error(`OpenReadOnly("") succeeded, want an error`)
	}
}

func TestReadOnlyRefusesToWrite(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	s, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Inc("A", day1)
	if err := s.Flush(); err == nil {
		t.Error("Flush on a read-only Stats succeeded, want an error")
	}
}

func listTree(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		paths = append(paths, path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestPrivacyFileHoldsOnlyDayAndCode drives Stats the way the landing-page
// handler will: a request full of identifying details comes in, the handler
// passes the venue code and the time, and the file must end up holding
// nothing but (day, code) -> count.
func TestPrivacyFileHoldsOnlyDayAndCode(t *testing.T) {
	const (
		ip       = "203.0.113.9"
		agent    = "Mozilla/5.0 TestAgent"
		referrer = "https://ref.example"
		language = "xx-TESTLANG"
	)
	dir := t.TempDir()
	s := mustOpen(t, dir)
	known := map[string]bool{"BUS01": true, "CAFE2": true}
	now := time.Date(2026, 3, 14, 21, 47, 13, 0, time.UTC)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := strings.TrimPrefix(r.URL.Path, "/")
		if !known[code] {
			http.NotFound(w, r)
			return
		}
		s.Inc(code, now)
	})

	for _, path := range []string{"/BUS01", "/BUS01", "/CAFE2", "/unknown", "/BUS01?utm=" + ip} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = ip + ":51234"
		req.Header.Set("User-Agent", agent)
		req.Header.Set("Referer", referrer)
		req.Header.Set("Accept-Language", language)
		req.Header.Set("X-Forwarded-For", ip)
		handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{ip, agent, "TestAgent", referrer, "ref.example", language, "unknown", "21:47"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("scans.db contains %q", secret)
		}
	}

	// Walk the whole file: exactly our two buckets, the format marker, and
	// one key per (day, code).
	db, err := bolt.Open(s.Path(), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]uint64{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				switch string(name) {
				case string(metaBucket):
					if string(k) != string(formatKey) || string(v) != string(formatValue) {
						t.Errorf("unexpected meta entry %q = %q", k, v)
					}
				case string(scansBucket):
					if v == nil {
						t.Errorf("unexpected nested bucket %q", k)
						return nil
					}
					n, err := decodeCount(v)
					if err != nil {
						return err
					}
					got[string(k)] = n
				default:
					t.Errorf("unexpected bucket %q", name)
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"2026-03-14/BUS01": 3, "2026-03-14/CAFE2": 1}
	if len(got) != len(want) {
		t.Errorf("scans bucket = %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("scans[%q] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestFlushTouchesFileOnSchedule: the file's modification time is the time
// of the last flush, scans or not, never the time of the last scan.
func TestFlushTouchesFileOnSchedule(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	s.Inc("A", day1)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(s.Path(), old, old); err != nil {
		t.Fatal(err)
	}
	// Nothing to write: the time stamp moves all the same.
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().After(old.Add(30 * time.Minute)) {
		t.Errorf("after an empty flush the file's time is %v, want now: it would date the last scan", fi.ModTime())
	}
}

// TestOpenRetryingRecoversAndRescues: an unusable file is retried, and the
// counts reach it once it is repaired; a file still broken at the end gets
// the counts written beside it.
func TestOpenRetryingRecoversAndRescues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenRetrying(dir)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenRetrying on a broken file: err = %v, want one naming %s", err, path)
	}
	if s.Path() != path || s.Unusable() == nil {
		t.Fatalf("Path() = %q, Unusable() = %v; want the file's path and its error", s.Path(), s.Unusable())
	}
	s.Inc("A", day1)
	// Tries again after 1 s, then 2 s, 4 s: not every interval.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if got := s.nextFlush(time.Hour); got > want || got < want-500*time.Millisecond {
			t.Errorf("next attempt in %v, want about %v", got, want)
		}
		if err := s.Flush(); err == nil {
			t.Fatal("Flush onto a broken file succeeded")
		}
	}
	// Repaired: removed, so a fresh file can be made.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	var reopened string
	s.OnReopen = func(p string) { reopened = p }
	if err := s.Flush(); err != nil {
		t.Fatalf("Flush after the repair: %v", err)
	}
	if reopened != path || s.Unusable() != nil {
		t.Errorf("OnReopen got %q, Unusable() = %v", reopened, s.Unusable())
	}
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustDaily(t, r, "", ""), []Row{{"2026-03-14", "A", 1}}; !slices.Equal(got, want) {
		t.Errorf("after the repair the file holds %v, want %v", got, want)
	}

	// Broken again, and still broken at exit: Run saves the counts beside it.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	s.Inc("B", day1)
	s.Inc("B", day1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = s.Run(ctx, time.Hour)
	if err == nil {
		t.Fatal("Run on a broken file returned no error")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, RescuePattern))
	if len(matches) != 1 || !strings.Contains(err.Error(), matches[0]) {
		t.Fatalf("Run: %v; rescued files %v, want one, named in the error", err, matches)
	}
	rescued := t.TempDir()
	if err := os.Rename(matches[0], filepath.Join(rescued, FileName)); err != nil {
		t.Fatal(err)
	}
	r, err = OpenReadOnly(rescued)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustDaily(t, r, "", ""), []Row{{"2026-03-14", "B", 2}}; !slices.Equal(got, want) {
		t.Errorf("the rescued file holds %v, want %v", got, want)
	}
}

// TestPublishedTotalsFollowTheRule: completed days only, each day under
// the small-count rule, so no total gives a hidden day back.
func TestPublishedTotalsFollowTheRule(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	for range 3 {
		s.Inc("A", now.AddDate(0, 0, -2)) // hidden day
	}
	for range 7 {
		s.Inc("A", now.AddDate(0, 0, -1))
	}
	for range 9 {
		s.Inc("A", now) // today: not published
	}
	s.Inc("B", now) // today only
	for _, flush := range []bool{false, true} {
		if flush {
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.PublishedTotals(now, DefaultThreshold)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Total{Exact: 7, Hidden: 1}); got["A"] != want || len(got) != 1 {
			t.Errorf("flushed %v: PublishedTotals = %v, want only A: %+v", flush, got, want)
		}
		if d := got["A"].Display(); d != "at least 8" {
			t.Errorf("Display() = %q, want \"at least 8\"", d)
		}
	}
	rows, err := s.DailyFor([]string{"A", "B"}, "2026-03-18", "2026-03-20")
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{"2026-03-18", "A", 3}, {"2026-03-19", "A", 7}, {"2026-03-20", "A", 9}, {"2026-03-20", "B", 1}}
	if !slices.Equal(rows, want) {
		t.Errorf("DailyFor = %v, want %v", rows, want)
	}
}

// TestExpectVenuesRaisesTheCap: a national campaign's venues, each scanned
// on two days around midnight, are all counted.
func TestExpectVenuesRaisesTheCap(t *testing.T) {
	s := mustOpen(t, "")
	const venues = DefaultMaxKeys + DefaultMaxKeys/2
	s.ExpectVenues(venues)
	for i := range venues {
		code := strconv.Itoa(i)
		s.Inc(code, day1)
		s.Inc(code, day1.AddDate(0, 0, 1))
	}
	if d := s.Dropped(); d != 0 {
		t.Errorf("%d scans dropped with %d venues expected", d, venues)
	}
}

// TestWriteCompletedCSVMergesFileAndMemory: the streamed CSV adds the
// file's counts and those not yet flushed, in order, completed days only.
func TestWriteCompletedCSVMergesFileAndMemory(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	d := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	for range 6 {
		s.Inc("B", d(2))
	}
	s.Inc("D", d(1))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.Inc("B", d(2)) // the same day and venue, not yet flushed: 7
	s.Inc("A", d(2)) // before B in the same day
	s.Inc("C", d(1))
	s.Inc("E", d(0)) // today: left out
	var b bytes.Buffer
	if err := s.WriteCompletedCSV(&b, "", now, DefaultThreshold, nil); err != nil {
		t.Fatal(err)
	}
	want := "day,venue,scans\n2026-03-18,A,<5\n2026-03-18,B,7\n2026-03-19,C,<5\n2026-03-19,D,<5\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}
