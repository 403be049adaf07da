package stats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
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
	store   *store // nil in memory-only mode

	// OnFlushError, if set before Run is called, receives the errors of
	// periodic flushes. A failed flush keeps its counts in memory and they
	// are retried on the next one, so an error here means "not yet on disk",
	// not "lost".
	OnFlushError func(error)

	// mu makes Flush atomic with respect to Daily and Totals: between Drain
	// and the end of the write, counts are in neither the counter nor the
	// file, and a reader must not see that gap.
	mu sync.Mutex
	// stored is the per-code total in the file, so that Totals (scraped
	// often, by Prometheus) does not need to read the file.
	stored map[string]uint64
}

// Open returns a Stats that keeps its counts in dataDir/scans.db, creating
// dataDir (mode 0700) and the file (mode 0600) if needed. With dataDir == ""
// the counts are kept in memory only.
//
// The file is not held open between operations, so `waymark stats` can read
// it while the server is running. If another process keeps it locked for
// more than a second, Open fails with an error saying so.
func Open(dataDir string) (*Stats, error) {
	s := &Stats{counter: NewCounter(), stored: make(map[string]uint64)}
	if dataDir == "" {
		return s, nil
	}
	st, err := openStore(dataDir, false)
	if err != nil {
		return nil, err
	}
	s.store = st
	if err := s.loadStoredTotals(); err != nil {
		return nil, err
	}
	return s, nil
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
	s := &Stats{counter: NewCounter(), store: st, stored: make(map[string]uint64)}
	if err := s.loadStoredTotals(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stats) loadStoredTotals() error {
	return s.store.each("", "", func(k Key, n uint64) {
		s.stored[k.Code] = saturatingAdd(s.stored[k.Code], n)
	})
}

// Path returns the counter file's path, or "" in memory-only mode.
func (s *Stats) Path() string {
	if s.store == nil {
		return ""
	}
	return s.store.path
}

// Inc records one scan of the venue code on the UTC day containing now.
// Pass only known venue codes, and nothing else about the request: there is
// deliberately nowhere to put it. Inc never blocks on disk.
func (s *Stats) Inc(code string, now time.Time) {
	s.counter.Inc(code, now)
}

// Dropped reports scans that were not counted because of the Counter's
// safety caps; non-zero means the caller passes codes it should not.
func (s *Stats) Dropped() uint64 {
	return s.counter.Dropped()
}

// Flush adds the counts recorded since the last flush to the file in one
// transaction. In memory-only mode it does nothing. If writing fails the
// counts are put back, to be retried by the next Flush.
func (s *Stats) Flush() error {
	if s.store == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := s.counter.Drain()
	if len(pending) == 0 {
		return nil
	}
	if err := s.store.add(pending); err != nil {
		s.counter.restore(pending)
		return err
	}
	for k, n := range pending {
		s.stored[k.Code] = saturatingAdd(s.stored[k.Code], n)
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
func (s *Stats) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.Flush()
		case <-t.C:
			if err := s.Flush(); err != nil && s.OnFlushError != nil {
				s.OnFlushError(err)
			}
		}
	}
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
	inRange := func(day string) bool {
		return (since == "" || day >= since) && (until == "" || day <= until)
	}

	counts := make(map[Key]uint64)
	s.mu.Lock()
	if s.store != nil {
		err := s.store.each(since, until, func(k Key, n uint64) {
			counts[k] = saturatingAdd(counts[k], n)
		})
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	for k, n := range s.counter.Snapshot() {
		if inRange(k.Day) {
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

// Totals returns the all-time scan count per venue code, stored plus not
// yet flushed, without reading the file. It is meant for /metrics.
//
// Privacy note: these totals move with every scan, so anything that samples
// them often (a Prometheus scrape every 15 s) records roughly when each scan
// happened, which the daily counts deliberately do not. Keep such metrics
// behind the same access control as the staff pages, and prefer long scrape
// intervals.
func (s *Stats) Totals() map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]uint64, len(s.stored))
	for code, n := range s.stored {
		out[code] = n
	}
	for k, n := range s.counter.Snapshot() {
		out[k.Code] = saturatingAdd(out[k.Code], n)
	}
	return out
}

func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Code, b.Code))
	})
}
