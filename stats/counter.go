package stats

import (
	"sync"
	"sync/atomic"
	"time"
)

// DayLayout is the format of every day string in this package: a UTC
// calendar date. Its fixed width (10 bytes) is relied on by the store's key
// encoding.
const DayLayout = "2006-01-02"

const (
	// DefaultMaxKeys caps the number of distinct (day, code) pairs a Counter
	// holds between drains. Callers only pass known venue codes, so this is
	// never reached in normal operation; it exists so that a wiring mistake
	// (say, counting the raw request path) cannot grow memory without bound.
	DefaultMaxKeys = 100_000

	// maxCodeLen rejects absurdly long codes for the same reason, and keeps
	// store keys far below bbolt's key size limit.
	maxCodeLen = 128

	secondsPerDay = 24 * 60 * 60

	// retired is set in an entry's count once Drain has removed the entry
	// from the map. It is far above any real count.
	retired = uint64(1) << 63
)

// Key identifies one counter: a venue code on a UTC day.
type Key struct {
	Day  string // UTC date, DayLayout
	Code string // venue code
}

// dayKey is the hot-path form of Key. The day is kept as a number so that
// Inc never has to format (and allocate) a date string.
type dayKey struct {
	day  int64 // days since 1970-01-01 UTC
	code string
}

// entry is one (code, day) counter. Its value is the number of scans since
// the last drain, possibly with the retired bit set.
type entry struct {
	n atomic.Uint64
}

// Counter counts scans per venue code per UTC day in memory. It is safe for
// concurrent use. The zero value is not usable; call NewCounter.
//
// The map is a sync.Map because the workload is exactly what it is built
// for: keys are written once and then read by every request, on all cores,
// without taking a lock. (A sync.RWMutex measured about twice as slow under
// parallel load, because every RLock writes to one shared cache line.)
type Counter struct {
	m       sync.Map // dayKey -> *entry
	keys    atomic.Int64
	maxKeys atomic.Int64
	dropped atomic.Uint64
}

// NewCounter returns an empty Counter with the default key cap.
func NewCounter() *Counter {
	return newCounter(DefaultMaxKeys)
}

func newCounter(maxKeys int) *Counter {
	c := &Counter{}
	c.maxKeys.Store(int64(maxKeys))
	return c
}

// unixDay returns the number of whole UTC days between 1970-01-01 and t,
// rounding towards minus infinity so that times before 1970 still land on
// the right day.
func unixDay(t time.Time) int64 {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return d
}

func dayString(day int64) string {
	return time.Unix(day*secondsPerDay, 0).UTC().Format(DayLayout)
}

// Inc records one scan of code on the UTC day containing now. Only the day
// is kept; the time of day is discarded here, before anything is stored.
//
// For a (code, day) that has already been counted since the last Drain this
// is one map lookup and one atomic add, without allocation. Scans that would
// exceed the key cap, or that carry an over-long code, are dropped and
// counted in Dropped.
func (c *Counter) Inc(code string, now time.Time) {
	if len(code) > maxCodeLen {
		c.dropped.Add(1)
		return
	}
	k := dayKey{day: unixDay(now), code: code}
	if v, ok := c.m.Load(k); ok && v.(*entry).n.Add(1)&retired == 0 {
		return
	}
	c.addSlow(k, 1, true)
}

// addSlow adds n to the counter for k when k has no live entry yet. It
// creates the entry, or replaces one that Drain retired after this goroutine
// had already looked it up.
func (c *Counter) addSlow(k dayKey, n uint64, capped bool) {
	for {
		if v, ok := c.m.Load(k); ok {
			e := v.(*entry)
			if e.n.Add(n)&retired == 0 {
				return
			}
			// Retired: whatever we just added to it is ignored by
			// everyone. Make sure it is gone from the map and retry.
			if c.m.CompareAndDelete(k, e) {
				c.keys.Add(-1)
			}
			continue
		}
		if capped && c.keys.Load() >= c.maxKeys.Load() {
			// Under a race a few goroutines may pass this check at once,
			// so the cap can be overshot by at most the number of
			// concurrent callers, which is still a bound.
			c.dropped.Add(n)
			return
		}
		e := new(entry)
		e.n.Store(n)
		if _, loaded := c.m.LoadOrStore(k, e); !loaded {
			c.keys.Add(1)
			return
		}
		// Someone else created it first; loop and add to theirs.
	}
}

// Drain returns the counts recorded since the previous Drain and resets
// them to zero.
//
// Entries that were used in this period are kept (at zero) so that the next
// scan of a busy venue stays on the allocation-free path. Entries that saw
// no scans since the previous drain are retired and removed, which is what
// stops yesterday's keys from piling up. Retiring is a compare-and-swap from
// zero, so it only succeeds if no scan slipped in; an Inc that still holds a
// retired entry notices the flag in the result of its own Add and counts the
// scan again in a fresh entry. No scan is lost or counted twice.
func (c *Counter) Drain() map[Key]uint64 {
	out := make(map[Key]uint64)
	c.m.Range(func(k, v any) bool {
		dk, e := k.(dayKey), v.(*entry)
		for {
			n := e.n.Load()
			switch {
			case n&retired != 0:
				return true // retired by a concurrent Drain
			case n == 0:
				if !e.n.CompareAndSwap(0, retired) {
					continue // a scan arrived; look again
				}
				if c.m.CompareAndDelete(dk, e) {
					c.keys.Add(-1)
				}
				return true
			default:
				if !e.n.CompareAndSwap(n, 0) {
					continue
				}
				out[Key{Day: dayString(dk.day), Code: dk.code}] += n
				return true
			}
		}
	})
	return out
}

// Snapshot returns the counts recorded since the previous Drain without
// resetting them. In memory-only mode nothing is ever drained, so this is
// the full history.
func (c *Counter) Snapshot() map[Key]uint64 {
	out := make(map[Key]uint64)
	c.m.Range(func(k, v any) bool {
		dk, n := k.(dayKey), v.(*entry).n.Load()
		if n != 0 && n&retired == 0 {
			out[Key{Day: dayString(dk.day), Code: dk.code}] += n
		}
		return true
	})
	return out
}

// Dropped reports how many scans were not counted because of the key cap or
// an over-long code. A non-zero value means the caller is passing codes it
// should not.
func (c *Counter) Dropped() uint64 {
	return c.dropped.Load()
}

// restore adds counts back after a failed flush so that they are retried
// rather than lost. It ignores the key cap: these keys were already admitted
// once, so this cannot grow the counter beyond what it held before.
func (c *Counter) restore(counts map[Key]uint64) {
	for k, n := range counts {
		t, err := time.Parse(DayLayout, k.Day)
		if err != nil || n == 0 {
			continue // cannot happen: Drain produced these keys
		}
		c.addSlow(dayKey{day: unixDay(t), code: k.Code}, n, false)
	}
}

// lessonPrefix marks the counters of the course's lessons: one per lesson
// per day, kept beside the venues' with a key no venue code can take (codes
// are letters and digits), so that every store, backup and copy carries
// them with no second table.
const lessonPrefix = "lesson:"

// LessonCode is the counter key of a lesson's views.
func LessonCode(id string) string { return lessonPrefix + id }

// LessonOf returns the lesson ID of a counter key, if it is a lesson's.
func LessonOf(code string) (id string, ok bool) {
	if len(code) > len(lessonPrefix) && code[:len(lessonPrefix)] == lessonPrefix {
		return code[len(lessonPrefix):], true
	}
	return "", false
}
