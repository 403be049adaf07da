package handlers

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/stats"
)

type venueStats struct {
	Code, Name        string
	Chart30, Chart365 template.HTML
	Last30, Last365   string
}

// statsPage shows scans per venue for one page of venues (search and
// pages as on the venue list): charts of the last 30 and 365 completed
// days and their totals, with small counts hidden (see the page's own
// explanation). Only the venues shown are read from the file, so the page
// costs the same with 100,000 venues as with five.
//
// Today is left out: a count that moves during the day would tell someone
// who reloads the page the minute of each scan.
func (s *Staff) statsPage(c echo.Context) error {
	if s.stats == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Scan counting is off.")
	}
	ps := s.site()
	venues, pg := venuePage(c, ps, "/stats")
	now := time.Now().UTC()
	end := now.AddDate(0, 0, -1) // the last completed day
	since := end.AddDate(0, 0, -364).Format(stats.DayLayout)
	codes := make([]string, len(venues))
	for i, v := range venues {
		codes[i] = v.Code
	}
	rows, err := s.stats.DailyFor(codes, since, end.Format(stats.DayLayout))
	if err != nil {
		return err
	}
	byCode := make(map[string][]stats.Row, len(codes))
	for _, r := range rows {
		byCode[r.Code] = append(byCode[r.Code], r)
	}
	vs := make([]venueStats, 0, len(venues))
	for _, v := range venues {
		d30 := stats.DaySeries(byCode[v.Code], v.Code, end, 30)
		d365 := stats.DaySeries(byCode[v.Code], v.Code, end, 365)
		vs = append(vs, venueStats{
			Code: v.Code, Name: v.Name,
			Chart30:  template.HTML(stats.BarChartSVG(d30, 30, v.Code+": last 30 days")),
			Chart365: template.HTML(stats.BarChartSVG(d365, 365, v.Code+": last 365 days")),
			// Totals from what the days show, never exact sums of
			// hidden days (stats.Total).
			Last30:  stats.TotalOf(d30, s.threshold).Display(),
			Last365: stats.TotalOf(d365, s.threshold).Display(),
		})
	}
	lessons, err := s.lessonStats(ps, now)
	if err != nil {
		return err
	}
	unusable := s.stats.Unusable()
	return s.html(c, "staff-stats", struct {
		Venues    []venueStats
		Lessons   []lessonStats
		Threshold int
		Memory    bool
		Unusable  error
		LastDay   string
		Pager     pager
	}{vs, lessons, s.threshold, s.stats.Path() == "", unusable, end.Format(stats.DayLayout), pg})
}

type lessonStats struct {
	stats.LessonStats
	N     int    // position in the course (before the regions choose)
	Title string // in English: staff pages are English-only
}

// lessonStats are the views of each of the course's lessons, in course
// order: totals of completed days under the small-count rule, as the
// venues'. A lesson's views are counted by its ID alone (no venue, no
// language), so this table is all there is to show of them.
func (s *Staff) lessonStats(ps *pages.Site, now time.Time) ([]lessonStats, error) {
	ids := ps.Config.LessonIDs()
	totals, err := s.stats.LessonTotals(ids, now, s.threshold)
	if err != nil {
		return nil, err
	}
	en := ps.Catalog.English()
	out := make([]lessonStats, len(totals))
	for i, t := range totals {
		out[i] = lessonStats{LessonStats: t, N: i + 1, Title: en.Text("lesson." + t.ID + ".title")}
	}
	return out, nil
}

// statsCSV downloads the daily counts of completed days, with small
// counts hidden.
func (s *Staff) statsCSV(c echo.Context) error {
	if s.stats == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Scan counting is off.")
	}
	since := c.QueryParam("since")
	if since != "" {
		if _, err := time.Parse(stats.DayLayout, since); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "since: want a date like 2026-01-31")
		}
	}
	// Completed days only, as on the page, streamed row by row: a
	// campaign's year is millions of rows.
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="waymark-scans.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	return s.stats.WriteCompletedCSV(c.Response(), since, time.Now(), s.threshold, stats.Lessons(s.site().Config.LessonIDs()))
}

type quietVenue struct {
	Code, Name, Region, Area string
}

// quietPage lists the quiet posters: venues whose last completed days
// (28, or ?days=N) show fewer scans than the small-count threshold, for
// staff to check that the poster is still up. It lists venues, never a
// count, and uses only what the day charts already show (stats.Quiet).
func (s *Staff) quietPage(c echo.Context) error {
	if s.stats == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Scan counting is off.")
	}
	days := stats.DefaultQuietDays
	if q := c.QueryParam("days"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > stats.MaxQuietDays {
			return echo.NewHTTPError(http.StatusBadRequest, "days: a number from 1 to 365")
		}
		days = n
	}
	ps := s.site()
	venues := ps.Config.Venues
	codes := make([]string, len(venues))
	for i, v := range venues {
		codes[i] = v.Code
	}
	now := time.Now().UTC()
	quiet, err := s.stats.Quiet(codes, now, days, s.threshold)
	if err != nil {
		return err
	}
	// A page holds at most this many: a campaign whose counting has just
	// started is all quiet, and the CLI lists every one.
	const maxShown = 1000
	list := make([]quietVenue, 0, min(len(quiet), maxShown))
	for _, code := range quiet[:min(len(quiet), maxShown)] {
		v, _ := ps.Config.Venue(code)
		list = append(list, quietVenue{Code: v.Code, Name: v.Name, Region: v.Region, Area: v.Area})
	}
	first, last := stats.QuietWindow(now, days)
	return s.html(c, "staff-quiet", struct {
		Venues           []quietVenue
		Quiet, All, Days int
		Threshold        int
		First, Last      string
		More             int
	}{list, len(quiet), len(venues), days, s.threshold, first, last, len(quiet) - len(list)})
}
