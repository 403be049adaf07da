package handlers

// Lessons' views (issue 27) are shown apart from the scans, under the same
// rules. (That a GET of a lesson counts one view, by ID alone, and HEAD or
// an address that names no lesson none: TestLessonRoutes; that a lesson's
// GET counts no scan: TestMetricsCannotBeSubtracted.)

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/stats"
)

var lessonRowRE = regexp.MustCompile(`<tr><td>(\d+)\. <code>([a-z0-9-]+)</code>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>`)

// TestStaffLessonViews: the staff page and its CSV show the lessons' views
// in a table and a section of their own, in course order, completed days
// only, small counts hidden; never as a venue.
func TestStaffLessonViews(t *testing.T) {
	st, err := stats.Open("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	yesterday, before := now.AddDate(0, 0, -1), now.AddDate(0, 0, -2)
	inc := func(code string, day time.Time, n int) {
		for range n {
			st.Inc(code, day)
		}
	}
	inc("K7Q2M", yesterday, 7)
	inc(stats.LessonCode("where"), yesterday, 3)    // hidden
	inc(stats.LessonCode("accounts"), yesterday, 7) // shown
	inc(stats.LessonCode("traces"), before, 6)      // shown
	inc(stats.LessonCode("traces"), yesterday, 1)   // hidden: at least 7
	inc(stats.LessonCode("apps"), now, 9)           // today: not over
	h := newStaffRouter(t, StaffOptions{Stats: st})

	rec := staffGet(h, "/stats", "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("/stats = %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	var got [][]string
	for _, m := range lessonRowRE.FindAllStringSubmatch(body, -1) {
		got = append(got, m[1:])
	}
	want := [][]string{
		{"1", "where", "at least 1", "at least 1"},
		{"2", "accounts", "7", "7"},
		{"3", "apps", "0", "0"},
		{"4", "traces", "at least 7", "at least 7"},
		{"5", "asking", "0", "0"},
		{"6", "taken", "0", "0"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("/stats lesson rows = %q, want %q", got, want)
	}
	if !strings.Contains(body, "<h2>Lesson views</h2>") || !strings.Contains(body, "Is someone seeing where you are?") {
		t.Error("/stats lacks the lesson table's heading or the lessons' English titles")
	}
	venues := map[string]string{}
	for _, m := range statsRowRE.FindAllStringSubmatch(body, -1) {
		venues[m[1]] = m[2]
	}
	if venues["K7Q2M"] != "7" || strings.Contains(body, "lesson:") {
		t.Errorf("/stats: K7Q2M = %q (want 7), or a lesson shown as a venue", venues["K7Q2M"])
	}

	rec = staffGet(h, "/stats.csv", "", nil)
	d1, d2 := stats.LastCompleteDay(now), stats.LastCompleteDay(yesterday)
	wantCSV := "day,venue,scans\n" + d1 + ",K7Q2M,7\n" +
		"\nday,lesson,views\n" + d2 + ",traces,6\n" + d1 + ",where,<5\n" + d1 + ",accounts,7\n" + d1 + ",traces,<5\n"
	if rec.Body.String() != wantCSV {
		t.Errorf("/stats.csv:\n%s\nwant:\n%s", rec.Body, wantCSV)
	}
}
