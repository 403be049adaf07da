// Package handlers serves Waymark over HTTP: the public listener that
// people reach from a poster, and the staff listener that NGO staff use to
// print posters and read statistics. routes.go lists every route of both.
package handlers

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// Public serves the help pages. It holds no personal data and keeps no
// state about anyone; its only dependency is the current site, swapped whole
// on reload.
type Public struct {
	current atomic.Pointer[live]
	log     *slog.Logger
	hsts    bool
	metrics *Metrics
	baseURL string
	// kioskBudget: see PublicOptions.KioskBudget.
	kioskBudget bool
	// scanned is called once for each request of a poster's own URL
	// (/{CODE}), with the venue's canonical code and nothing else.
	scanned func(code string)
	// viewed is called once for each GET of a lesson, with the lesson's
	// ID and nothing else: not the venue, not the language.
	viewed func(lesson string)
}

// live is a site with what the handlers derive from it once.
type live struct {
	*pages.Site
	cspHeader []string
	kiosks    kioskCache
}

// PublicOptions are the public listener's settings.
type PublicOptions struct {
	Log *slog.Logger
	// HSTS sends Strict-Transport-Security; off by default (docs/privacy.md).
	HSTS bool
	// Scanned counts poster scans; nil counts nothing.
	Scanned func(code string)
	// Viewed counts lesson views, by lesson ID only; nil counts nothing.
	Viewed func(lesson string)
	// Metrics counts requests by route and status; nil counts nothing.
	Metrics *Metrics
	// BaseURL is the public origin, for the QR code on kiosk pages. Links
	// and codes never use the request's Host header.
	BaseURL string
	// KioskBudget bounds the QR pictures and compressions that kiosk pages
	// of venues without kiosk settings may cost a second (see kioskCache):
	// on for a server anyone can reach, off for the static export, which
	// needs every page whole.
	KioskBudget bool
}

// NewPublic returns the public handlers serving s.
func NewPublic(s *pages.Site, o PublicOptions) *Public {
	p := &Public{log: o.Log, hsts: o.HSTS, scanned: o.Scanned, viewed: o.Viewed, metrics: o.Metrics, baseURL: o.BaseURL, kioskBudget: o.KioskBudget}
	if p.baseURL == "" {
		p.baseURL = "http://localhost:8080"
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.scanned == nil {
		p.scanned = func(string) {}
	}
	if p.viewed == nil {
		p.viewed = func(string) {}
	}
	p.Swap(s)
	return p
}

// Swap replaces the site that requests see, in one atomic step.
func (p *Public) Swap(s *pages.Site) {
	p.current.Store(&live{Site: s, cspHeader: []string{s.CSP}})
}

// Site returns the site being served.
func (p *Public) Site() *pages.Site { return p.current.Load().Site }

func (p *Public) site() *live { return p.current.Load() }

// home serves "/": the generic page of the default region.
func (p *Public) home(c echo.Context) error {
	s := p.site()
	return p.render(c, s, s.Config.Default(), nil, "", http.StatusOK)
}

// venue serves "/{CODE}", the URL a poster's QR code carries. A single
// segment that names one of the site's languages ("/ar") is the generic
// page in that language.
func (p *Public) venue(c echo.Context) error {
	s := p.site()
	seg := c.Param("code")
	if lseg := site.TrimSlips(seg); s.IsLanguage(lseg) {
		seg = lseg
		return p.render(c, s, s.Config.Default(), nil, seg, http.StatusOK)
	}
	v, ok := lookup(s, seg)
	if !ok {
		return p.render(c, s, s.Config.Default(), nil, "", http.StatusNotFound)
	}
	// Only a GET is a person opening the poster's address. A HEAD fetches
	// no page (link checkers, monitors, prefetching proxies), so counting
	// it would put scans on the record that nobody made.
	if c.Request().Method == http.MethodGet {
		p.scanned(v.Code)
	}
	region, _ := s.Config.Region(v.Region)
	return p.render(c, s, region, v, "", http.StatusOK)
}

// venueLang serves "/{CODE}/{lang}": the same page in a chosen language.
// "/{lang}/{n}" is a lesson of the generic page.
func (p *Public) venueLang(c echo.Context) error {
	s := p.site()
	if s.IsLanguage(c.Param("code")) {
		return p.serveLesson(c, s, nil, c.Param("code"), c.Param("lang"))
	}
	v, ok := lookup(s, c.Param("code"))
	// A trailing slash is a typing slip ("/K7Q2M/ar/").
	seg := strings.TrimSuffix(c.Param("lang"), "/")
	// Echo's router lets a last parameter run over later segments; a path
	// deeper than /{CODE}/{lang} is not a page. (It gets the default page,
	// as a static export's 404.html does.)
	if !ok || strings.Contains(seg, "/") {
		return p.render(c, s, s.Config.Default(), nil, seg, http.StatusNotFound)
	}
	region, _ := s.Config.Region(v.Region)
	return p.render(c, s, region, v, seg, http.StatusOK)
}

// lesson serves "/{CODE}/{lang}/{n}": lesson n of the venue's region's
// course. An address that names no lesson gets the help page, as an
// unknown code does: never a dead end.
func (p *Public) lesson(c echo.Context) error {
	s := p.site()
	v, ok := lookup(s, c.Param("code"))
	if !ok {
		return p.render(c, s, s.Config.Default(), nil, "", http.StatusNotFound)
	}
	// No trailing slash allowed: the lesson's relative links would
	// resolve under it. "/K7Q2M/ar/2/" gets the help page in Arabic.
	return p.serveLesson(c, s, v, c.Param("lang"), c.Param("n"))
}

// serveLesson writes a lesson of a venue's region (the default region
// for v == nil), or the default help page with 404 where there is none.
func (p *Public) serveLesson(c echo.Context, s *live, v *site.Venue, langSeg, n string) error {
	region := s.Config.Default()
	if v != nil {
		region, _ = s.Config.Region(v.Region)
	}
	choice, ok := s.ChooseLesson(region, v, langSeg, n)
	if !ok {
		// As any other path that names no page: the default page in the
		// reader's language, as a static export's 404.html is.
		return p.render(c, s, s.Config.Default(), nil, "", http.StatusNotFound)
	}
	if c.Request().Method == http.MethodGet {
		p.viewed(choice.Lesson)
	}
	return p.writeChoice(c.Response(), c.Request(), c.Path(), choice, v, http.StatusOK)
}

func lookup(s *live, raw string) (*site.Venue, bool) {
	return s.Config.LookupCode(raw)
}

var (
	htmlType = []string{"text/html; charset=utf-8"}
	gzipEnc  = []string{"gzip"}
	varyAll  = []string{"Accept-Encoding, Accept-Language"}
	// The largest page is about 20 KB; append grows a buffer if one is not.
	bufs = sync.Pool{New: func() any { b := make([]byte, 0, 24<<10); return &b }}
)

// render writes a pre-rendered page. A page never fails to render here:
// all of them were rendered at start-up.
func (p *Public) render(c echo.Context, s *live, region *site.Region, v *site.Venue, pathLang string, status int) error {
	return p.writePage(c.Response(), c.Request(), c.Path(), s, region, v, pathLang, status)
}

// writePage is render for callers outside the router (the panic handler).
func (p *Public) writePage(w http.ResponseWriter, req *http.Request, route string, s *live, region *site.Region, v *site.Venue, pathLang string, status int) error {
	choice := s.Choose(region, pathLang, req.Header.Get("Accept-Language"), v)
	if !choice.Known && status == http.StatusOK {
		status = http.StatusNotFound
	}
	return p.writeChoice(w, req, route, choice, v, status)
}

// writeChoice writes a chosen pre-rendered page with the venue's path in
// its slots.
func (p *Public) writeChoice(w http.ResponseWriter, req *http.Request, route string, choice pages.Choice, v *site.Venue, status int) error {
	slot := ""
	if v != nil {
		slot = v.Path()
	}
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	h := w.Header()
	h["Content-Type"] = htmlType
	h["Vary"] = varyAll
	gz := acceptsGzip(req.Header.Get("Accept-Encoding"))
	if gz {
		*bp = choice.Page.AppendGzip((*bp)[:0], slot)
		h["Content-Encoding"] = gzipEnc
	} else {
		*bp = choice.Page.AppendPlain((*bp)[:0], slot)
	}
	if cl := choice.Page.ContentLength(gz, slot); cl != nil {
		h["Content-Length"] = cl
	} else {
		h["Content-Length"] = []string{strconv.Itoa(len(*bp))}
	}
	w.WriteHeader(status)
	p.logRequest(req, route, status)
	if req.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(*bp)
	return err
}

// acceptsGzip reads Accept-Encoding just enough: gzip listed without q=0.
func acceptsGzip(ae string) bool {
	for ae != "" {
		var part string
		part, ae, _ = strings.Cut(ae, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if strings.HasPrefix(params, "q=0") && strings.Trim(strings.TrimPrefix(params, "q=0"), ".0") == "" {
			return false
		}
		return true
	}
	return false
}
