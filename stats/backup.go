package stats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// backupRetries is how many more times Backup waits for the lock (a
// second each) before giving up.
const backupRetries = 9

// Backup writes a consistent copy of dataDir/scans.db to w while a server
// may be running and counting. The server holds the file only for the
// milliseconds of a flush, so the copy opens it read-only (waiting at most a
// second for a flush to end) and writes one read transaction's view of it:
// every flush is in the copy entirely or not at all. Counts still in the
// server's memory (at most one flush interval) are not in it.
//
// It returns the number of bytes written.
func Backup(dataDir string, w io.Writer) (int64, error) {
	st, err := openStore(dataDir, true)
	// A flush on a slow disk can hold the lock past the store's one-second
	// wait; a backup can afford to wait longer than a staff page.
	for try := 0; errors.Is(err, berrors.ErrTimeout) && try < backupRetries; try++ {
		st, err = openStore(dataDir, true)
	}
	if err != nil {
		return 0, err
	}
	var n int64
	for try := 0; ; try++ {
		err = st.with(func(db *bolt.DB) error {
			return db.View(func(tx *bolt.Tx) error {
				var err error
				n, err = tx.WriteTo(w)
				return err
			})
		})
		// Nothing was written if the lock was not had.
		if !errors.Is(err, berrors.ErrTimeout) || try >= backupRetries {
			break
		}
	}
	if err != nil {
		return n, fmt.Errorf("stats: back up %s: %w", st.path, err)
	}
	return n, nil
}

// BackupFile is Backup into a file, written under a temporary name and
// renamed when complete and checked, so that an interrupted backup never
// leaves a half file under the name an operator restores from. The file is
// readable by its owner only, like the original.
func BackupFile(dataDir, path string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := Backup(dataDir, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if err := checkCopy(tmp.Name()); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}

// checkCopy opens the copy as the server would open a restored file.
func checkCopy(path string) error {
	s := &store{path: path, readOnly: true}
	err := s.with(func(db *bolt.DB) error {
		return db.View(func(tx *bolt.Tx) error {
			if tx.Bucket(scansBucket) == nil && tx.Bucket(metaBucket) != nil {
				return errors.New("no scans bucket")
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("stats: the backup does not read back: %w", err)
	}
	return nil
}

// BackupPostgresFile writes every count in the PostgreSQL database at
// pgURL, the sums over all copies, exact as in the database, to a new
// counter file at path in scans.db's format, from one consistent read. It
// is restored with `waymark stats import --from` (a folder where it is
// named scans.db), and read with `waymark stats --data-dir`. It returns
// the number of (day, venue) counts written.
func BackupPostgresFile(pgURL, path string) (int, error) {
	p, err := openPG(pgURL, false)
	if err != nil {
		return 0, err
	}
	defer p.pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), pgSchemaTimeout)
	defer cancel()
	if err := p.checkSchema(ctx); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	st := &store{path: tmp.Name()}
	if err := st.with(func(*bolt.DB) error { return nil }); err != nil {
		return 0, err
	}
	n := 0
	batch := make(map[Key]uint64)
	err = p.each("", "", func(k Key, c uint64) error {
		n++
		batch[k] = c
		if len(batch) < 100_000 {
			return nil
		}
		err := st.add(batch)
		clear(batch)
		return err
	})
	if err == nil && len(batch) > 0 {
		err = st.add(batch)
	}
	if err != nil {
		return n, err
	}
	if err := checkCopy(tmp.Name()); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}
