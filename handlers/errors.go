package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

var allowGetHead = []string{"GET, HEAD"}

// onlyGetHead answers every other method with 405 and the full header set:
// the public site has nothing to change.
func onlyGetHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead:
			return next(c)
		}
		c.Response().Header()["Allow"] = allowGetHead
		return echo.ErrMethodNotAllowed
	}
}

// errorHandler decides what a person sees when something goes wrong: the
// full help page of the default region, never an error text, a stack trace
// or a 500. Only server faults are logged.
func (p *Public) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusNotFound
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	switch {
	case status == http.StatusMethodNotAllowed:
		h := c.Response().Header()
		h["Content-Type"] = []string{"text/plain; charset=utf-8"}
		c.Response().WriteHeader(status)
		c.Response().Write([]byte("Method not allowed.\n"))
		return
	case status >= 500:
		p.log.Error("request failed", "error", err)
		// A person in danger still gets the help page.
		status = http.StatusOK
	case status != http.StatusNotFound && status >= 400:
		// 400-class faults of the request (bad encoding and the like).
	default:
		status = http.StatusNotFound
	}
	s := p.site()
	if rerr := p.render(c, s, s.Config.Default(), nil, "", status); rerr != nil {
		p.log.Debug("write failed", "error", rerr)
	}
}

// recoverPanic turns a panic into the safe page. It logs the panic value,
// never the request: the request is the person.
func (p *Public) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// accessLog records the route pattern, the status and the duration, and
// nothing else: no address, no user agent, no referrer, no query string.
func (p *Public) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// The error handler writes the response; log after it.
			c.Error(err)
			err = nil
		}
		p.metrics.Observe("public", c.Path(), c.Response().Status)
		if p.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			p.log.Debug("request", "route", c.Path(), "status", c.Response().Status, "duration", time.Since(start))
		}
		return err
	}
}
