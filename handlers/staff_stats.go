package handlers

import (
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/stats"
)

type venueStats struct {
	Code, Name        string
	Chart30, Chart365 template.HTML
	Last30, Last365   string
}

// statsPage shows scans per venue: charts of the last 30 and 365 days and
// a table, with small counts hidden (see the page's own explanation).
func (s *Staff) statsPage(c echo.Context) error {
	if s.stats == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Scan counting is off.")
	}
	now := time.Now().UTC()
	since := now.AddDate(0, 0, -364).Format(stats.DayLayout)
	rows, err := s.stats.Daily(since, "")
	if err != nil {
		return err
	}
	ps := s.site()
	var vs []venueStats
	for _, v := range ps.Config.Venues {
		d30 := stats.DaySeries(rows, v.Code, now, 30)
		d365 := stats.DaySeries(rows, v.Code, now, 365)
		vs = append(vs, venueStats{
			Code: v.Code, Name: v.Name,
			Chart30:  template.HTML(stats.BarChartSVG(d30, 30, v.Code+": last 30 days")),
			Chart365: template.HTML(stats.BarChartSVG(d365, 365, v.Code+": last 365 days")),
			Last30:   stats.Display(sum(d30), s.threshold),
			Last365:  stats.Display(sum(d365), s.threshold),
		})
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Code < vs[j].Code })
	return s.html(c, "staff-stats", struct {
		Venues    []venueStats
		Threshold int
		Memory    bool
	}{vs, s.threshold, s.stats.Path() == ""})
}

func sum(ds []stats.DayCount) uint64 {
	var n uint64
	for _, d := range ds {
		n += d.Count
	}
	return n
}

// statsCSV downloads the daily counts, with small counts hidden.
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
	rows, err := s.stats.Daily(since, "")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="waymark-scans.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	return stats.WriteCSV(c.Response(), rows, s.threshold)
}
