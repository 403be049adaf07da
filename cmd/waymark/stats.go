package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	if _, err := parse(set, args); err != nil {
		return err
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
	st, err := stats.OpenReadOnly(*dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "no scans recorded yet in %s\n", *dir)
		return nil
	}
	if err != nil {
		return err
	}
	// Today is left out, as everywhere counts leave the process: a count
	// that moves during the day, read often, dates each scan.
	if *csv {
		return st.WriteCompletedCSV(stdout, *since, time.Now(), *threshold)
	}
	rows, err := st.Completed(*since, time.Now())
	if err != nil {
		return err
	}
	return stats.WriteTable(stdout, rows, *threshold)
}
