package stats

import "time"

// backend is where flushed counts are added up: the bbolt file (store) of
// one server, or a PostgreSQL table (pgStore) that every copy of the
// server adds to. Either holds one exact count per (day, venue code); the
// small-count and completed-day rules are applied when counts are read
// (Completed, DailyFor, WriteCompletedCSV, PublishedTotals), on what the
// backend returns, which in PostgreSQL is already the sum over all copies.
type backend interface {
	// add adds counts in one transaction: all of them or none.
	add(counts map[Key]uint64) error
	// each calls fn for every count with since <= day <= until ("" leaves
	// that end open), ordered by day, then code (bytewise), stopping at
	// fn's first error.
	each(since, until string, fn func(Key, uint64) error) error
	// getFor calls fn for the counts of codes from since through until.
	getFor(codes []string, since, until string, fn func(Key, uint64)) error
	// touch records a flush with nothing to add (the bbolt file's time
	// stamp; nothing in PostgreSQL).
	touch(now time.Time) error
	// where names the backend for logs and pages, without a password.
	where() string
}
