package stats

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the counter file inside the data directory.
const FileName = "scans.db"

// The file holds two buckets:
//
//	waymark: format -> "waymark-scans/1"
//	scans:   "YYYY-MM-DD/<code>" -> scan count, uint64 big-endian
//
// The format marker lets us refuse a bbolt file that belongs to something
// else instead of silently writing into it. Keys start with the fixed-width
// day, so they sort by day and a date range is a single cursor walk; the day
// is always exactly 10 bytes, so a "/" inside a code cannot confuse parsing.
var (
	metaBucket  = []byte("waymark")
	formatKey   = []byte("format")
	formatValue = []byte("waymark-scans/1")
	scansBucket = []byte("scans")
)

const (
	// lockTimeout bounds how long we wait for another process's file lock.
	// Without it bbolt blocks forever, which looks like a hang.
	lockTimeout = time.Second

	fileMode = 0o600
	dirMode  = 0o700
)

// store is the on-disk counter file.
//
// The file is opened for each operation and closed right after, rather than
// held open for the life of the server. bbolt locks the file while it is
// open, so holding it would make `waymark stats --data-dir` fail for as long
// as `waymark serve` runs. Operations are rare (a flush per interval, a read
// per staff page view) and take milliseconds, so the extra open costs
// nothing noticeable. Every write adds deltas inside one transaction under
// bbolt's exclusive lock, so even two processes sharing a data directory
// cannot lose each other's counts.
type store struct {
	path     string
	readOnly bool

	// mu serialises our own opens: bbolt's lock is per open file, so two
	// goroutines of this process opening the file at once would wait on each
	// other until the timeout.
	mu sync.Mutex
}

// openStore checks that the file at dataDir/scans.db is usable (creating it,
// and dataDir, when not read-only) and returns a store for it.
func openStore(dataDir string, readOnly bool) (*store, error) {
	s := &store{path: filepath.Join(dataDir, FileName), readOnly: readOnly}
	if readOnly {
		// bbolt would fail on a missing file too, but we check first so the
		// read-only path provably never creates anything, and so the CLI can
		// tell "nothing recorded yet" (errors.Is(err, fs.ErrNotExist)) apart
		// from a broken file.
		if _, err := os.Stat(s.path); err != nil {
			return nil, s.openError(err)
		}
	} else if err := os.MkdirAll(dataDir, dirMode); err != nil {
		return nil, fmt.Errorf("stats: create data directory: %w", err)
	}
	// Opening validates the format (and initialises a new file), so a
	// broken or foreign file is reported at startup, not at the first flush.
	if err := s.with(func(*bolt.DB) error { return nil }); err != nil {
		return nil, err
	}
	return s, nil
}

// with opens the file, runs fn and closes the file again. Any failure,
// including a panic from bbolt on a damaged file, comes back as an error that
// names the file, because the first thing an operator needs to know is which
// file is the problem.
func (s *store) with(fn func(*bolt.DB) error) error {
	return s.withMode(s.readOnly, fn)
}

// view is with for reading: it opens the file read-only, which takes
// bbolt's shared lock, so that `waymark stats` can read while a long read
// here (a campaign's CSV) is under way.
func (s *store) view(fn func(*bolt.DB) error) error {
	return s.withMode(true, fn)
}

func (s *store) withMode(readOnly bool, fn func(*bolt.DB) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stats: %s: damaged database (%v)", s.path, r)
		}
	}()

	db, err := bolt.Open(s.path, fileMode, &bolt.Options{
		Timeout:  lockTimeout,
		ReadOnly: readOnly,
	})
	if err != nil {
		return s.openError(err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("stats: close %s: %w", s.path, cerr)
		}
	}()
	if err := s.checkFormat(db, readOnly); err != nil {
		return err
	}
	return fn(db)
}

func (s *store) openError(err error) error {
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("stats: open %s: file is locked by another process (%w)", s.path, err)
	case s.readOnly && isEmptyFile(s.path):
		// bbolt tries to initialise an empty file, which fails read-only.
		return fmt.Errorf("stats: open %s: empty file (not a Waymark scan counter file?)", s.path)
	case errors.As(err, &pathErr):
		// The operating system refused (permissions, missing directory):
		// its own message says it best. The path is already in ours.
		return fmt.Errorf("stats: open %s: %w", s.path, pathErr.Err)
	default:
		// Everything else bbolt reports on open (ErrInvalid, ErrChecksum,
		// ErrVersionMismatch, "file size too small", ...) means the bytes
		// are not a database it can use.
		return fmt.Errorf("stats: open %s: %w (not a Waymark scan counter file?)", s.path, err)
	}
}

func isEmptyFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() == 0
}

// checkFormat makes sure db is ours. A brand-new file (no buckets at all) is
// initialised when writable; anything else without our marker is refused.
func (s *store) checkFormat(db *bolt.DB, readOnly bool) error {
	check := func(tx *bolt.Tx) (empty bool, err error) {
		meta := tx.Bucket(metaBucket)
		if meta == nil {
			empty = true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return false, fmt.Errorf("stats: open %s: bbolt file without Waymark marker (not a Waymark scan counter file?)", s.path)
			}
			return true, nil
		}
		if got := meta.Get(formatKey); string(got) != string(formatValue) {
			return false, fmt.Errorf("stats: open %s: unsupported format %q", s.path, got)
		}
		return false, nil
	}

	var empty bool
	err := db.View(func(tx *bolt.Tx) (err error) {
		empty, err = check(tx)
		return err
	})
	if err != nil || !empty || readOnly {
		// An empty file opened read-only simply has no counts yet.
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		if err := meta.Put(formatKey, formatValue); err != nil {
			return err
		}
		_, err = tx.CreateBucketIfNotExists(scansBucket)
		return err
	})
}

func encodeKey(k Key) []byte {
	b := make([]byte, 0, len(k.Day)+1+len(k.Code))
	b = append(b, k.Day...)
	b = append(b, '/')
	return append(b, k.Code...)
}

func decodeKey(b []byte) (Key, bool) {
	n := len(DayLayout)
	if len(b) < n+1 || b[n] != '/' {
		return Key{}, false
	}
	return Key{Day: string(b[:n]), Code: string(b[n+1:])}, true
}

// add adds counts to the stored values in one transaction, so a crash leaves
// either all of a flush or none of it.
func (s *store) add(counts map[Key]uint64) error {
	if s.readOnly {
		return fmt.Errorf("stats: %s: opened read-only", s.path)
	}
	return s.with(func(db *bolt.DB) error {
		err := db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(scansBucket)
			if b == nil {
				return errors.New("missing scans bucket")
			}
			var buf [8]byte
			for k, n := range counts {
				key := encodeKey(k)
				old, err := decodeCount(b.Get(key))
				if err != nil {
					return fmt.Errorf("key %q: %w", key, err)
				}
				binary.BigEndian.PutUint64(buf[:], saturatingAdd(old, n))
				// bbolt requires values to stay valid until the
				// transaction ends, so buf cannot be reused across Puts.
				if err := b.Put(key, append([]byte(nil), buf[:]...)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("stats: write %s: %w", s.path, err)
		}
		return nil
	})
}

func decodeCount(v []byte) (uint64, error) {
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return binary.BigEndian.Uint64(v), nil
	default:
		return 0, fmt.Errorf("corrupt count (%d bytes)", len(v))
	}
}

func saturatingAdd(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

// touch sets the file's modification time to now, so that a flush with
// nothing to write leaves the same trace as one that wrote: the time stamp
// then says when the server last flushed, not when someone last scanned.
func (s *store) touch(now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Chtimes(s.path, now, now); err != nil {
		return fmt.Errorf("stats: touch %s: %w", s.path, err)
	}
	return nil
}

// getFor calls fn for the stored count of each of codes on each day from
// since through until (both given), looking each (day, code) up instead of
// walking every venue's rows.
func (s *store) getFor(codes []string, since, until string, fn func(Key, uint64)) error {
	first, err := time.Parse(DayLayout, since)
	if err != nil {
		return fmt.Errorf("stats: invalid day %q, want YYYY-MM-DD", since)
	}
	last, err := time.Parse(DayLayout, until)
	if err != nil {
		return fmt.Errorf("stats: invalid day %q, want YYYY-MM-DD", until)
	}
	var keys []Key
	for d := unixDay(first); d <= unixDay(last); d++ {
		day := dayString(d)
		for _, c := range codes {
			keys = append(keys, Key{Day: day, Code: c})
		}
	}
	return s.view(func(db *bolt.DB) error {
		err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(scansBucket)
			if b == nil {
				return nil // empty file opened read-only
			}
			for _, k := range keys {
				v := b.Get(encodeKey(k))
				if v == nil {
					continue
				}
				n, err := decodeCount(v)
				if err != nil {
					return fmt.Errorf("key %q: %w", encodeKey(k), err)
				}
				fn(k, n)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("stats: read %s: %w", s.path, err)
		}
		return nil
	})
}

// where names the file for logs and the staff page.
func (s *store) where() string { return s.path }

// importIDKey holds a random name for the file's counts, set the first
// time they are imported into PostgreSQL (see ImportDir): the database
// remembers the names it has taken, so a second import adds nothing.
var importIDKey = []byte("import-id")

// importID returns the file's import name, creating one if it has none.
func (s *store) importID() (string, error) {
	var id string
	err := s.withMode(false, func(db *bolt.DB) error {
		return db.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(metaBucket)
			if meta == nil {
				return errors.New("missing meta bucket")
			}
			if v := meta.Get(importIDKey); len(v) > 0 {
				id = string(v)
				return nil
			}
			var b [16]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			id = hex.EncodeToString(b[:])
			return meta.Put(importIDKey, []byte(id))
		})
	})
	if err != nil {
		return "", fmt.Errorf("stats: name %s for import: %w", s.path, err)
	}
	return id, nil
}

// each calls fn for every stored count with since <= day <= until, in key
// order, and stops at fn's first error. Empty since or until means
// unbounded.
func (s *store) each(since, until string, fn func(Key, uint64) error) error {
	var fnErr error
	err := s.view(func(db *bolt.DB) error {
		err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(scansBucket)
			if b == nil {
				return nil // empty file opened read-only
			}
			c := b.Cursor()
			for k, v := c.Seek([]byte(since)); k != nil; k, v = c.Next() {
				key, ok := decodeKey(k)
				if !ok {
					return fmt.Errorf("corrupt key %q", k)
				}
				if until != "" && key.Day > until {
					break
				}
				n, err := decodeCount(v)
				if err != nil {
					return fmt.Errorf("key %q: %w", k, err)
				}
				if fnErr = fn(key, n); fnErr != nil {
					return fnErr
				}
			}
			return nil
		})
		if err != nil && err != fnErr {
			return fmt.Errorf("stats: read %s: %w", s.path, err)
		}
		return err
	})
	return err
}
