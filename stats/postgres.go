package stats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Scan counts in PostgreSQL, for two or more copies of `waymark serve`
// behind a load balancer. Each copy still counts in memory (Counter) and
// flushes in the background; a flush adds its per-(day, venue) deltas to
// one table in one transaction with an upsert, so concurrent copies never
// lose or double a count, and the table's row is the sum over all copies.
// The small-count and completed-day rules are applied when counts are
// read (see backend), on that sum.
//
// The database holds day, venue code and count, and the random names of
// the counter files imported into it (so that an import is done once);
// nothing about visitors, and no time of day.

// SpillPattern names the files a copy writes its counts to when it stops
// while PostgreSQL is down. The next start with the same --data-dir sends
// them on (or `waymark stats import`).
const SpillPattern = "scans-pending-*.db"

// Time limits for the database: a flush holds the Stats lock (not the
// visitors: Inc never takes it), and a staff page waits for it.
const (
	pgConnectTimeout = 5 * time.Second
	pgWriteTimeout   = 30 * time.Second
	pgReadTimeout    = 5 * time.Minute // a campaign's CSV streams for a while
	pgSchemaTimeout  = 30 * time.Second

	// pgBatch rows go in one statement; a flush of 100,000 venues is a few
	// statements in one transaction.
	pgBatch = 10_000

	// migrateLock serialises migrations of copies starting at once.
	migrateLock = 0x7761796d // "waym"
)

// migrations are the schema's versions: migrations[v-1] takes the schema
// from version v-1 to v. Never edit one that has shipped; add the next.
// docs/deploy.md shows the same SQL (a test compares them).
//
// Venue codes sort bytewise (COLLATE "C"), as Go compares strings, so the
// primary key gives reads in the order walk merges them. The second index
// serves the staff page, which reads a year of 50 venues: without it that
// would be a walk over a year of every venue. Lessons' views share the
// table as venues "lesson:<id>" (LessonCode): text of any length, so they
// need no schema of their own.
var migrations = [][]string{
	{
		`CREATE TABLE waymark_scans (
	day   date NOT NULL,
	venue text COLLATE "C" NOT NULL,
	scans bigint NOT NULL CHECK (scans >= 0),
	PRIMARY KEY (day, venue)
)`,
		`CREATE INDEX waymark_scans_venue ON waymark_scans (venue, day)`,
		`CREATE TABLE waymark_imports (id text PRIMARY KEY)`,
	},
}

// SchemaVersion is the schema version this Waymark reads and writes.
var SchemaVersion = len(migrations)

const upsertSQL = `INSERT INTO waymark_scans (day, venue, scans)
SELECT d::date, v, n FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(d, v, n)
ON CONFLICT (day, venue) DO UPDATE SET scans = waymark_scans.scans + EXCLUDED.scans`

// IsPostgres reports whether a --scans value names a PostgreSQL database.
func IsPostgres(scans string) bool {
	return strings.HasPrefix(scans, "postgres://") || strings.HasPrefix(scans, "postgresql://")
}

// ParseScans reads a --scans value: "" (the default: the bbolt file in
// dataDir), "bbolt:DIR" or "postgres://…". It returns the bbolt folder,
// or the PostgreSQL URL.
func ParseScans(scans, dataDir string) (dir, pgURL string, err error) {
	switch {
	case scans == "":
		return dataDir, "", nil
	case strings.HasPrefix(scans, "bbolt:"):
		dir = strings.TrimPrefix(scans, "bbolt:")
		if dir == "" {
			return "", "", errors.New("--scans bbolt:DIR: the folder is missing")
		}
		return dir, "", nil
	case IsPostgres(scans):
		if _, err := pgx.ParseConfig(scans); err != nil {
			return "", "", fmt.Errorf("--scans: %w", err)
		}
		return "", scans, nil
	}
	return "", "", fmt.Errorf("--scans %q: want bbolt:DIR or postgres://user@host/database", redact(scans))
}

// redact hides a password in a URL-like string for error messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// pgStore is the PostgreSQL backend.
type pgStore struct {
	pool *pgxpool.Pool
	name string // postgres://host:port/database, for logs

	ready      bool // schema checked (or migrated)
	migrate    bool // may create or update the schema at start
	spillsSent bool // spill files in the data folder sent on
}

func openPG(pgURL string, migrate bool) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(pgURL)
	if err != nil {
		return nil, fmt.Errorf("stats: --scans: %w", err)
	}
	cfg.MaxConns = 3
	cfg.ConnConfig.ConnectTimeout = pgConnectTimeout
	// The pool connects on first use, so a server starts (and serves
	// help pages) with its database down.
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("stats: --scans: %w", err)
	}
	host := cfg.ConnConfig.Host
	if strings.HasPrefix(host, "/") {
		host = "[" + host + "]"
	}
	name := fmt.Sprintf("postgres://%s:%d/%s", host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	return &pgStore{pool: pool, name: name, migrate: migrate}, nil
}

// OpenPostgres returns a Stats that adds its counts to the PostgreSQL
// database at pgURL, creating or updating the table first if the role may
// (see Migrate). spillDir is the folder for spill files (SpillPattern):
// those left there by an earlier run are sent on with the first flush, and
// this run's go there if it stops while the database is down.
//
// The database need not be up: the Stats counts in memory whatever happens,
// and every flush (Run, with back-off) tries again. A non-nil error says why
// the first attempt failed; the Stats is usable all the same.
func OpenPostgres(pgURL, spillDir string) (*Stats, error) {
	p, err := openPG(pgURL, true)
	if err != nil {
		return nil, err
	}
	s := &Stats{counter: NewCounter(), store: p, pg: p, dataDir: spillDir}
	// Only the schema now: spill files go with the first flush, when the
	// caller has set OnSpillSent.
	ctx, cancel := context.WithTimeout(context.Background(), pgSchemaTimeout)
	defer cancel()
	if err := p.prepareSchema(ctx); err != nil {
		s.failed(time.Now())
		return s, err
	}
	return s, nil
}

// OpenPostgresReadOnly opens the database at pgURL for reading, for the
// command line. It never changes the schema, and Flush writes nothing.
func OpenPostgresReadOnly(pgURL string) (*Stats, error) {
	p, err := openPG(pgURL, false)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgSchemaTimeout)
	defer cancel()
	if err := p.checkSchema(ctx); err != nil {
		p.pool.Close()
		return nil, err
	}
	p.ready, p.spillsSent = true, true
	return &Stats{counter: NewCounter(), store: p, pg: p, memOnly: true}, nil
}

// Disconnect closes the database connections. Call it after Run has
// returned; the bbolt backend holds nothing open.
func (s *Stats) Disconnect() {
	if s.pg != nil {
		s.pg.pool.Close()
	}
}

// Waiting returns how many (day, venue) counts and how many scans in them
// (lessons' views included) are kept in memory, not yet flushed: for the log while the database is
// down. Neither says anything about a visitor.
func (s *Stats) Waiting() (counts int, scans uint64) {
	for _, n := range s.counter.Snapshot() {
		counts++
		scans = saturatingAdd(scans, n)
	}
	return counts, scans
}

// pgPrepare makes the database ready for this copy's counts: the schema
// checked, and created or updated if the role may. Callers hold mu.
func (s *Stats) pgPrepare() error {
	ctx, cancel := context.WithTimeout(context.Background(), pgSchemaTimeout)
	defer cancel()
	return s.pg.prepareSchema(ctx)
}

// sendSpills sends on the spill files an earlier run left in the data
// folder (SpillPattern), each once, and removes them. Callers hold mu.
func (s *Stats) sendSpills() error {
	p := s.pg
	if !p.spillsSent && s.dataDir != "" {
		files, err := filepath.Glob(filepath.Join(s.dataDir, SpillPattern))
		if err != nil {
			return err
		}
		var errs []error
		for _, f := range files {
			res, err := p.importFile(f)
			if err == nil {
				if err = os.Remove(f); err != nil {
					err = fmt.Errorf("stats: %s sent on, but: %w", f, err)
				}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if s.OnSpillSent != nil {
				s.OnSpillSent(res)
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
	}
	p.spillsSent = true
	return nil
}

// prepareSchema checks the schema once, creating or updating it when
// behind if the role may.
func (p *pgStore) prepareSchema(ctx context.Context) error {
	if p.ready {
		return nil
	}
	err := p.checkSchema(ctx)
	if errors.Is(err, errSchemaBehind) && p.migrate {
		if _, _, merr := migrate(ctx, p.pool); merr != nil {
			return fmt.Errorf("%w (creating it: %w)", err, merr)
		}
		err = nil
	}
	if err != nil {
		return err
	}
	p.ready = true
	return nil
}

var errSchemaBehind = errors.New("schema missing or older than this Waymark")

// checkSchema returns nil when the schema is the version this Waymark
// uses, errSchemaBehind (wrapped) when it must be created or updated.
func (p *pgStore) checkSchema(ctx context.Context) error {
	var exists bool
	err := p.pool.QueryRow(ctx, `SELECT to_regclass('waymark_schema') IS NOT NULL`).Scan(&exists)
	if err != nil {
		return p.wrap("connect", err)
	}
	v := 0
	if exists {
		err := p.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM waymark_schema`).Scan(&v)
		if err != nil {
			return p.wrap("read schema version", err)
		}
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("stats: %s: schema version %d is newer than this Waymark's (%d): upgrade Waymark", p.name, v, SchemaVersion)
	case v < SchemaVersion:
		return fmt.Errorf("stats: %s: %w (version %d, want %d): run `waymark stats migrate --scans URL` as the table owner (docs/deploy.md)", p.name, errSchemaBehind, v, SchemaVersion)
	}
	return nil
}

// Migrate creates or updates the scan counts schema in the PostgreSQL
// database at pgURL and returns the versions before and after. It is safe
// to run again, and from several copies at once.
func Migrate(ctx context.Context, pgURL string) (from, to int, err error) {
	p, err := openPG(pgURL, true)
	if err != nil {
		return 0, 0, err
	}
	defer p.pool.Close()
	return migrate(ctx, p.pool)
}

func migrate(ctx context.Context, pool *pgxpool.Pool) (from, to int, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS waymark_schema (version integer PRIMARY KEY)`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM waymark_schema`).Scan(&from); err != nil {
			return err
		}
		if from > SchemaVersion {
			return fmt.Errorf("schema version %d is newer than this Waymark's (%d): upgrade Waymark", from, SchemaVersion)
		}
		for v := from + 1; v <= SchemaVersion; v++ {
			for _, stmt := range migrations[v-1] {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("version %d: %w", v, err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO waymark_schema (version) VALUES ($1)`, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42501" {
			return from, from, fmt.Errorf("stats: migrate: this role may not create tables (%w): run `waymark stats migrate` as the database owner (docs/deploy.md)", err)
		}
		return from, from, fmt.Errorf("stats: migrate: %w", err)
	}
	return from, SchemaVersion, nil
}

func (p *pgStore) wrap(what string, err error) error {
	return fmt.Errorf("stats: %s: %s: %w", p.name, what, err)
}

func (p *pgStore) where() string { return p.name }

func (p *pgStore) touch(time.Time) error { return nil }

// add upserts counts in one transaction. Rows go in (day, venue) order, so
// two copies flushing the same venues lock their rows in the same order
// and never deadlock.
func (p *pgStore) add(counts map[Key]uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), pgWriteTimeout)
	defer cancel()
	rows := make([]Row, 0, len(counts))
	for k, n := range counts {
		rows = append(rows, Row{Day: k.Day, Code: k.Code, Count: n})
	}
	sortRows(rows)
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		for chunk := range slices.Chunk(rows, pgBatch) {
			if err := upsert(ctx, tx, chunk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return p.wrap("write", err)
	}
	return nil
}

func upsert(ctx context.Context, tx pgx.Tx, rows []Row) error {
	days := make([]string, len(rows))
	codes := make([]string, len(rows))
	ns := make([]int64, len(rows))
	for i, r := range rows {
		days[i], codes[i], ns[i] = r.Day, r.Code, int64(min(r.Count, math.MaxInt64))
	}
	_, err := tx.Exec(ctx, upsertSQL, days, codes, ns)
	return err
}

func dayRange(since, until string) (string, string) {
	return cmp.Or(since, "0001-01-01"), cmp.Or(until, "9999-12-31")
}

// each streams the rows in Go's string order (COLLATE "C" is bytewise),
// which walk relies on to merge them with the counts not yet flushed.
func (p *pgStore) each(since, until string, fn func(Key, uint64) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), pgReadTimeout)
	defer cancel()
	since, until = dayRange(since, until)
	rows, err := p.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), venue, scans FROM waymark_scans
WHERE day BETWEEN $1::date AND $2::date ORDER BY day, venue COLLATE "C"`, since, until)
	if err != nil {
		return p.wrap("read", err)
	}
	defer rows.Close()
	var k Key
	var n int64
	for rows.Next() {
		if err := rows.Scan(&k.Day, &k.Code, &n); err != nil {
			return p.wrap("read", err)
		}
		if err := fn(k, uint64(n)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return p.wrap("read", err)
	}
	return nil
}

func (p *pgStore) getFor(codes []string, since, until string, fn func(Key, uint64)) error {
	ctx, cancel := context.WithTimeout(context.Background(), pgReadTimeout)
	defer cancel()
	rows, err := p.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), venue, scans FROM waymark_scans
WHERE venue = ANY($1::text[]) AND day BETWEEN $2::date AND $3::date`, codes, since, until)
	if err != nil {
		return p.wrap("read", err)
	}
	defer rows.Close()
	var k Key
	var n int64
	for rows.Next() {
		if err := rows.Scan(&k.Day, &k.Code, &n); err != nil {
			return p.wrap("read", err)
		}
		fn(k, uint64(n))
	}
	if err := rows.Err(); err != nil {
		return p.wrap("read", err)
	}
	return nil
}

// Imported is what importing one counter file did.
type Imported struct {
	File    string
	Counts  int    // (day, venue) counts sent
	Scans   uint64 // scans in them
	Views   uint64 // lessons' views in them (LessonCode keys): not scans
	Already bool   // the database had them already: nothing added
}

// importFile adds a counter file's counts to the database once: the
// file's import name (see importID) goes into waymark_imports in the same
// transaction, and a name already there means it was done.
func (p *pgStore) importFile(path string) (Imported, error) {
	res := Imported{File: path}
	if _, err := os.Stat(path); err != nil {
		return res, fmt.Errorf("stats: import %s: %w", path, err)
	}
	st := &store{path: path}
	id, err := st.importID()
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgReadTimeout)
	defer cancel()
	err = pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO waymark_imports (id) VALUES ($1) ON CONFLICT DO NOTHING`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			res.Already = true
			return nil
		}
		batch := make([]Row, 0, pgBatch)
		err = st.each("", "", func(k Key, n uint64) error {
			res.Counts++
			if _, lesson := LessonOf(k.Code); lesson {
				res.Views = saturatingAdd(res.Views, n)
			} else {
				res.Scans = saturatingAdd(res.Scans, n)
			}
			batch = append(batch, Row{Day: k.Day, Code: k.Code, Count: n})
			if len(batch) < pgBatch {
				return nil
			}
			err := upsert(ctx, tx, batch)
			batch = batch[:0]
			return err
		})
		if err == nil && len(batch) > 0 {
			err = upsert(ctx, tx, batch)
		}
		return err
	})
	if err != nil {
		return Imported{File: path}, p.wrap("import "+path, err)
	}
	return res, nil
}

// ImportDir adds the counts of dir/scans.db and of any spill files in dir
// (SpillPattern) to the PostgreSQL database at pgURL, each file once: a
// second run adds nothing. Spill files are removed once sent; scans.db is
// left as it is. Stop the server that writes to dir/scans.db first:
// counts it adds after the import are not sent by a second run.
func ImportDir(dir, pgURL string) ([]Imported, error) {
	p, err := openPG(pgURL, false)
	if err != nil {
		return nil, err
	}
	defer p.pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), pgSchemaTimeout)
	defer cancel()
	if err := p.checkSchema(ctx); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, SpillPattern))
	if err != nil {
		return nil, err
	}
	main := filepath.Join(dir, FileName)
	if _, err := os.Stat(main); err == nil {
		files = append([]string{main}, files...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("stats: import: no %s or %s in %s", FileName, SpillPattern, dir)
	}
	var done []Imported
	for _, f := range files {
		res, err := p.importFile(f)
		if err != nil {
			return done, err
		}
		done = append(done, res)
		if f != main {
			if err := os.Remove(f); err != nil {
				return done, fmt.Errorf("stats: %s sent on, but: %w", f, err)
			}
		}
	}
	return done, nil
}
