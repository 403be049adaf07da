package main

import (
	"context"
	"errors"
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
// up only what the days show (docs/privacy.md).
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	set := flags("stats", "", stderr)
	dir := set.String("data-dir", "", "folder holding scans.db (the serve command's --data-dir)")
	since := set.String("since", "", "first day to show, YYYY-MM-DD (default: all)")
	csv := set.Bool("csv", false, "print CSV (day,venue,scans) instead of a table")
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
	if *dir == "" {
		set.Usage()
		return errUsage
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
	st, err := stats.OpenReadOnly(*dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "no scans recorded yet in %s\n", *dir)
		if quiet.on {
			// No file at all: every venue is as quiet as can be.
			return printQuiet(nil, from, quiet.Days(), *threshold, stdout)
		}
		return nil
	}
	if err != nil {
		return err
	}
	// Today is left out, as everywhere counts leave the process: a count
	// that moves during the day, read often, dates each scan.
	if quiet.on {
		return printQuiet(st, from, quiet.Days(), *threshold, stdout)
	}
	if *csv {
		return st.WriteCompletedCSV(stdout, *since, time.Now(), *threshold)
	}
	rows, err := st.Completed(*since, time.Now())
	if err != nil {
		return err
	}
	return stats.WriteTable(stdout, rows, *threshold)
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
