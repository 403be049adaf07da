package realtools

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a throwaway PostgreSQL server from Debian's postgresql
// package, for tests of the scan counts that many copies of the server
// share. It runs from a temporary folder, listens on a Unix socket in
// that folder only (no TCP port to collide with anyone's), keeps no data
// durable (fsync off: it is thrown away), and trusts local connections.
// As root (CI) it runs as the postgres user, because PostgreSQL refuses to
// run as root.
type Postgres struct {
	bin, dir string
	as       []string // runuser prefix when root

	mu sync.Mutex
	n  int // databases made
}

// postgresBin returns the folder of initdb and pg_ctl, newest version
// first, or "".
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// NeedPostgres starts a PostgreSQL server for this test only and stops it
// at the test's end. Without PostgreSQL it fails in CI and skips elsewhere,
// naming the Debian package.
func NeedPostgres(t testing.TB) *Postgres {
	t.Helper()
	bin := needPostgresBin(t)
	pg, err := StartPostgres(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Close)
	return pg
}

func needPostgresBin(t testing.TB) string {
	t.Helper()
	bin := postgresBin()
	if bin != "" {
		return bin
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL's initdb not found; install the Debian package postgresql (apt-get install postgresql)")
	}
	t.Skipf("PostgreSQL's initdb not found; install the Debian package postgresql to run this test")
	return ""
}

var shared struct {
	sync.Mutex
	pg  *Postgres
	err error
}

// SharedPostgres returns one server for the whole test binary, started by
// the first test that asks; each test then takes its own database
// (NewDatabase). Call StopSharedPostgres from TestMain after m.Run.
func SharedPostgres(t testing.TB) *Postgres {
	t.Helper()
	bin := needPostgresBin(t)
	shared.Lock()
	defer shared.Unlock()
	if shared.pg == nil && shared.err == nil {
		shared.pg, shared.err = StartPostgres(bin)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.pg
}

// StopSharedPostgres stops the server SharedPostgres started, if any.
func StopSharedPostgres() {
	shared.Lock()
	defer shared.Unlock()
	if shared.pg != nil {
		shared.pg.Close()
		shared.pg = nil
	}
}

// StartPostgres creates a database cluster in a fresh temporary folder
// with the programs in bin and starts it.
func StartPostgres(bin string) (*Postgres, error) {
	dir, err := os.MkdirTemp("", "wmpg-")
	if err != nil {
		return nil, err
	}
	pg := &Postgres{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("PostgreSQL refuses to run as root and there is no postgres user (%v): install the Debian package postgresql", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		pg.as = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := pg.run("initdb", "-D", pg.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if err := pg.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return pg, nil
}

func (pg *Postgres) data() string { return filepath.Join(pg.dir, "data") }

func (pg *Postgres) run(prog string, args ...string) ([]byte, error) {
	argv := append(slices.Clone(pg.as), filepath.Join(pg.bin, prog))
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = pg.dir
	return cmd.CombinedOutput()
}

// Start starts the server (again, after Stop).
func (pg *Postgres) Start() error {
	opts := "-k " + pg.dir + " -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
	out, err := pg.run("pg_ctl", "-D", pg.data(), "-l", filepath.Join(pg.dir, "log"), "-w", "-t", "60", "-o", opts, "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(pg.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// Stop stops the server, closing every connection, as an outage would.
func (pg *Postgres) Stop() error {
	out, err := pg.run("pg_ctl", "-D", pg.data(), "-w", "-t", "60", "-m", "fast", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Close stops the server, if running, and removes its folder.
func (pg *Postgres) Close() {
	if _, err := os.Stat(filepath.Join(pg.data(), "postmaster.pid")); err == nil {
		pg.Stop()
	}
	os.RemoveAll(pg.dir)
}

// URL is the connection URL of database db as role user.
func (pg *Postgres) URL(user, db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=5432", user, db, pg.dir)
}

// Exec runs SQL statements in database db as the superuser.
func (pg *Postgres) Exec(t testing.TB, db string, stmts ...string) {
	t.Helper()
	if err := pg.exec(db, stmts...); err != nil {
		t.Fatal(err)
	}
}

func (pg *Postgres) exec(db string, stmts ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.URL("postgres", db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", strings.SplitN(s, "\n", 2)[0], err)
		}
	}
	return nil
}

// NewDatabase creates an empty database for one test and returns its name.
func (pg *Postgres) NewDatabase(t testing.TB) string {
	t.Helper()
	pg.mu.Lock()
	pg.n++
	name := fmt.Sprintf("waymark_test_%d", pg.n)
	pg.mu.Unlock()
	pg.Exec(t, "postgres", "CREATE DATABASE "+name)
	return name
}

// Query returns the single integer a query gives in database db.
func (pg *Postgres) Query(t testing.TB, db, query string, args ...any) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.URL("postgres", db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
