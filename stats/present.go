package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// DefaultThreshold is the smallest daily count shown exactly. Smaller
// non-zero counts are shown as "fewer than 5".
//
// Why: at a quiet venue, a single scan on a given day can be tied to the one
// person who was seen near the poster that day, and that person may be in
// danger if whoever controls them learns they looked for help. Showing
// "fewer than 5" keeps the count useful (the poster is being noticed) without
// confirming any one person's scan. Zero is shown as "0": it says nothing
// about anyone.
const DefaultThreshold = 5

// suppressed reports whether count must be hidden under threshold. A
// threshold of 1 or less disables suppression.
func suppressed(count uint64, threshold int) bool {
	return count > 0 && threshold > 1 && count < uint64(threshold)
}

// Display formats a count for people: the number itself, or "fewer than N"
// for 1..N-1 where N is threshold (see DefaultThreshold for why).
func Display(count uint64, threshold int) string {
	if suppressed(count, threshold) {
		return "fewer than " + strconv.Itoa(threshold)
	}
	return strconv.FormatUint(count, 10)
}

// displayCompact is Display for CSV cells: "<5" sorts and filters better in
// a spreadsheet than a phrase.
func displayCompact(count uint64, threshold int) string {
	if suppressed(count, threshold) {
		return "<" + strconv.Itoa(threshold)
	}
	return strconv.FormatUint(count, 10)
}

// WriteCSV writes the venues' rows as CSV with the header
// "day,venue,scans", sorted by day and venue, with counts under threshold
// written as "<N"; then the lessons' views in a section of their own
// (writeLessonCSV), lessons in course order.
func WriteCSV(w io.Writer, rows []Row, threshold int, lessons Course) error {
	venues, views := SplitLessons(rows)
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"day", "venue", "scans"}); err != nil {
		return err
	}
	for _, r := range sortedCopy(venues) {
		if err := cw.Write([]string{r.Day, r.Code, displayCompact(r.Count, threshold)}); err != nil {
			return err
		}
	}
	if err := writeLessonCSV(cw, views, lessons, threshold); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// NoCompletedScans is what a table of completed days says when it has
// none with scans.
const NoCompletedScans = "No scans on any completed day. Today's scans, if any, are shown once the day is over (UTC): a count that moved during the day would date each scan."

// WriteTable writes the venues' rows as an aligned text table, one line
// per venue per day, followed by a total per venue computed with Total (see
// there for why totals are never exact when a day is hidden). The lessons'
// views follow in a table of their own, lessons in course order, when a
// completed day has any.
func WriteTable(w io.Writer, rows []Row, threshold int, lessons Course) error {
	rows, views := SplitLessons(rows)
	if err := writeVenueTable(w, rows, threshold); err != nil {
		return err
	}
	return writeLessonTable(w, views, lessons, threshold)
}

func writeVenueTable(w io.Writer, rows []Row, threshold int) error {
	rows = sortedCopy(rows)
	if len(rows) == 0 {
		// Said the same whether or not today has scans: telling when
		// the day's first scan came would date it.
		_, err := fmt.Fprintln(w, NoCompletedScans)
		return err
	}
	return writeDays(w, rows, threshold, "DAY\tVENUE\tSCANS", "\nVENUE\tTOTAL", strings.Compare)
}

// writeDays writes rows, already in order, as an aligned table under
// header, then under totalsHeader a total per code made with Total, codes
// in the order of byCode.
func writeDays(w io.Writer, rows []Row, threshold int, header, totalsHeader string, byCode func(a, b string) int) error {
	totals := make(map[string]*Total)
	var codes []string
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Day, printable(r.Code), Display(r.Count, threshold))
		t := totals[r.Code]
		if t == nil {
			t = new(Total)
			totals[r.Code] = t
			codes = append(codes, r.Code)
		}
		t.Add(r.Count, threshold)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// A second tabwriter, so the totals get their own column widths.
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, totalsHeader)
	slices.SortFunc(codes, byCode)
	for _, code := range codes {
		fmt.Fprintf(tw, "%s\t%s\n", printable(code), totals[code].Display())
	}
	return tw.Flush()
}

// Total is a sum of daily counts that reveals nothing the days themselves
// do not show once they are published with the small-count rule.
//
// The rule (docs/privacy.md): a total is computed only from what its days
// show. Days shown exactly add up exactly; a day shown as "fewer than N"
// adds nothing to the exact part and makes the total "at least X", X being
// the exact part plus one per hidden day. Were a total exact while some of
// its days read "fewer than N", subtracting the visible days would give back
// the hidden ones (one hidden day: its exact count; five hidden days
// totalling 5: one scan each). Because every total is a function of the
// published days only, no difference of totals (30 days minus another
// period, one venue's total minus its days, the CSV minus the page) can
// reveal more than the days already do.
type Total struct {
	Exact  uint64 // sum of the days shown exactly
	Hidden uint64 // number of days shown as "fewer than N"
}

// Add adds one day's count, as the small-count rule with threshold shows it.
func (t *Total) Add(count uint64, threshold int) {
	if suppressed(count, threshold) {
		t.Hidden++
	} else {
		t.Exact = saturatingAdd(t.Exact, count)
	}
}

// Display is the total for people: "15", or "at least 13" when a day is
// hidden.
func (t Total) Display() string {
	if t.Hidden > 0 {
		return "at least " + strconv.FormatUint(saturatingAdd(t.Exact, t.Hidden), 10)
	}
	return strconv.FormatUint(t.Exact, 10)
}

// TotalOf is the Total of a chart's days.
func TotalOf(days []DayCount, threshold int) Total {
	var t Total
	for _, d := range days {
		t.Add(d.Count, threshold)
	}
	return t
}

// MinThreshold returns threshold, raised to DefaultThreshold: callers that
// let counts leave the process may hide more, never less.
func MinThreshold(threshold int) int {
	return max(threshold, DefaultThreshold)
}

// printable replaces control characters so that a malformed code cannot
// move the cursor or clear the terminal of whoever runs `waymark stats`.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

func sortedCopy(rows []Row) []Row {
	rows = slices.Clone(rows)
	sortRows(rows)
	return rows
}

// DayCount is one bar of a chart: the scans on one UTC day.
type DayCount struct {
	Day   string // UTC date, DayLayout
	Count uint64
}

// DaySeries turns rows into one entry per day for the days UTC days ending
// with the day containing end, oldest first, with zero for days without
// scans. With code == "" it sums all venues (lessons' views are not
// scans: left out).
//
// A chart of all venues together is a different aggregate from the
// per-venue table; showing both to the same audience lets a reader subtract
// one from the other, so pick one granularity per page where counts are low.
func DaySeries(rows []Row, code string, end time.Time, days int) []DayCount {
	if days <= 0 {
		return nil
	}
	last := unixDay(end)
	first := last - int64(days) + 1
	out := make([]DayCount, days)
	index := make(map[string]int, days)
	for i := range out {
		out[i].Day = dayString(first + int64(i))
		index[out[i].Day] = i
	}
	for _, r := range rows {
		if code != "" && r.Code != code {
			continue
		}
		if _, lesson := LessonOf(r.Code); code == "" && lesson {
			continue
		}
		if i, ok := index[r.Day]; ok {
			out[i].Count = saturatingAdd(out[i].Count, r.Count)
		}
	}
	return out
}
