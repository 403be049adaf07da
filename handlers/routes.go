package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// PublicRouter lists every route of the public listener. Paths and titles
// are neutral (no word such as "help" or "exit"): browsers keep them. The
// public listener is never rate-limited: a person in danger must not be
// turned away. Other methods than GET and HEAD get 405.
func PublicRouter(p *Public) http.Handler {
	e := newEcho()
	e.HTTPErrorHandler = p.errorHandler
	get := []string{http.MethodGet, http.MethodHead}
	e.Match(get, "/", p.home)
	e.Match(get, "/:code", p.venue)
	// "/K7Q2M/": a slash typed after the code is a slip, not another page.
	e.Match(get, "/:code/", p.venue)
	e.Match(get, "/:code/:lang", p.venueLang)
	// "/K7Q2M/ar/": a slip, as above.
	e.Match(get, "/:code/:lang/", p.venueLang)
	// A lesson of the course: its position, never its subject, in the path.
	e.Match(get, "/:code/:lang/:n", p.lesson)
	e.Match(get, "/:code/kiosk", p.kiosk)
	e.Match(get, "/:code/kiosk/:lang", p.kiosk)
	// Recorded sections, fetched only when a person presses play.
	e.Match(get, "/audio/:lang/:file", p.audio)
	// Headers, the method check and panic recovery wrap the router: see
	// publicHandler.
	return &publicHandler{p: p, router: e}
}

// StaffRouter lists every route of the staff listener, which binds to
// loopback unless a token protects it. Requests are rate-limited per
// client, in memory, because printing a poster starts a browser tab.
func StaffRouter(s *Staff) *echo.Echo {
	e := newEcho()
	e.HTTPErrorHandler = s.staffError
	// The limit comes before the token check, so tokens cannot be guessed
	// at full speed.
	e.Use(middleware.Recover(), s.staffHeaders, s.observe,
		middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
			// Bounded: a client with many addresses cannot grow it.
			Store:               newKeyedLimiter(rate.Limit(s.rateLimit), s.rateBurst, maxLimiterKeys),
			IdentifierExtractor: clientKey,
			DenyHandler: func(c echo.Context, _ string, _ error) error {
				c.Response().Header().Set("Retry-After", "1")
				return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests; wait a second.")
			},
		}),
		s.requireToken)

	// Venues, posters and QR codes.
	e.GET("/", s.index)
	e.GET("/posters", s.allPosters, s.gated)
	e.GET("/venues/:code/poster", s.posterHTML)
	e.GET("/venues/:code/poster.pdf", s.posterPDF, s.gated)
	e.GET("/venues/:code/qr.svg", s.qrSVG)
	e.GET("/venues/:code/qr.png", s.qrPNG)

	// Scan statistics and metrics.
	e.GET("/numbers", s.numbers)
	e.GET("/stats", s.statsPage)
	e.GET("/stats.csv", s.statsCSV)
	e.GET("/quiet", s.quietPage)
	e.GET("/metrics", echo.WrapHandler(s.metricsHandler()))
	return e
}

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	return e
}
