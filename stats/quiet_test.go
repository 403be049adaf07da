package stats

import (
	"slices"
	"testing"
	"time"
)

// TestQuiet: a venue is listed when its completed days over the window
// show fewer than the threshold, and the report cannot tell 0 scans from
// 1 to 4, however they fall; today and days before the window count for
// nothing.
func TestQuiet(t *testing.T) {
	now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	day := func(back int) time.Time { return now.AddDate(0, 0, -back) }
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	scan := func(code string, back, n int) {
		for range n {
			s.Inc(code, day(back))
		}
	}
	// Quiet: none, one, four on one day, four on four days, and 50
	// today (not over) or 29 days back (before the window).
	scan("ONE01", 3, 1)
	scan("FOUR1", 28, 4)
	for d := 1; d <= 4; d++ {
		scan("FOUR4", d, 1)
	}
	scan("TODAY", 0, 50)
	scan("OLD29", 29, 50)
	// Not quiet: five on one day, one on each of five days, and five on
	// the first day of the window.
	scan("FIVE1", 10, 5)
	for d := 1; d <= 5; d++ {
		scan("FIVE5", d, 1)
	}
	scan("EDGE1", 28, 5)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	codes := []string{"NONE0", "ONE01", "FOUR1", "FOUR4", "TODAY", "OLD29", "FIVE1", "FIVE5", "EDGE1"}
	got, err := s.Quiet(codes, now, DefaultQuietDays, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"NONE0", "ONE01", "FOUR1", "FOUR4", "TODAY", "OLD29"}
	if !slices.Equal(got, want) {
		t.Errorf("Quiet = %v, want %v", got, want)
	}
	if first, last := QuietWindow(now, 28); first != "2026-11-09" || last != "2026-12-06" {
		t.Errorf("window %s to %s", first, last)
	}

	// 0 and every count from 1 to 4, on any one day or spread over up
	// to four days, give the same report.
	for n := 0; n <= 4; n++ {
		for spread := 1; spread <= max(n, 1); spread++ {
			var rows []Row
			for i := range n {
				rows = append(rows, Row{Day: dayString(unixDay(day(1 + i%spread))), Code: "X", Count: 1})
			}
			rows = mergeRows(rows)
			if q := QuietOf(rows, []string{"X"}, DefaultThreshold); !slices.Equal(q, []string{"X"}) {
				t.Errorf("%d scans over %d days: Quiet = %v, want X listed as for 0", n, spread, q)
			}
		}
	}
	if _, err := s.Quiet(codes, now, 0, DefaultThreshold); err == nil {
		t.Error("a window of 0 days was accepted")
	}
}

// mergeRows sums rows of the same day and code, as the store keeps them.
func mergeRows(rows []Row) []Row {
	sum := map[Key]uint64{}
	for _, r := range rows {
		sum[Key{Day: r.Day, Code: r.Code}] += r.Count
	}
	var out []Row
	for k, n := range sum {
		out = append(out, Row{Day: k.Day, Code: k.Code, Count: n})
	}
	return out
}
