package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/site"
)

// numbers lists every number the pages show, with its source, the date it
// was checked, whether the operator confirmed it, the operator's note and
// its line in the config: the content writer's checklist. Notes appear
// here and nowhere on the public pages.
func (s *Staff) numbers(c echo.Context) error {
	ps := s.site()
	cfg := ps.Config
	data := struct {
		Source      string
		Facts       []site.FactRef
		Unconfirmed int
		Warnings    site.Errors
	}{Source: cfg.Source, Facts: cfg.Facts(), Warnings: cfg.Warnings(time.Now())}
	for _, f := range data.Facts {
		if !f.Confirmed {
			data.Unconfirmed++
		}
	}
	return s.html(c, "staff-numbers", data)
}
