package stats

import (
	"fmt"
	"time"
)

// Quiet posters: venues whose poster may have been taken down or
// defaced, for staff to go and look.

// DefaultQuietDays is the window of `waymark stats --quiet` and the staff
// page: four whole weeks, long enough that a quiet week at a busy venue
// is no alarm.
const DefaultQuietDays = 28

// MaxQuietDays bounds the window to a year of completed days.
const MaxQuietDays = 365

// QuietWindow is the window of days completed days ending with the last
// completed UTC day at now: first and last day, inclusive.
func QuietWindow(now time.Time, days int) (first, last string) {
	end := unixDay(now) - 1
	return dayString(end - int64(days) + 1), dayString(end)
}

// Quiet returns, of codes and in their order, the venues whose days over
// the window show fewer than threshold scans.
//
// It is a function of the days as every staff page shows them, and of
// nothing else: a day of threshold or more counts as itself, a day of 1 to
// threshold-1 ("fewer than N") as one scan, as Total does. So a venue is
// quiet when no day reached the threshold and fewer than threshold days
// had any scan. The report lists venues and never a count: 0 scans and
// 1 to 4 read the same. Because it uses only what the days already show,
// no comparison of reports (this window with yesterday's, 28 days with
// 35) tells anything the day charts do not (docs/privacy.md).
//
// This is the one place that reads counts for the report: it needs the
// summed counts per venue per completed day in the window.
func (s *Stats) Quiet(codes []string, now time.Time, days, threshold int) ([]string, error) {
	if days < 1 || days > MaxQuietDays {
		return nil, fmt.Errorf("stats: quiet window of %d days: from 1 to %d", days, MaxQuietDays)
	}
	first, last := QuietWindow(now, days)
	rows, err := s.Daily(first, last)
	if err != nil {
		return nil, err
	}
	return QuietOf(rows, codes, MinThreshold(threshold)), nil
}

// QuietOf is Quiet over rows already read (every venue's counts of the
// window's days, one row per venue per day).
func QuietOf(rows []Row, codes []string, threshold int) []string {
	shown := make(map[string]*Total, len(codes))
	for _, r := range rows {
		t := shown[r.Code]
		if t == nil {
			t = &Total{}
			shown[r.Code] = t
		}
		t.Add(r.Count, threshold)
	}
	var quiet []string
	for _, c := range codes {
		t := shown[c]
		if t == nil || saturatingAdd(t.Exact, t.Hidden) < uint64(threshold) {
			quiet = append(quiet, c)
		}
	}
	return quiet
}
