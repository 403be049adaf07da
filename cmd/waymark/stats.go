package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/waymark/waymark/stats"
)

// runStats prints scan counts from a data folder as the staff page shows
// them: completed UTC days only, small counts hidden, and totals that add
// up only what the days show (docs/privacy.md); then the lessons' views
// the same way, in a table of their own, in the order of --config's course.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "migrate":
			return runStatsMigrate(args[1:], stdout, stderr)
		case "import":
			return runStatsImport(args[1:], stdout, stderr)
		}
	}
	set := flags("stats", "", stderr)
	usage := set.Usage
	set.Usage = func() {
		usage()
		for _, sub := range []*flag.FlagSet{migrateFlags(stderr).set, importFlags(stderr).set} {
			fmt.Fprintln(stderr)
			sub.Usage()
		}
	}
	dir := set.String("data-dir", "", "folder holding scans.db (the serve command's --data-dir)")
	scans := set.String("scans", "", "where the counts are: bbolt:DIR (as --data-dir) or postgres://user:password@host/database (the serve command's --scans)")
	since := set.String("since", "", "first day to show, YYYY-MM-DD (default: all)")
	csv := set.Bool("csv", false, "print CSV (day,venue,scans; then, if any, a section day,lesson,views) instead of a table")
	threshold := set.Int("threshold", stats.DefaultThreshold, "show counts below this as \"fewer than N\" (at least 5)")
	quiet := &quietFlag{}
	set.Var(quiet, "quiet", fmt.Sprintf("list the venues whose last DAYS completed days (default %d) show fewer than --threshold scans: posters to go and check (needs --config)", stats.DefaultQuietDays))
	from := addDataFlags(set)
	pos, err := parse(set, args)
	if err != nil {
		return err
	}
	// `--quiet 14`: the flag takes an optional value, so the number
	// comes as an argument of its own.
	if quiet.on && len(pos) == 1 && quiet.days == 0 {
		if err := quiet.Set(pos[0]); err != nil {
			return err
		}
		pos = nil
	}
	if len(pos) > 0 {
		set.Usage()
		return errUsage
	}
	if *dir == "" && *scans == "" {
		set.Usage()
		return errUsage
	}
	folder, pgURL, err := stats.ParseScans(*scans, *dir)
	if err != nil {
		return err
	}
	if *since != "" {
		if _, err := time.Parse(stats.DayLayout, *since); err != nil {
			return fmt.Errorf("--since %q: want a date like 2026-01-31", *since)
		}
	}
	if *threshold < stats.DefaultThreshold {
		return fmt.Errorf("--threshold %d: counts below %d are always hidden (docs/privacy.md); a higher threshold hides more", *threshold, stats.DefaultThreshold)
	}
	if quiet.on && (quiet.Days() < 1 || quiet.Days() > stats.MaxQuietDays) {
		return fmt.Errorf("--quiet %d: a window of 1 to %d days", quiet.Days(), stats.MaxQuietDays)
	}
	var st *stats.Stats
	if pgURL != "" {
		st, err = stats.OpenPostgresReadOnly(pgURL)
		if err != nil {
			return err
		}
		defer st.Disconnect()
	} else {
		st, err = stats.OpenReadOnly(folder)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "no scans recorded yet in %s\n", folder)
			if quiet.on {
				// No file at all: every venue is as quiet as can be.
				return printQuiet(nil, from, quiet.Days(), *threshold, stdout)
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
	// Today is left out, as everywhere counts leave the process: a count
	// that moves during the day, read often, dates each scan.
	if quiet.on {
		return printQuiet(st, from, quiet.Days(), *threshold, stdout)
	}
	lessons := &courseOrder{from: from}
	if *csv {
		return st.WriteCompletedCSV(stdout, *since, time.Now(), *threshold, lessons.ids)
	}
	rows, err := st.Completed(*since, time.Now())
	if err != nil {
		return err
	}
	return stats.WriteTable(stdout, rows, *threshold, lessons.ids)
}

// runStatsMigrate creates or updates the scan counts table in PostgreSQL.
// The server does it too on start when its role may; this is for a
// deployment whose server role may only read and write rows.
// migrateFlagSet and importFlagSet are the subcommands' flags, which
// `waymark stats --help` lists too.
type migrateFlagSet struct {
	set   *flag.FlagSet
	scans *string
}

func migrateFlags(stderr io.Writer) migrateFlagSet {
	set := flags("stats migrate", "", stderr)
	return migrateFlagSet{set, set.String("scans", "", "the database: postgres://owner:password@host/database, as a role that may create tables (the server's role then needs only SELECT, INSERT and UPDATE; docs/deploy.md)")}
}

// runStatsMigrate creates or updates the scan counts schema in PostgreSQL.
// The server does it too on start when its role may; this is for a
// deployment whose server role may only read and write rows.
func runStatsMigrate(args []string, stdout, stderr io.Writer) error {
	f := migrateFlags(stderr)
	if _, err := parse(f.set, args); err != nil {
		return err
	}
	if !stats.IsPostgres(*f.scans) {
		f.set.Usage()
		return errUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	from, to, err := stats.Migrate(ctx, *f.scans)
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(stdout, "scan counts schema already at version %d\n", to)
	} else {
		fmt.Fprintf(stdout, "scan counts schema migrated from version %d to %d\n", from, to)
	}
	return nil
}

type importFlagSet struct {
	set      *flag.FlagSet
	from, to *string
}

func importFlags(stderr io.Writer) importFlagSet {
	set := flags("stats import", "", stderr)
	return importFlagSet{set,
		set.String("from", "", "data folder holding scans.db and/or scans-pending-*.db (stop the server that writes its scans.db first; each file is given a random import name, which the database remembers, so it must be writable)"),
		set.String("to", "", "the database: postgres://user:password@host/database")}
}

// runStatsImport moves a data folder's counts into PostgreSQL, once.
func runStatsImport(args []string, stdout, stderr io.Writer) error {
	f := importFlags(stderr)
	if _, err := parse(f.set, args); err != nil {
		return err
	}
	if *f.from == "" || !stats.IsPostgres(*f.to) {
		f.set.Usage()
		return errUsage
	}
	done, err := stats.ImportDir(*f.from, *f.to)
	for _, im := range done {
		if im.Already {
			fmt.Fprintf(stdout, "%s: already imported, nothing added\n", im.File)
		} else if im.Views > 0 {
			fmt.Fprintf(stdout, "%s: %d counts (%d scans, %d lesson views) added\n", im.File, im.Counts, im.Scans, im.Views)
		} else {
			fmt.Fprintf(stdout, "%s: %d counts (%d scans) added\n", im.File, im.Counts, im.Scans)
		}
	}
	return err
}

// quietFlag is --quiet with an optional number of days: `--quiet`,
// `--quiet=14` or `--quiet 14`.
type quietFlag struct {
	on   bool
	days int
}

func (q *quietFlag) String() string {
	if q == nil || !q.on {
		return ""
	}
	return strconv.Itoa(q.Days())
}

func (q *quietFlag) Set(s string) error {
	q.on = true
	if s == "true" || s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("--quiet %q: a number of days", s)
	}
	q.days = n
	return nil
}

func (q *quietFlag) IsBoolFlag() bool { return true }

// Days is the window, DefaultQuietDays unless given.
func (q *quietFlag) Days() int {
	if q.days == 0 {
		return stats.DefaultQuietDays
	}
	return q.days
}

// printQuiet lists the quiet posters of the config's venues (st nil: no
// counts file, so every venue).
func printQuiet(st *stats.Stats, from *dataFlags, days, threshold int, w io.Writer) error {
	s, err := from.load()
	if err != nil {
		return err
	}
	venues := s.Config.Venues
	codes := make([]string, len(venues))
	for i, v := range venues {
		codes[i] = v.Code
	}
	now := time.Now()
	quiet := codes
	if st != nil {
		if quiet, err = st.Quiet(codes, now, days, threshold); err != nil {
			return err
		}
	}
	first, last := stats.QuietWindow(now, days)
	fmt.Fprintf(w, "Quiet posters: %d of %d venues show fewer than %d scans in the %d completed days %s to %s.\n", len(quiet), len(venues), threshold, days, first, last)
	fmt.Fprintf(w, "Go and check that each poster is still up and readable. (0 scans and 1 to %d read the same here: docs/privacy.md.)\n", threshold-1)
	if len(quiet) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCODE\tREGION\tAREA\tNAME")
	for _, code := range quiet {
		v, _ := s.Config.Venue(code)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Code, v.Region, v.Area, v.Name)
	}
	return tw.Flush()
}

// courseOrder is the config's lessons in course order, for the lesson
// tables: loaded (the whole config, seconds) only when a completed day has
// a lesson view to show.
type courseOrder struct{ from *dataFlags }

func (c *courseOrder) ids() ([]string, error) {
	s, err := c.from.load()
	if err != nil {
		return nil, fmt.Errorf("the course order of the lesson views: %w", err)
	}
	return s.Config.LessonIDs(), nil
}
