package stats

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"time"
)

// Lesson views (issue 27) live in the same (day, code, count) store as the
// venues' scans, under LessonCode keys, so that every store, backup, import
// and spill file carries them. They are not scans: every reader that shows
// counts splits them off (SplitLessons) and shows them in a table of their
// own, per lesson per completed day, under the same small-count rule. A
// view is counted with the lesson's ID only: no venue, no language, and no
// link between one view and the next, so the counts cannot follow a
// person through the course.

// Course gives the lessons' IDs in course order (the config's), for the
// order of the lesson tables. It is called only when there are views to
// show: the command line loads the whole config for it. A nil Course, or
// one that returns no IDs, orders lessons alphabetically.
type Course func() ([]string, error)

// Lessons is the Course of ids, already known.
func Lessons(ids []string) Course { return func() ([]string, error) { return ids, nil } }

func (c Course) order() ([]string, error) {
	if c == nil {
		return nil, nil
	}
	return c()
}

// SplitLessons separates rows into the venues' scans and the lessons'
// views, keeping their order. A lesson row's Code is the lesson's ID.
func SplitLessons(rows []Row) (venues, lessons []Row) {
	for _, r := range rows {
		if id, ok := LessonOf(r.Code); ok {
			r.Code = id
			lessons = append(lessons, r)
		} else {
			venues = append(venues, r)
		}
	}
	return venues, lessons
}

// lessonOrder compares lesson IDs in course order (order, the config's
// lesson IDs); IDs the course no longer has (a dropped lesson's past views)
// come after, alphabetically.
func lessonOrder(order []string) func(a, b string) int {
	pos := make(map[string]int, len(order))
	for i, id := range order {
		if _, ok := pos[id]; !ok {
			pos[id] = i
		}
	}
	return func(a, b string) int {
		pa, oka := pos[a]
		pb, okb := pos[b]
		switch {
		case oka && okb:
			return cmp.Compare(pa, pb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return cmp.Compare(a, b)
	}
}

// sortLessonRows sorts lesson rows by day, then course order.
func sortLessonRows(rows []Row, order []string) []Row {
	rows = slices.Clone(rows)
	byID := lessonOrder(order)
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), byID(a.Code, b.Code))
	})
	return rows
}

// writeLessonTable writes lesson rows (Code = lesson ID) as WriteTable
// writes the venues: one line per lesson per day, then a total per lesson
// made with Total, lessons in course order. Nothing when there are no
// rows: a site without a course prints what it always did.
func writeLessonTable(w io.Writer, rows []Row, course Course, threshold int) error {
	if len(rows) == 0 {
		return nil
	}
	order, err := course.order()
	if err != nil {
		return err
	}
	rows = sortLessonRows(rows, order)
	if _, err := fmt.Fprintln(w, "\nLesson views: one count per lesson per day, never per venue, person or visit."); err != nil {
		return err
	}
	return writeDays(w, rows, threshold, "DAY\tLESSON\tVIEWS", "\nLESSON\tTOTAL", lessonOrder(order))
}

// writeLessonCSV writes the lessons' section of a CSV: a blank line, the
// header "day,lesson,views", then rows (Code = lesson ID) by day and course
// order. Nothing when there are no rows, so that a CSV of a site without
// a course is as before.
func writeLessonCSV(cw *csv.Writer, rows []Row, course Course, threshold int) error {
	if len(rows) == 0 {
		return nil
	}
	order, err := course.order()
	if err != nil {
		return err
	}
	// encoding/csv writes an empty record as an empty line: the
	// section break, which spreadsheets show as an empty row.
	if err := cw.Write(nil); err != nil {
		return err
	}
	if err := cw.Write([]string{"day", "lesson", "views"}); err != nil {
		return err
	}
	for _, r := range sortLessonRows(rows, order) {
		if err := cw.Write([]string{r.Day, r.Code, displayCompact(r.Count, threshold)}); err != nil {
			return err
		}
	}
	return nil
}

// LessonStats is one lesson's line on the staff page: totals of the last
// 30 and 365 completed days, made with Total.
type LessonStats struct {
	ID              string
	Last30, Last365 string
}

// LessonTotals reads the views of lessons (the config's IDs, in course
// order) over the last 365 completed days at now, and returns each
// lesson's totals as the staff page shows them: today is left out, and a
// day with fewer than threshold views counts as "at least one".
func (s *Stats) LessonTotals(lessons []string, now time.Time, threshold int) ([]LessonStats, error) {
	if len(lessons) == 0 {
		return nil, nil
	}
	end := now.Add(-24 * time.Hour) // in the last completed UTC day
	codes := make([]string, len(lessons))
	for i, id := range lessons {
		codes[i] = LessonCode(id)
	}
	rows, err := s.DailyFor(codes, dayString(unixDay(end)-364), LastCompleteDay(now))
	if err != nil {
		return nil, err
	}
	byCode := make(map[string][]Row, len(codes))
	for _, r := range rows {
		byCode[r.Code] = append(byCode[r.Code], r)
	}
	out := make([]LessonStats, len(lessons))
	for i, id := range lessons {
		code := codes[i]
		out[i] = LessonStats{
			ID:      id,
			Last30:  TotalOf(DaySeries(byCode[code], code, end, 30), threshold).Display(),
			Last365: TotalOf(DaySeries(byCode[code], code, end, 365), threshold).Display(),
		}
	}
	return out, nil
}
