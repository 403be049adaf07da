package stats

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waymark/waymark/internal/realtools"
)

// The PostgreSQL tests share one throwaway server (realtools), each in a
// database of its own; it is started by the first of them only.
func TestMain(m *testing.M) {
	code := m.Run()
	realtools.StopSharedPostgres()
	os.Exit(code)
}

func newPG(t *testing.T) (*realtools.Postgres, string) {
	t.Helper()
	pg := realtools.SharedPostgres(t)
	db := pg.NewDatabase(t)
	return pg, db
}

func openPGStats(t *testing.T, url, spill string) *Stats {
	t.Helper()
	s, err := OpenPostgres(url, spill)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Disconnect)
	return s
}

// TestPostgresCopiesAddUp: copies flushing the same venues at the same
// time neither lose nor double a count, and reads see the sum.
func TestPostgresCopiesAddUp(t *testing.T) {
	pg, db := newPG(t)
	url := pg.URL("postgres", db)
	day := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	const copies, rounds, perRound = 4, 20, 50
	var wg sync.WaitGroup
	for range copies {
		s := openPGStats(t, url, "")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				for range perRound {
					s.Inc("A", day)
					s.Inc("B", day)
				}
				s.Inc("C", day.AddDate(0, 0, 1))
				if err := s.Flush(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	want := map[string]int64{"A": copies * rounds * perRound, "B": copies * rounds * perRound, "C": copies * rounds}
	for code, n := range want {
		if got := pg.Query(t, db, `SELECT coalesce(sum(scans), 0) FROM waymark_scans WHERE venue = $1`, code); got != n {
			t.Errorf("venue %s: database holds %d, want %d", code, got, n)
		}
	}
	r := openPGStats(t, url, "")
	rows, err := r.Daily("", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Code != "A" || rows[0].Count != copies*rounds*perRound || rows[2].Day != "2026-03-15" {
		t.Errorf("Daily over the database = %v", rows)
	}
}

// TestPostgresSmallCountOnTheSum: the rule is applied to the sum over
// copies, in every read: 2 + 2 = 4 is hidden, 3 + 3 = 6 shown.
func TestPostgresSmallCountOnTheSum(t *testing.T) {
	pg, db := newPG(t)
	url := pg.URL("postgres", db)
	now := time.Now()
	yesterday := now.AddDate(0, 0, -1)
	for range 2 {
		s := openPGStats(t, url, "")
		for range 2 {
			s.Inc("FOUR", yesterday)
		}
		for range 3 {
			s.Inc("SIX", yesterday)
		}
		s.Inc("TODAY", now)
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	r := openPGStats(t, url, "")
	var csv strings.Builder
	if err := r.WriteCompletedCSV(&csv, "", now, DefaultThreshold, nil); err != nil {
		t.Fatal(err)
	}
	day := LastCompleteDay(now)
	want := "day,venue,scans\n" + day + ",FOUR,<5\n" + day + ",SIX,6\n"
	if csv.String() != want {
		t.Errorf("CSV over PostgreSQL =\n%s\nwant\n%s", csv.String(), want)
	}
	totals, err := r.PublishedTotals(now, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if totals["FOUR"] != (Total{Exact: 0, Hidden: 1}) || totals["SIX"] != (Total{Exact: 6}) || len(totals) != 2 {
		t.Errorf("PublishedTotals = %+v", totals)
	}
	rows, err := r.CompletedDays([]string{"FOUR", "SIX", "TODAY"}, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Count != 4 || rows[1].Count != 6 {
		t.Errorf("CompletedDays = %v, want FOUR 4 and SIX 6 (exact sums: the caller applies the rule)", rows)
	}
}

// TestPostgresLeastPrivilege: after `waymark stats migrate` by the owner,
// a role with only SELECT, INSERT and UPDATE counts; on an empty database
// it says to run the migration.
func TestPostgresLeastPrivilege(t *testing.T) {
	pg, db := newPG(t)
	pg.Exec(t, db, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waymark_counter') THEN CREATE ROLE waymark_counter LOGIN; END IF; END $$`,
		`REVOKE CREATE ON SCHEMA public FROM PUBLIC`)
	limited := pg.URL("waymark_counter", db)
	if _, err := OpenPostgres(limited, ""); err == nil || !strings.Contains(err.Error(), "waymark stats migrate") {
		t.Fatalf("a role that may not create tables, on an empty database: err = %v, want advice to run waymark stats migrate", err)
	}
	ctx := context.Background()
	if from, to, err := Migrate(ctx, pg.URL("postgres", db)); err != nil || from != 0 || to != SchemaVersion {
		t.Fatalf("Migrate = %d, %d, %v", from, to, err)
	}
	if from, to, err := Migrate(ctx, pg.URL("postgres", db)); err != nil || from != to {
		t.Fatalf("second Migrate = %d, %d, %v; want no change", from, to, err)
	}
	pg.Exec(t, db, `GRANT SELECT, INSERT, UPDATE ON waymark_scans, waymark_imports TO waymark_counter`,
		`GRANT SELECT ON waymark_schema TO waymark_counter`)
	s := openPGStats(t, limited, "")
	s.Inc("A", time.Now())
	s.Inc("A", time.Now())
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.Inc("A", time.Now())
	if err := s.Flush(); err != nil { // the update path
		t.Fatal(err)
	}
	if got := pg.Query(t, db, `SELECT scans FROM waymark_scans WHERE venue = 'A'`); got != 3 {
		t.Errorf("database holds %d, want 3", got)
	}
	// The database holds day, venue and count, nothing else.
	if got := pg.Query(t, db, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'waymark_scans'`); got != 3 {
		t.Errorf("waymark_scans has %d columns, want 3 (day, venue, scans)", got)
	}
}

// TestPostgresSpillAndImport: counts a copy could not send before it
// stopped go to a local file, which the next start sends on once; a
// folder's scans.db is imported once however often it is run.
func TestPostgresSpillAndImport(t *testing.T) {
	pg, db := newPG(t)
	url := pg.URL("postgres", db)
	dir := t.TempDir()

	// A database that is not there: a socket folder with no server.
	down, err := OpenPostgres("postgres://postgres@/nowhere?host="+t.TempDir()+"&port=5432", dir)
	if err == nil {
		t.Fatal("OpenPostgres with no server: no error")
	}
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for range 7 {
		down.Inc("SPILL", day)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = down.Run(ctx, time.Hour)
	down.Disconnect()
	if err == nil || !strings.Contains(err.Error(), "scans-pending-") {
		t.Fatalf("Run's last flush with the database down: err = %v, want it to name the spill file", err)
	}
	spills, _ := filepath.Glob(filepath.Join(dir, SpillPattern))
	if len(spills) != 1 {
		t.Fatalf("spill files: %v", spills)
	}

	// A damaged spill file beside it holds up only itself.
	bad := filepath.Join(dir, "scans-pending-damaged.db")
	if err := os.WriteFile(bad, []byte("not a counter file"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := openPGStats(t, url, dir)
	var sent []Imported
	s.OnSpillSent = func(im Imported) { sent = append(sent, im) }
	s.Inc("OWN", day)
	if err := s.Flush(); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Flush with a damaged spill file: err = %v, want it named", err)
	}
	if len(sent) != 1 || sent[0].Scans != 7 {
		t.Errorf("spill files sent: %+v", sent)
	}
	if got := pg.Query(t, db, `SELECT coalesce(sum(scans), 0)::bigint FROM waymark_scans WHERE venue = 'OWN'`); got != 1 {
		t.Errorf("the copy's own count: database holds %d, want 1 despite the damaged spill file", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, SpillPattern)); len(left) != 1 || left[0] != bad {
		t.Errorf("spill files left after sending: %v, want only the damaged one", left)
	}
	os.Remove(bad)
	if err := s.Flush(); err != nil {
		t.Errorf("Flush once the damaged file is gone: %v", err)
	}

	// A bbolt data folder, imported twice.
	old := t.TempDir()
	b, err := Open(old)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b.Inc("OLD", day)
	}
	b.Inc("SPILL", day)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		done, err := ImportDir(old, url)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 1 || done[0].Already != (run == 1) {
			t.Errorf("import run %d: %+v", run+1, done)
		}
	}
	for code, want := range map[string]int64{"OLD": 5, "SPILL": 8} {
		if got := pg.Query(t, db, `SELECT scans FROM waymark_scans WHERE venue = $1`, code); got != want {
			t.Errorf("%s: database holds %d, want %d", code, got, want)
		}
	}
}

// sqlBlocks returns docs/deploy.md's ```sql blocks, in order.
func sqlBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	parts := strings.Split(string(b), "```sql\n")
	for _, p := range parts[1:] {
		end := strings.Index(p, "\n```")
		if end < 0 {
			t.Fatal("docs/deploy.md: unclosed sql block")
		}
		blocks = append(blocks, p[:end+1])
	}
	return blocks
}

// statements splits SQL into statements, without comment lines.
func statements(sql string) []string {
	var lines []string
	for _, l := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var out []string
	for _, s := range strings.Split(strings.Join(lines, "\n"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// TestPostgresDeployDocSQL follows docs/deploy.md's PostgreSQL set-up as
// written: the superuser's roles and database, `waymark stats migrate` as
// the owner (whose schema is the one the guide prints), the grants; then
// the servers' role counts and may not create a table.
func TestPostgresDeployDocSQL(t *testing.T) {
	pg := realtools.SharedPostgres(t)
	blocks := sqlBlocks(t)
	if len(blocks) != 3 {
		t.Fatalf("docs/deploy.md has %d sql blocks, want 3 (set-up, schema, grants)", len(blocks))
	}
	pg.Exec(t, "postgres", `DROP DATABASE IF EXISTS waymark`, `DROP ROLE IF EXISTS waymark_owner`, `DROP ROLE IF EXISTS waymark`)
	setup, inDB, ok := strings.Cut(blocks[0], `\connect waymark`)
	if !ok {
		t.Fatalf("the set-up block does not \\connect waymark:\n%s", blocks[0])
	}
	pg.Exec(t, "postgres", statements(setup)...)
	pg.Exec(t, "waymark", statements(inDB)...)

	owner := pg.URL("waymark_owner", "waymark")
	if _, _, err := Migrate(context.Background(), owner); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var doc, code []string
	for _, s := range statements(blocks[1]) {
		doc = append(doc, norm(s))
	}
	for _, s := range migrations[0] {
		code = append(code, norm(s))
	}
	if strings.Join(doc, ";") != strings.Join(code, ";") {
		t.Errorf("docs/deploy.md's schema:\n%s\nis not what waymark stats migrate runs:\n%s", strings.Join(doc, "\n"), strings.Join(code, "\n"))
	}
	ctx := context.Background()
	conn, err := pgxConnect(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statements(blocks[2]) {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	conn.Close(ctx)

	server := pg.URL("waymark", "waymark")
	s := openPGStats(t, server, "")
	s.Inc("DOC", time.Now())
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := pg.Query(t, "waymark", `SELECT scans FROM waymark_scans WHERE venue = 'DOC'`); got != 1 {
		t.Errorf("database holds %d, want 1", got)
	}
	conn, err = pgxConnect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range []string{`CREATE TABLE elsewhere (a int)`, `DELETE FROM waymark_scans`} {
		if _, err := conn.Exec(ctx, s); err == nil {
			t.Errorf("the servers' role may %s", s)
		}
	}
}

func pgxConnect(ctx context.Context, url string) (*pgx.Conn, error) { return pgx.Connect(ctx, url) }
