package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// PublicRouter lists every route of the public listener. Paths and titles
// are neutral (no word such as "help" or "exit"): browsers keep them.
func PublicRouter(p *Public) *echo.Echo {
	e := newEcho()
	e.HTTPErrorHandler = p.errorHandler
	// Before routing, so that 404s and 405s carry the same headers.
	e.Pre(p.privacyHeaders, p.accessLog, onlyGetHead)
	e.Use(p.recoverPanic)

	get := []string{http.MethodGet, http.MethodHead}
	e.Match(get, "/", p.home)
	e.Match(get, "/:code", p.venue)
	e.Match(get, "/:code/:lang", p.venueLang)
	return e
}

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	return e
}
