package stats

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lessonCounts are scans and lessons' views around now, for the lesson
// tests: n counts of code on the day back days before now.
var lessonCounts = []struct {
	code    string
	back, n int
}{
	{"K7Q2M", 1, 7},
	{LessonCode("where"), 1, 3},  // hidden: fewer than 5
	{LessonCode("where"), 2, 5},  // shown
	{LessonCode("apps"), 1, 6},   // shown
	{LessonCode("gone"), 1, 5},   // dropped from the course since
	{LessonCode("taken"), 0, 9},  // today: not over
	{LessonCode("apps"), 400, 8}, // before the year of the staff page
}

var course = []string{"where", "apps", "taken"}

func countLessons(s *Stats, now time.Time) {
	for _, c := range lessonCounts {
		for range c.n {
			s.Inc(c.code, now.AddDate(0, 0, -c.back))
		}
	}
}

// TestLessonViewsApart: lessons' views, kept in the same bbolt file as the
// scans, are never shown as a venue or added to a scan total; they get a
// table and a CSV section of their own, in course order, completed days
// only, under the same small-count rule.
func TestLessonViewsApart(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s := mustOpen(t, t.TempDir())
	countLessons(s, now)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Completed("2026-03-18", now)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	order := Course(func() ([]string, error) { asked++; return course, nil })

	tests := []struct {
		name  string
		write func(*strings.Builder) error
		want  string
	}{
		{"CSV", func(b *strings.Builder) error {
			return s.WriteCompletedCSV(b, "2026-03-18", now, DefaultThreshold, order)
		},
			"day,venue,scans\n2026-03-19,K7Q2M,7\n" +
				"\nday,lesson,views\n2026-03-18,where,5\n2026-03-19,where,<5\n2026-03-19,apps,6\n2026-03-19,gone,5\n"},
		{"CSV of rows", func(b *strings.Builder) error { return WriteCSV(b, rows, DefaultThreshold, order) },
			"day,venue,scans\n2026-03-19,K7Q2M,7\n" +
				"\nday,lesson,views\n2026-03-18,where,5\n2026-03-19,where,<5\n2026-03-19,apps,6\n2026-03-19,gone,5\n"},
		{"table", func(b *strings.Builder) error { return WriteTable(b, rows, DefaultThreshold, order) },
			"DAY         VENUE  SCANS\n" +
				"2026-03-19  K7Q2M  7\n" +
				"\nVENUE  TOTAL\n" +
				"K7Q2M  7\n" +
				"\nLesson views: one count per lesson per day, never per venue, person or visit.\n" +
				"DAY         LESSON  VIEWS\n" +
				"2026-03-18  where   5\n" +
				"2026-03-19  where   fewer than 5\n" +
				"2026-03-19  apps    6\n" +
				"2026-03-19  gone    5\n" +
				"\nLESSON  TOTAL\n" +
				"where   at least 6\n" +
				"apps    6\n" +
				"gone    5\n"},
		// A site whose days have views of lessons only: no venue.
		{"table without scans", func(b *strings.Builder) error {
			_, views := SplitLessons(rows)
			var only []Row
			for _, v := range views {
				only = append(only, Row{v.Day, LessonCode(v.Code), v.Count})
			}
			return WriteTable(b, only, DefaultThreshold, nil)
		}, NoCompletedScans + "\n" +
			"\nLesson views: one count per lesson per day, never per venue, person or visit.\n" +
			"DAY         LESSON  VIEWS\n" +
			"2026-03-18  where   5\n" +
			"2026-03-19  apps    6\n" +
			"2026-03-19  gone    5\n" +
			"2026-03-19  where   fewer than 5\n" +
			"\nLESSON  TOTAL\n" +
			"apps    6\n" +
			"gone    5\n" +
			"where   at least 6\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}

	// Without a view, the course is not asked for (the CLI loads the
	// whole config for it) and nothing is added.
	asked = 0
	var b strings.Builder
	if err := WriteTable(&b, []Row{{"2026-03-19", "K7Q2M", 7}}, DefaultThreshold, order); err != nil {
		t.Fatal(err)
	}
	if asked != 0 || strings.Contains(b.String(), "Lesson") {
		t.Errorf("course asked %d times for a table without views:\n%s", asked, b.String())
	}
	// A course that cannot be had is an error, not a silent order.
	broken := Course(func() ([]string, error) { return nil, errors.New("no config") })
	if err := WriteTable(&b, rows, DefaultThreshold, broken); err == nil {
		t.Error("WriteTable with a broken course: no error")
	}

	// The chart of all venues together holds scans only.
	if got := DaySeries(rows, "", now.AddDate(0, 0, -1), 2); got[0].Count != 0 || got[1].Count != 7 {
		t.Errorf("DaySeries of all venues = %v, want 0 and 7 scans", got)
	}

	// The staff page's totals: course order, today and days before the
	// year left out, a hidden day counted as one.
	totals, err := s.LessonTotals(course, now, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	want := []LessonStats{{"where", "at least 6", "at least 6"}, {"apps", "6", "6"}, {"taken", "0", "0"}}
	if len(totals) != len(want) {
		t.Fatalf("LessonTotals = %v, want %v", totals, want)
	}
	for i := range want {
		if totals[i] != want[i] {
			t.Errorf("LessonTotals[%d] = %v, want %v", i, totals[i], want[i])
		}
	}
}

// TestPostgresLessonViews: the lessons' keys go into the shared table as
// they are, the small-count rule applies to the sum over copies, an
// import tells views from scans, and a backup keeps them.
func TestPostgresLessonViews(t *testing.T) {
	pg, db := newPG(t)
	url := pg.URL("postgres", db)
	now := time.Now()
	yesterday := now.AddDate(0, 0, -1)
	for range 2 {
		s := openPGStats(t, url, "")
		for range 2 {
			s.Inc(LessonCode("where"), yesterday) // 2 + 2: hidden
		}
		for range 3 {
			s.Inc(LessonCode("apps"), yesterday) // 3 + 3: shown
		}
		s.Inc("K7Q2M", yesterday)
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	old := t.TempDir()
	b := mustOpen(t, old)
	for range 4 {
		b.Inc(LessonCode("taken"), yesterday)
	}
	b.Inc("R4T8W", yesterday)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	done, err := ImportDir(old, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0].Scans != 1 || done[0].Views != 4 {
		t.Errorf("import = %+v, want 1 scan and 4 views", done)
	}

	r := openPGStats(t, url, "")
	var csv strings.Builder
	if err := r.WriteCompletedCSV(&csv, "", now, DefaultThreshold, Lessons([]string{"taken", "where", "apps"})); err != nil {
		t.Fatal(err)
	}
	day := LastCompleteDay(now)
	want := "day,venue,scans\n" + day + ",K7Q2M,<5\n" + day + ",R4T8W,<5\n" +
		"\nday,lesson,views\n" + day + ",taken,<5\n" + day + ",where,<5\n" + day + ",apps,6\n"
	if csv.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.String(), want)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if n, err := BackupPostgresFile(url, path); err != nil || n != 5 {
		t.Fatalf("BackupPostgresFile = %d, %v; want 5 counts", n, err)
	}
	c := &Stats{counter: NewCounter(), store: &store{path: path, readOnly: true}}
	if got := c.Totals()[LessonCode("apps")]; got != 6 {
		t.Errorf("backup holds %d views of apps, want 6", got)
	}
}
