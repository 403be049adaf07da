package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// publicHandler does what every public request needs before and around
// routing: the fixed header set (so that 404s, 405s and errors carry it
// too), the method check, and recovery from a panic. It is a plain
// http.Handler rather than Echo middleware, which Echo would wrap anew on
// every request.
type publicHandler struct {
	p      *Public
	router *echo.Echo
}

var (
	allowGetHead = []string{"GET, HEAD"}
	textType     = []string{"text/plain; charset=utf-8"}
	hstsValue    = []string{"max-age=31536000"}
	closeValue   = []string{"close"}
)

func (h *publicHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := h.p.site()
	hdr := w.Header()
	for k, v := range publicHeaders {
		hdr[k] = v
	}
	hdr["Content-Security-Policy"] = s.cspHeader
	if h.p.hsts {
		hdr["Strict-Transport-Security"] = hstsValue
	}
	if TooManyHeaders(r) { // connlimit.go: the header was cut short
		hdr["Content-Type"] = textType
		w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
		w.Write([]byte("Too many header fields.\n"))
		h.p.logRequest(r, "", http.StatusRequestHeaderFieldsTooLarge)
		return
	}
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		// No public request needs a body. The answer goes at once, and
		// the connection closes without reading the body: bytes a proxy
		// sends after it on a pooled connection must never be parsed as
		// the next visitor's request (connlimit.go passes none on).
		hdr["Connection"] = closeValue
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			h.p.writePage(w, r, "", s, s.Config.Default(), nil, "", http.StatusRequestEntityTooLarge)
			return
		}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	default:
		// The public site has nothing to change.
		hdr["Allow"] = allowGetHead
		hdr["Content-Type"] = textType
		w.WriteHeader(http.StatusMethodNotAllowed)
		w.Write([]byte("Method not allowed.\n"))
		h.p.logRequest(r, "", http.StatusMethodNotAllowed)
		return
	}
	defer h.recoverPanic(w, r, s)
	h.router.ServeHTTP(w, r)
}

// recoverPanic turns a panic into the safe page. It logs the panic value,
// never the request: the request is the person.
func (h *publicHandler) recoverPanic(w http.ResponseWriter, r *http.Request, s *live) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	h.p.log.Error("request failed", "panic", v)
	// If the page was already being written, there is nothing to add.
	h.p.writePage(w, r, "", s, s.Config.Default(), nil, "", http.StatusOK)
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
	case status >= 500:
		p.log.Error("request failed", "error", err)
		// A person in danger still gets the help page.
		status = http.StatusOK
	case status >= 400:
		// A fault of the request (bad encoding and the like): the request
		// still gets the help page, with its status.
	default:
		status = http.StatusNotFound
	}
	s := p.site()
	if rerr := p.render(c, s, s.Config.Default(), nil, "", status); rerr != nil {
		p.log.Debug("write failed", "error", rerr)
	}
}

// logRequest records the route pattern and the status, and nothing else:
// no address, no user agent, no referrer, no query string, not even the
// code typed (the pattern is "/:code").
func (p *Public) logRequest(r *http.Request, route string, status int) {
	p.metrics.Observe("public", route, status)
	if p.log.Enabled(r.Context(), slog.LevelDebug) {
		p.log.Debug("request", "route", route, "status", status)
	}
}
