package handlers

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

var mp3Type = []string{"audio/mpeg"}

// audio serves "/audio/{lang}/{file}": a recorded section, only when a
// page offers it (a stale or broken recording 404s like any unknown
// path). It carries the public header set, no-store included, like every
// public response; ServeContent answers the Range requests that media
// players make. Nothing is counted or logged beyond route and status:
// no statistic learns who listened.
func (p *Public) audio(c echo.Context) error {
	s := p.site()
	rec := s.Recording(c.Param("lang"), c.Param("file"))
	if rec == nil {
		return echo.ErrNotFound
	}
	w := &statusWriter{ResponseWriter: c.Response().Writer, status: http.StatusOK}
	w.Header()["Content-Type"] = mp3Type
	req := c.Request()
	if rg := req.Header.Get("Range"); rg != "" {
		switch spec := strings.TrimSpace(strings.TrimPrefix(rg, "bytes=")); {
		case strings.Contains(spec, ","):
			// One range only, as the export's nginx (max_ranges 1): a
			// media player asks for one, and thousands in one request
			// cost hundreds of times a page. Several get the whole file.
			req.Header.Del("Range")
		case strings.HasPrefix(spec, "-") && strings.Trim(spec[1:], " 0") == "" && len(spec) > 1:
			// An empty suffix ("the last 0 bytes") is unsatisfiable;
			// ServeContent would answer 206 with an inverted range.
			w.Header().Set("Content-Range", "bytes */"+strconv.Itoa(len(rec.Data)))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			p.logRequest(req, c.Path(), w.status)
			return nil
		}
	}
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(rec.Data))
	p.logRequest(c.Request(), c.Path(), w.status)
	return nil
}

// statusWriter remembers the status ServeContent chose (200, 206, 416),
// and puts back the headers that ServeContent drops from its error
// answers (Cache-Control among them): no-store holds for every response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	h := w.Header()
	for k, v := range publicHeaders {
		if _, ok := h[k]; !ok {
			h[k] = v
		}
	}
	w.ResponseWriter.WriteHeader(code)
}
