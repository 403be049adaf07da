package handlers

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

// kioskCache keeps rendered kiosk pages of one site. Kiosks are few, but
// anyone can ask for any venue's kiosk page, so the cache is bounded and a
// miss past the bound renders without keeping.
type kioskCache struct {
	mu    sync.Mutex
	pages map[string]*kioskPage
}

// kioskPage is a rendered kiosk page, and the same gzipped once, so that
// a kiosk on a slow link gets a few KB like a phone does.
type kioskPage struct {
	plain, gzip []byte
}

var varyEncoding = []string{"Accept-Encoding"}

const maxKioskPages = 2000

// kiosk serves "/{CODE}/kiosk" and "/{CODE}/kiosk/{lang}": the venue's page
// for a shared tablet, with large targets, its QR code, and a reset to the
// start after a while without a touch.
func (p *Public) kiosk(c echo.Context) error {
	s := p.site()
	v, ok := lookup(s, c.Param("code"))
	if !ok || strings.Contains(c.Param("lang"), "/") {
		return p.render(c, s, s.Config.Default(), nil, "", http.StatusNotFound)
	}
	loc := s.VenueLocale(v)
	if seg := c.Param("lang"); seg != "" {
		if loc, ok = s.Locale(seg); !ok {
			return p.render(c, s, s.Config.Default(), nil, seg, http.StatusNotFound)
		}
	}
	kp, err := p.kioskPage(s, v, loc)
	if err != nil {
		return err
	}
	p.logRequest(c.Request(), c.Path(), http.StatusOK)
	h := c.Response().Header()
	h["Content-Type"] = htmlType
	h["Vary"] = varyEncoding
	b := kp.plain
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		b = kp.gzip
		h["Content-Encoding"] = gzipEnc
	}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = c.Response().Write(b)
	return err
}

func (p *Public) kioskPage(s *live, v *site.Venue, loc *lang.Locale) (*kioskPage, error) {
	key := v.Code + "/" + loc.ID
	s.kiosks.mu.Lock()
	b, ok := s.kiosks.pages[key]
	s.kiosks.mu.Unlock()
	if ok {
		return b, nil
	}
	payload, err := qr.Payload(p.baseURL, v.Code)
	if err != nil {
		return nil, err
	}
	sym, err := qr.Encode(payload)
	if err != nil {
		return nil, err
	}
	k := &pages.Kiosk{
		Start:    "/" + v.Code + "/kiosk",
		Idle:     v.Idle(),
		QR:       template.HTML(sym.SVGInline("")),
		ShortURL: poster.ShortURL(p.baseURL, v.Code),
	}
	plain, err := s.KioskPage(v, loc, k)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(plain)
	zw.Close()
	b = &kioskPage{plain: plain, gzip: gz.Bytes()}
	s.kiosks.mu.Lock()
	if s.kiosks.pages == nil {
		s.kiosks.pages = map[string]*kioskPage{}
	}
	if len(s.kiosks.pages) < maxKioskPages {
		s.kiosks.pages[key] = b
	}
	s.kiosks.mu.Unlock()
	return b, nil
}
