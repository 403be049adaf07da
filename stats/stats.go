package stats

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultFlushInterval is a sensible interval for Run: a crash loses at
// most this much counting, and a quiet server touches the disk at most this
// often (not at all when nothing was scanned).
const DefaultFlushInterval = time.Minute

// Row is the number of scans of one venue on one UTC day.
type Row struct {
	Day   string // UTC date, DayLayout
	Code  string // venue code
	Count uint64
}

// Stats is the scan counter the rest of Waymark uses. It counts in memory
// and, when opened with a data directory, adds the counts to
// <dataDir>/scans.db on Flush. Without a data directory (demo mode) the
// counts live only in memory and are lost on restart; every method works the
// same way in both modes.
//
// Stats is safe for concurrent use.
type Stats struct {
	counter *Counter
	store   backend // nil in memory-only mode, or while a file is unusable

	// memOnly is set when there is nowhere to flush to (the demo).
	memOnly bool
	// pg is the store when it is PostgreSQL (also in store). Its schema
	// is checked (and created if the role may) before the first write;
	// spill files left by a copy that stopped while the database was down
	// are sent on before its own counts (see postgres.go).
	pg *pgStore

	// OnFlushError, if set before Run is called, receives the errors of
	// periodic flushes. A failed flush keeps its counts in memory and they
	// are retried on the next one, so an error here means "not yet on disk",
	// not "lost".
	OnFlushError func(error)

	// mu makes Flush atomic with respect to Daily and Totals: between Drain
	// and the end of the write, counts are in neither the counter nor the
	// file, and a reader must not see that gap.
	mu sync.Mutex

	// dataDir is where the file should be. With store == nil and dataDir
	// set, the file could not be used (openErr says why): counts are kept in
	// memory and the file is tried again with back-off (see Flush).
	dataDir string
	openErr error
	// retryAt and backoff pace the attempts after a failure, whether to
	// open the file or to write to it.
	retryAt time.Time
	backoff time.Duration

	// gen counts flushes that wrote a count of a completed day, so that
	// PublishedTotals can reuse its result until such a count changes.
	gen       uint64
	published publishedCache

	// OnReopen, if set, is called when a file that could not be used
	// (OpenRetrying) has been opened after all.
	OnReopen func(path string)

	// OnSpillSent, if set, is called when a spill file left by an earlier
	// run (SpillPattern) has been sent on to PostgreSQL and removed.
	OnSpillSent func(Imported)

	// OnRecovered, if set, is called when a write succeeds after failed
	// ones, with the number of (day, venue) counts it wrote. Like the
	// other callbacks it runs during Flush and must not call s.
	OnRecovered func(counts int)
}

// Retry back-off after a failed open or write: 1 s, doubling, up to
// maxBackoff. A repaired file is picked up within minutes without hammering
// a broken disk.
const (
	minBackoff = time.Second
	maxBackoff = 5 * time.Minute
)

// Open returns a Stats that keeps its counts in dataDir/scans.db, creating
// dataDir (mode 0700) and the file (mode 0600) if needed. With dataDir == ""
// the counts are kept in memory only.
//
// The file is not held open between operations, so `waymark stats` can read
// it while the server is running. If another process keeps it locked for
// more than a second, Open fails with an error saying so.
func Open(dataDir string) (*Stats, error) {
	s := &Stats{counter: NewCounter()}
	if dataDir == "" {
		s.memOnly = true
		return s, nil
	}
	st, err := openStore(dataDir, false)
	if err != nil {
		return nil, err
	}
	// Nothing is read from the file here: a campaign's year of counts is
	// millions of rows, and start-up must not wait for them.
	s.store, s.dataDir = st, dataDir
	return s, nil
}

// OpenRetrying is Open for a server that must not stop counting because of
// its file: when dataDir/scans.db cannot be used (unwritable, locked,
// damaged), it returns a Stats that counts in memory together with the
// error, and every later Flush (so Run, with back-off) tries the file again
// and writes the counts there as soon as it can. If the file is still
// unusable when Run ends, the counts go to a fresh file beside it (see Run).
func OpenRetrying(dataDir string) (*Stats, error) {
	s, err := Open(dataDir)
	if err == nil {
		return s, nil
	}
	s = &Stats{counter: NewCounter(), dataDir: dataDir, openErr: err}
	s.failed(time.Now())
	return s, err
}

// OpenReadOnly opens dataDir/scans.db for reading only, for the command
// line. It never creates the directory or the file: if the file does not
// exist the error satisfies errors.Is(err, fs.ErrNotExist), which the CLI can
// report as "no scans recorded yet". Inc still counts in memory, but Flush
// will refuse to write.
func OpenReadOnly(dataDir string) (*Stats, error) {
	if dataDir == "" {
		return nil, errors.New("stats: a data directory is required")
	}
	st, err := openStore(dataDir, true)
	if err != nil {
		return nil, err
	}
	return &Stats{counter: NewCounter(), store: st, dataDir: dataDir}, nil
}

// Path returns the counter file's path, or "" in memory-only mode. A file
// that could not be opened yet (OpenRetrying) still has its path.
func (s *Stats) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.store != nil:
		return s.store.where()
	case s.dataDir != "":
		return filepath.Join(s.dataDir, FileName)
	}
	return ""
}

// Unusable returns why the file cannot be used at the moment (counts are
// then in memory only, retried with back-off), or nil.
func (s *Stats) Unusable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openErr
}

// failed schedules the next attempt after a failure. Callers hold mu (or
// own s exclusively).
func (s *Stats) failed(now time.Time) {
	s.backoff = min(max(2*s.backoff, minBackoff), maxBackoff)
	s.retryAt = now.Add(s.backoff)
}

// reopen tries the file that could not be opened before.
func (s *Stats) reopen() error {
	st, err := openStore(s.dataDir, false)
	if err != nil {
		return err
	}
	s.store, s.openErr = st, nil
	if s.OnReopen != nil {
		s.OnReopen(st.path)
	}
	return nil
}

// Inc records one scan of the venue code on the UTC day containing now.
// Pass only known venue codes, and nothing else about the request: there is
// deliberately nowhere to put it. Inc never blocks on disk.
func (s *Stats) Inc(code string, now time.Time) {
	s.counter.Inc(code, now)
}

// ExpectVenues raises the Counter's key cap for a site of n venues: around
// midnight each venue can hold a key for yesterday and one for today, and
// a national campaign has more venues than DefaultMaxKeys. The cap never
// goes below DefaultMaxKeys.
func (s *Stats) ExpectVenues(n int) {
	s.counter.maxKeys.Store(max(DefaultMaxKeys, 3*int64(n)))
}

// Dropped reports scans that were not counted because of the Counter's
// safety caps; non-zero means the caller passes codes it should not.
func (s *Stats) Dropped() uint64 {
	return s.counter.Dropped()
}

// Flush adds the counts recorded since the last flush to the file in one
// transaction. In memory-only mode it does nothing. If writing fails the
// counts are put back, to be retried by a later Flush.
//
// A flush with nothing to add still sets the file's modification time, so
// that the time stamp says when the server last flushed (on its fixed
// schedule), never when the last scan was written.
//
// A file that could not be opened (OpenRetrying) is opened again here. A
// failure sets the back-off that Run follows for its next attempt.
func (s *Stats) Flush() error {
	if s.memOnly {
		return nil // never changes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.flushLocked(time.Now())
	if err == nil && s.pg != nil {
		// After this copy's own counts, so that a spill file that cannot
		// be read holds up only itself (named in the error, tried again
		// at the next flush), never the counts of every later flush.
		err = s.sendSpills()
	}
	return err
}

func (s *Stats) flushLocked(now time.Time) error {
	if s.pg != nil {
		if err := s.pgPrepare(); err != nil {
			s.failed(now)
			return err
		}
	}
	if s.store == nil {
		if err := s.reopen(); err != nil {
			s.openErr = err
			s.failed(now)
			return err
		}
	}
	pending := s.counter.Drain()
	if len(pending) == 0 {
		if err := s.store.touch(now); err != nil {
			s.failed(now)
			return err
		}
		s.backoff, s.retryAt = 0, time.Time{}
		return nil
	}
	if err := s.store.add(pending); err != nil {
		s.counter.restore(pending)
		s.failed(now)
		return err
	}
	if s.backoff != 0 && s.OnRecovered != nil {
		s.OnRecovered(len(pending))
	}
	s.backoff, s.retryAt = 0, time.Time{}
	// Published totals change only when a completed day's count does
	// (scans from before midnight flushed after it, counts restored after
	// a failure), not with today's scans.
	last := LastCompleteDay(now)
	for k := range pending {
		if k.Day <= last {
			s.gen++
			break
		}
	}
	return nil
}

// Close flushes pending counts. The file is not held open between
// operations, so there is nothing else to release; a Stats remains usable
// after Close, which means scans counted by requests still in flight during
// shutdown are not silently lost if something flushes again.
func (s *Stats) Close() error {
	return s.Flush()
}

// Run flushes every interval until ctx is done, then flushes a last time
// and returns that flush's error. Errors of the periodic flushes go to
// OnFlushError. A non-positive interval means DefaultFlushInterval.
//
// After a failure Run tries again with back-off instead of every
// interval (see nextFlush). If the last flush fails, the counts
// that would be lost at exit are written to a fresh file beside the broken
// one (scans-rescued-*.db, or in the temporary folder if the data folder
// takes nothing), and the error returned names it.
func (s *Stats) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			err := s.Flush()
			if err == nil || s.memOnly {
				return err
			}
			return s.rescue(err)
		case <-t.C:
			if err := s.Flush(); err != nil && s.OnFlushError != nil {
				s.OnFlushError(err)
			}
			t.Reset(s.nextFlush(interval))
		}
	}
}

// nextFlush is the wait until the next flush: the interval, or after a
// failure the back-off (1 s, doubling, up to 5 minutes), so that a broken
// disk is not hammered and a repaired file is picked up soon. Counts wait
// in memory meanwhile.
func (s *Stats) nextFlush(interval time.Duration) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retryAt.IsZero() {
		return interval
	}
	return max(time.Until(s.retryAt), 10*time.Millisecond)
}

// RescuePattern names the files that Run writes the counts to when
// scans.db is unusable at exit.
const RescuePattern = "scans-rescued-*.db"

// rescue writes the counts still in memory to a fresh counter file, so
// that an unusable scans.db does not lose them at exit. The file has the
// same format as scans.db: put it in place of a repaired one, or read it
// with `waymark stats --data-dir` from a folder where it is named scans.db.
func (s *Stats) rescue(cause error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := s.counter.Drain()
	if len(pending) == 0 {
		return cause
	}
	pattern := RescuePattern
	if s.pg != nil {
		pattern = SpillPattern
	}
	var errs []error
	for _, dir := range []string{s.dataDir, os.TempDir()} {
		path, err := writeCountsFile(dir, pattern, pending)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s.pg != nil {
			return fmt.Errorf("%w; the %d scan counts not yet sent were saved to %s: the next start with --data-dir %s sends them on, or run `waymark stats import --from %s --to URL`",
				cause, len(pending), path, filepath.Dir(path), filepath.Dir(path))
		}
		return fmt.Errorf("%w; the scan counts not yet written were saved to %s instead", cause, path)
	}
	s.counter.restore(pending)
	return fmt.Errorf("%w; the scan counts not yet written could not be saved anywhere either (%w)", cause, errors.Join(errs...))
}

// writeCountsFile writes counts to a fresh counter file in dir named after
// pattern, with its import name already set, and returns its path.
func writeCountsFile(dir, pattern string, counts map[Key]uint64) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	path := f.Name()
	f.Close()
	st := &store{path: path}
	err = st.with(func(*bolt.DB) error { return nil }) // initialise
	if err == nil {
		err = st.add(counts)
	}
	if err == nil {
		_, err = st.importID()
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// Daily returns the scans per venue per day for since <= day <= until
// (UTC dates in DayLayout; "" leaves that end open), combining the file with
// counts not yet flushed. Rows are sorted by day, then venue code. Only days
// with scans appear; DaySeries fills in the gaps for charts.
//
// The rows hold exact counts: apply the threshold (Display, WriteCSV,
// WriteTable, BarChartSVG) before showing them to anyone.
func (s *Stats) Daily(since, until string) ([]Row, error) {
	for _, d := range []string{since, until} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(DayLayout, d); err != nil {
			return nil, fmt.Errorf("stats: invalid day %q, want YYYY-MM-DD", d)
		}
	}
	var rows []Row
	err := s.walk(since, until, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// walk calls fn for every count with since <= day <= until ("" leaves
// that end open), the file's and the ones not yet flushed added together,
// in order of day and code, without collecting them: a campaign's year is
// millions of rows. It holds the lock, so no flush moves counts under it.
func (s *Stats) walk(since, until string, fn func(Row) error) error {
	inRange := func(day string) bool {
		return (since == "" || day >= since) && (until == "" || day <= until)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var pending []Row
	for k, n := range s.counter.Snapshot() {
		if inRange(k.Day) {
			pending = append(pending, Row{Day: k.Day, Code: k.Code, Count: n})
		}
	}
	sortRows(pending)
	i := 0
	before := func(r Row, k Key) bool { return r.Day < k.Day || (r.Day == k.Day && r.Code < k.Code) }
	if s.store != nil {
		err := s.store.each(since, until, func(k Key, n uint64) error {
			for ; i < len(pending) && before(pending[i], k); i++ {
				if err := fn(pending[i]); err != nil {
					return err
				}
			}
			if i < len(pending) && pending[i].Day == k.Day && pending[i].Code == k.Code {
				n = saturatingAdd(n, pending[i].Count)
				i++
			}
			return fn(Row{Day: k.Day, Code: k.Code, Count: n})
		})
		if err != nil {
			return err
		}
	}
	for ; i < len(pending); i++ {
		if err := fn(pending[i]); err != nil {
			return err
		}
	}
	return nil
}

// Totals returns the exact all-time scan count per venue code, stored plus
// not yet flushed. It is for tests and checks inside the process only:
// these totals move with every scan and follow no small-count rule, so
// nothing that leaves the process may show them (use PublishedTotals).
// If the file cannot be read, only the counts not yet flushed are summed.
func (s *Stats) Totals() map[string]uint64 {
	out := make(map[string]uint64)
	err := s.walk("", "", func(r Row) error {
		out[r.Code] = saturatingAdd(out[r.Code], r.Count)
		return nil
	})
	if err != nil {
		clear(out)
		for k, n := range s.counter.Snapshot() {
			out[k.Code] = saturatingAdd(out[k.Code], n)
		}
	}
	return out
}

func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Code, b.Code))
	})
}

// LastCompleteDay is the most recent UTC day that is over at now. Counts
// leave the process for completed days only: a count that moves during the
// day would let anyone who reads it often learn the minute of each scan.
func LastCompleteDay(now time.Time) string {
	return dayString(unixDay(now) - 1)
}

// Completed is Daily for since through the last completed UTC day: what
// staff pages, the CSV, /metrics and `waymark stats` may show.
func (s *Stats) Completed(since string, now time.Time) ([]Row, error) {
	return s.Daily(since, LastCompleteDay(now))
}

// WriteCompletedCSV writes the counts of since through the last completed
// UTC day as WriteCSV does, the venues' row by row as they are read, so
// that a campaign's year (millions of rows) needs no memory for them. The
// lessons' views (a few per day) are kept aside and written after, in
// their own section.
func (s *Stats) WriteCompletedCSV(w io.Writer, since string, now time.Time, threshold int, lessons Course) error {
	if since != "" {
		if _, err := time.Parse(DayLayout, since); err != nil {
			return fmt.Errorf("stats: invalid day %q, want YYYY-MM-DD", since)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"day", "venue", "scans"}); err != nil {
		return err
	}
	rec := make([]string, 3)
	var views []Row
	err := s.walk(since, LastCompleteDay(now), func(r Row) error {
		if id, ok := LessonOf(r.Code); ok {
			r.Code = id
			views = append(views, r)
			return nil
		}
		rec[0], rec[1], rec[2] = r.Day, r.Code, displayCompact(r.Count, threshold)
		return cw.Write(rec)
	})
	if err == nil {
		err = writeLessonCSV(cw, views, lessons, threshold)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// DailyFor is Daily for a few venues only, both ends of the range given:
// it looks each (day, code) up instead of walking every venue's rows, so
// a page of 50 venues costs the same with 100 or 100,000 venues.
func (s *Stats) DailyFor(codes []string, since, until string) ([]Row, error) {
	for _, d := range []string{since, until} {
		if _, err := time.Parse(DayLayout, d); err != nil {
			return nil, fmt.Errorf("stats: invalid day %q, want YYYY-MM-DD", d)
		}
	}
	want := make(map[string]bool, len(codes))
	for _, c := range codes {
		want[c] = true
	}

	counts := make(map[Key]uint64)
	s.mu.Lock()
	if s.store != nil {
		err := s.store.getFor(codes, since, until, func(k Key, n uint64) {
			counts[k] = saturatingAdd(counts[k], n)
		})
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	for k, n := range s.counter.Snapshot() {
		if want[k.Code] && k.Day >= since && k.Day <= until {
			counts[k] = saturatingAdd(counts[k], n)
		}
	}
	s.mu.Unlock()

	rows := make([]Row, 0, len(counts))
	for k, n := range counts {
		rows = append(rows, Row{Day: k.Day, Code: k.Code, Count: n})
	}
	sortRows(rows)
	return rows, nil
}

// publishedCache keeps PublishedTotals' last result: it changes only when
// a day ends or a flush adds counts, and /metrics may be scraped every few
// seconds.
type publishedCache struct {
	version   string
	threshold int
	totals    map[string]Total
}

// publishedRefresh is how often PublishedTotals re-reads PostgreSQL: other
// copies add counts of completed days too (scans from before midnight,
// counts kept through an outage, imports), and this copy's flushes cannot
// tell when. Each re-read walks every completed day of every venue (a
// campaign's year is millions of rows), so not at every scrape.
const publishedRefresh = 10 * time.Minute

// versionLocked names the state of the published totals at now. Callers
// hold mu.
func (s *Stats) versionLocked(now time.Time) string {
	v := LastCompleteDay(now) + "/" + strconv.FormatUint(s.gen, 10)
	if s.pg != nil {
		v += "/" + strconv.FormatInt(now.UnixNano()/int64(publishedRefresh), 10)
	}
	return v
}

// PublishedVersion names the state of PublishedTotals at now: while it is
// the same, so are the totals, and a caller may reuse what it made of them
// (/metrics keeps its text). ok is false in memory-only mode, where the
// totals are recomputed on every call.
func (s *Stats) PublishedVersion(now time.Time) (version string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return "", false
	}
	return s.versionLocked(now), true
}

// PublishedTotals returns each venue's total over every completed UTC day,
// each day counted with the small-count rule (see Total). It is what
// /metrics shows. Lessons' views are in the same map under their
// LessonCode keys: split them off with LessonOf, they are not scans. Venues without a scan on a completed day are absent.
// With PostgreSQL each day's count is the sum over every copy, so the rule
// is applied to the sum, as on the staff pages.
func (s *Stats) PublishedTotals(now time.Time, threshold int) (map[string]Total, error) {
	day := LastCompleteDay(now)
	s.mu.Lock()
	c := s.published
	version := s.versionLocked(now)
	// Only a flush (gen) or a new day changes the totals when counts go to
	// a file. In memory-only mode nothing is flushed, so gen cannot say
	// when yesterday's last counts arrived: recompute (small demo data).
	fresh := c.totals != nil && c.version == version && c.threshold == threshold && s.store != nil
	s.mu.Unlock()
	if fresh {
		return c.totals, nil
	}
	totals := make(map[string]Total)
	err := s.walk("", day, func(r Row) error {
		t := totals[r.Code]
		t.Add(r.Count, threshold)
		totals[r.Code] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.published = publishedCache{version: version, threshold: threshold, totals: totals}
	s.mu.Unlock()
	return totals, nil
}

// CompletedDays is the one read of counts for what leaves the process
// (staff pages, reports, /metrics): the scans per venue per completed UTC
// day, for the last days completed days (all of them when days <= 0) and
// for codes (every venue when codes is nil). With PostgreSQL each count is
// the sum over every copy of the server; this copy's counts not yet
// flushed are added in. The counts are exact: apply the small-count rule
// (Display, Total, TotalOf) to them, on these sums, before showing any.
func (s *Stats) CompletedDays(codes []string, days int, now time.Time) ([]Row, error) {
	last := LastCompleteDay(now)
	since := ""
	if days > 0 {
		since = dayString(unixDay(now) - int64(days))
	}
	if codes != nil && since != "" {
		return s.DailyFor(codes, since, last)
	}
	rows, err := s.Daily(since, last)
	if err != nil || codes == nil {
		return rows, err
	}
	// Every day of a few venues: a walk, not a look-up per day.
	want := make(map[string]bool, len(codes))
	for _, c := range codes {
		want[c] = true
	}
	return slices.DeleteFunc(rows, func(r Row) bool { return !want[r.Code] }), nil
}
