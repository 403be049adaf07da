package handlers

import (
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

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
	unusable := s.stats.Unusable()
	return s.html(c, "staff-stats", struct {
		Venues    []venueStats
		Threshold int
		Memory    bool
		Unusable  error
		LastDay   string
		Pager     pager
	}{vs, s.threshold, s.stats.Path() == "", unusable, end.Format(stats.DayLayout), pg})
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
	return s.stats.WriteCompletedCSV(c.Response(), since, time.Now(), s.threshold)
}
