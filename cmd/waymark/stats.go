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

// runStats prints scan counts from a data folder, with small counts
// hidden as on the staff page.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	set := flags("stats", "", stderr)
	dir := set.String("data-dir", "", "folder holding scans.db (the serve command's --data-dir)")
	since := set.String("since", "", "first day to show, YYYY-MM-DD (default: all)")
	csv := set.Bool("csv", false, "print CSV (day,venue,scans) instead of a table")
	threshold := set.Int("threshold", stats.DefaultThreshold, "show counts below this as \"fewer than N\"")
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
	if *threshold < 1 {
		return fmt.Errorf("--threshold must be at least 1")
	}
	st, err := stats.OpenReadOnly(*dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "no scans recorded yet in %s\n", *dir)
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := st.Daily(*since, "")
	if err != nil {
		return err
	}
	if *csv {
		return stats.WriteCSV(stdout, rows, *threshold)
	}
	return stats.WriteTable(stdout, rows, *threshold)
}
