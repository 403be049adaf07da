package handlers

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
	"github.com/waymark/waymark/stats"
)

// Staff serves NGO staff: the venue list, posters, QR files, scan
// statistics and metrics. It shares the site with the public listener and
// nothing else; none of its routes exists on the public listener.
type Staff struct {
	site    func() *pages.Site
	assets  fs.FS
	baseURL string
	token   string
	qr      *qr.Cache
	printer *poster.Printer
	fonts   *poster.Fonts
	stats   *stats.Stats
	metrics *Metrics
	log     *slog.Logger
	// Threshold hides small counts (see stats.Display).
	threshold int
	// Requests per second and burst allowed per client.
	rateLimit float64
	rateBurst int
	// auth limits failed token checks; renders bounds PNG, PDF and batch
	// work (staffguard.go).
	auth    *authLimiter
	renders *renderGate
}

// StaffOptions are the staff listener's dependencies and settings.
type StaffOptions struct {
	Site    func() *pages.Site
	Assets  fs.FS
	BaseURL string
	// Token, when set, is required on every request (HTTP Basic password
	// or Bearer token).
	Token   string
	Printer *poster.Printer
	// Fonts are the poster fonts: the built-in ones and --fonts; nil
	// reads the built-in ones from Assets.
	Fonts     *poster.Fonts
	Stats     *stats.Stats
	Metrics   *Metrics
	Log       *slog.Logger
	Threshold int
	// RateLimit is requests per second per client (default 5, burst 30).
	RateLimit float64
	RateBurst int
}

// NewStaff returns the staff handlers.
func NewStaff(o StaffOptions) *Staff {
	s := &Staff{site: o.Site, assets: o.Assets, baseURL: o.BaseURL, token: o.Token, qr: qr.NewCache(4096),
		printer: o.Printer, fonts: o.Fonts, stats: o.Stats, metrics: o.Metrics, log: o.Log, threshold: o.Threshold}
	if s.log == nil {
		s.log = slog.Default()
	}
	// A deployment may hide more than the default, never less.
	s.threshold = stats.MinThreshold(s.threshold)
	s.rateLimit, s.rateBurst = o.RateLimit, o.RateBurst
	if s.rateLimit <= 0 {
		s.rateLimit, s.rateBurst = 5, 30
	}
	if s.printer == nil {
		s.printer = &poster.Printer{}
	}
	s.auth = newAuthLimiter()
	s.renders = newRenderGate(2, 8, 5*time.Second)
	return s
}

const staffCSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// staffHeaders: staff pages are private too, and never cached.
func (s *Staff) staffHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setStaffHeaders(c.Response().Header())
		return next(c)
	}
}

// setStaffHeaders sets the header set of every staff answer, refusals
// included (GuardStaff).
func setStaffHeaders(h http.Header) {
	h.Set("Content-Security-Policy", staffCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// requireToken checks the staff token in constant time. Browsers ask for it
// with their own login box (HTTP Basic: any user name, the token as the
// password); scripts can send "Authorization: Bearer TOKEN".
func (s *Staff) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.token == "" {
			return next(c)
		}
		auth := c.Request().Header.Get("Authorization")
		var given string
		switch {
		case strings.HasPrefix(auth, "Bearer "):
			given = strings.TrimPrefix(auth, "Bearer ")
		case strings.HasPrefix(auth, "Basic "):
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			if err == nil {
				_, given, _ = strings.Cut(string(raw), ":")
			}
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(s.token)) != 1 {
			// Only failures are throttled: the right token is compared
			// first and always let in, so that others' wrong guesses
			// cannot lock staff out. A token of 128 random bits is not
			// guessed by asking faster; the pause limits the noise.
			key := limitKey(c.Request().RemoteAddr)
			if !s.auth.allowed(key) {
				return tooManyFailures(c)
			}
			s.auth.failed(key)
			c.Response().Header().Set("WWW-Authenticate", `Basic realm="Waymark staff", charset="UTF-8"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "This page needs the staff token.")
		}
		return next(c)
	}
}

// staffError shows errors as plain text; staff are not in danger, but a
// stack trace still helps nobody.
func (s *Staff) staffError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := http.StatusInternalServerError, "Something went wrong; the log has details."
	if he, ok := err.(*echo.HTTPError); ok {
		code, msg = he.Code, fmt.Sprint(he.Message)
	} else {
		s.log.Error("staff request failed", "route", c.Path(), "error", err)
	}
	c.String(code, msg+"\n")
}

// venueOf looks up the venue named in the path.
func (s *Staff) venueOf(c echo.Context) (*pages.Site, *site.Venue, error) {
	ps := s.site()
	code, ok := site.NormalizeCode(c.Param("code"))
	if ok {
		if v, ok := ps.Config.Venue(code); ok {
			return ps, v, nil
		}
	}
	return nil, nil, echo.NewHTTPError(http.StatusNotFound, "No such venue.")
}

// index lists the venues, one page at a time with a search (see
// venuePage), with their poster and QR links.
func (s *Staff) index(c echo.Context) error {
	ps := s.site()
	vs, pg := venuePage(c, ps, "/")
	data := struct {
		Site    *pages.Site
		BaseURL string
		Local   bool // posters would encode an address phones cannot reach
		Sizes   []poster.Size
		Venues  []staffVenue
		Pager   pager
	}{Site: ps, BaseURL: s.baseURL, Local: poster.IsLocal(s.baseURL), Sizes: poster.Sizes, Pager: pg}
	for _, v := range vs {
		data.Venues = append(data.Venues, staffVenue{Venue: v, ShortURL: poster.ShortURL(s.baseURL, v.Code), Link: venueLink(s.baseURL, v.Code)})
	}
	return s.html(c, "staff-index", data)
}

type staffVenue struct {
	*site.Venue
	ShortURL string
	// Link is the venue's public page with its scheme: the short address
	// alone is a relative link on the staff listener (a 404 there) or,
	// with a local base, one html/template refuses (#ZgotmplZ).
	Link string
}

// venueLink is the public address of a venue's page.
func venueLink(baseURL, code string) string {
	return strings.TrimRight(baseURL, "/") + "/" + code
}

func (s *Staff) html(c echo.Context, name string, data any) error {
	b, err := s.site().Render(name, data)
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, b)
}

func (s *Staff) posterOptions(c echo.Context) (poster.Options, error) {
	size := c.QueryParam("size")
	if size == "" {
		size = "A4"
	}
	sz, err := poster.SizeByName(size)
	if err != nil {
		return poster.Options{}, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	langs := append([]string(nil), c.QueryParams()["lang"]...)
	if l := c.QueryParam("langs"); l != "" {
		langs = append(langs, strings.Split(l, ",")...)
	}
	discreet := c.QueryParam("discreet") != ""
	return poster.Options{Size: sz, Langs: langs, BaseURL: s.baseURL, Discreet: discreet, Fonts: s.fonts}, nil
}

// posterCSP lets the poster's own fitting script run (by its hash) on the
// staff listener, whose policy allows no script otherwise.
func (s *Staff) posterCSP(c echo.Context) error {
	hash, err := poster.ScriptHash(s.assets)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", staffCSP+"; script-src "+hash)
	return nil
}

// venuePoster renders the poster HTML of the venue in the path, with the
// size and languages the query asks for.
func (s *Staff) venuePoster(c echo.Context) ([]byte, *site.Venue, poster.Options, error) {
	ps, v, err := s.venueOf(c)
	if err != nil {
		return nil, nil, poster.Options{}, err
	}
	o, err := s.posterOptions(c)
	if err != nil {
		return nil, nil, o, err
	}
	b, err := poster.Render(ps, s.assets, []*site.Venue{v}, o)
	if err != nil {
		return nil, nil, o, echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	return b, v, o, nil
}

// posterHTML serves one venue's print-ready poster.
func (s *Staff) posterHTML(c echo.Context) error {
	b, _, _, err := s.venuePoster(c)
	if err != nil {
		return err
	}
	if err := s.posterCSP(c); err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// posterPDF prints one venue's poster through the local browser.
func (s *Staff) posterPDF(c echo.Context) error {
	b, v, o, err := s.venuePoster(c)
	if err != nil {
		return err
	}
	pdf, err := s.printer.PDF(c.Request().Context(), b)
	if fit := (*poster.FitError)(nil); errors.As(err, &fit) {
		return echo.NewHTTPError(http.StatusBadRequest, fit.Error())
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s.pdf"`, v.Code, o.Size.Name))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// allPosters is one printable document with the posters of one page of
// venues (?q= and ?page= as on the venue list): with a few venues, all of
// them; with 100,000, fifty at a time, so that no request renders a
// document of hundreds of megabytes.
func (s *Staff) allPosters(c echo.Context) error {
	ps := s.site()
	o, err := s.posterOptions(c)
	if err != nil {
		return err
	}
	vs, _ := venuePage(c, ps, "/posters")
	if len(vs) == 0 {
		return echo.NewHTTPError(http.StatusNotFound, "No venue matches the search.")
	}
	b, err := poster.Render(ps, s.assets, vs, o)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	if err := s.posterCSP(c); err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// qrSVG and qrPNG serve a venue's QR code alone. The bytes are cached per
// payload, so a warm request costs no encoding.
func (s *Staff) qrSVG(c echo.Context) error {
	_, v, err := s.venueOf(c)
	if err != nil {
		return err
	}
	payload, err := qr.Payload(s.baseURL, v.Code)
	if err != nil {
		return err
	}
	b, err := s.qr.SVG(payload)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.svg"`, v.Code))
	return c.Blob(http.StatusOK, "image/svg+xml", b)
}

func (s *Staff) qrPNG(c echo.Context) error {
	_, v, err := s.venueOf(c)
	if err != nil {
		return err
	}
	px := 1024
	if q := c.QueryParam("size"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < qr.MinPNG || n > qr.MaxPNG {
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("size: a number of pixels from %d to %d", qr.MinPNG, qr.MaxPNG))
		}
		px = n
	}
	payload, err := qr.Payload(s.baseURL, v.Code)
	if err != nil {
		return err
	}
	b, err := s.renderPNG(c, payload, px)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%d.png"`, v.Code, px))
	return c.Blob(http.StatusOK, "image/png", b)
}

// clientKey identifies a client for rate limiting by its connection's
// address, not by headers a client can forge. It lives only in memory.
func clientKey(c echo.Context) (string, error) {
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return c.Request().RemoteAddr, nil
	}
	return host, nil
}

// observe counts staff requests by route pattern and status.
func (s *Staff) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		status := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok {
			status = he.Code
		}
		s.metrics.Observe("staff", c.Path(), status)
		return err
	}
}

func (s *Staff) metricsHandler() http.Handler {
	if s.metrics == nil {
		return http.NotFoundHandler()
	}
	return s.metrics.Handler()
}
