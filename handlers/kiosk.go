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
	"golang.org/x/time/rate"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

// kioskCache holds what kiosk pages of one site are made of. A kiosk page
// differs from venue to venue only in the code, the idle time and the QR
// code, so each region, language and exit behaviour is rendered once with
// markers there and spliced per request (no template runs per request),
// and the QR pictures are cached per venue within a byte budget.
//
// Anyone can ask for any venue's kiosk page, and drawing a QR code costs
// about a hundred normal requests, so the cache has no cliff: venues with
// kiosk settings in the config (kiosk_idle, kiosk_exit) always get and keep
// theirs; other venues' pictures are drawn at most kioskQRRate times a
// second, and past that their page is served without the picture (its
// short address is still printed) until a later request draws it.
type kioskCache struct {
	mu      sync.Mutex
	shells  map[kioskShellKey]*kioskShell
	qrs     map[string][]byte
	qrBytes int
	pinned  map[string][]byte // configured kiosks, never evicted
	budget  *rate.Limiter
	// gz holds kiosk pages gzipped, by venue and language, within
	// kioskGzipBytes; gzBudget bounds how many a second are compressed for
	// venues without kiosk settings (configured kiosks always are). Past
	// either bound the page goes out uncompressed: a few KB more on the
	// wire, never a costly request.
	gz       map[string][]byte
	gzBytes  int
	gzBudget *rate.Limiter
}

// kioskShellKey: a venue's area adds its local help to the page.
type kioskShellKey struct {
	region, area, lang string
	leave              bool
}

// kioskShell is a rendered kiosk page cut at its markers.
type kioskShell struct {
	lits  [][]byte
	slots []byte // what goes after lits[i]: slotCode, slotIdle or slotQR
}

const (
	slotCode byte = iota + 1
	slotIdle
	slotQR
)

// Markers rendered in place of the venue's parts; none can occur in real
// content (the code marker is not a valid code: it has an O and a U).
const (
	kioskCodeMarker = "WMKOSLOTU"
	kioskIdleMarker = "987654321"
	kioskQRMarker   = "<!--WmKioskQrSlot-->"
)

const (
	// kioskQRBytes bounds the cached QR pictures (about 6 KB each).
	kioskQRBytes = 8 << 20
	// kioskQRRate is how many QR pictures per second unconfigured kiosk
	// pages may draw (each takes about a millisecond).
	kioskQRRate = 10
	// kioskGzipBytes bounds the cached gzipped kiosk pages (about 8 KB
	// each), and kioskGzipRate how many a second unconfigured kiosk pages
	// may compress (each takes a fraction of a millisecond).
	kioskGzipBytes = 8 << 20
	kioskGzipRate  = 10
)

var varyEncoding = []string{"Accept-Encoding"}

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
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	b, err := p.kioskPage((*bp)[:0], s, v, loc)
	if err != nil {
		return err
	}
	*bp = b
	p.logRequest(c.Request(), c.Path(), http.StatusOK)
	h := c.Response().Header()
	h["Content-Type"] = htmlType
	h["Vary"] = varyEncoding
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		if gz := p.kioskGzip(s, v, loc, b); gz != nil {
			b = gz
			h["Content-Encoding"] = gzipEnc
		}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = c.Response().Write(b)
	return err
}

// kioskPage appends v's kiosk page in loc to dst.
func (p *Public) kioskPage(dst []byte, s *live, v *site.Venue, loc *lang.Locale) ([]byte, error) {
	sh, err := p.kioskShell(s, v, loc)
	if err != nil {
		return nil, err
	}
	qrSVG := p.kioskQR(s, v)
	idle := strconv.Itoa(v.Idle())
	b := dst
	for i, lit := range sh.lits {
		b = append(b, lit...)
		if i < len(sh.slots) {
			switch sh.slots[i] {
			case slotCode:
				b = append(b, v.Code...)
			case slotIdle:
				b = append(b, idle...)
			case slotQR:
				b = append(b, qrSVG...)
			}
		}
	}
	return b, nil
}

// kioskShell returns the spliceable page for v's region, loc and exit.
func (p *Public) kioskShell(s *live, v *site.Venue, loc *lang.Locale) (*kioskShell, error) {
	key := kioskShellKey{region: v.Region, area: v.Area, lang: loc.ID, leave: v.KioskExit == "leave"}
	s.kiosks.mu.Lock()
	sh := s.kiosks.shells[key]
	s.kiosks.mu.Unlock()
	if sh != nil {
		return sh, nil
	}
	fake := *v
	fake.Code = kioskCodeMarker
	k := &pages.Kiosk{
		Start:    "/" + kioskCodeMarker + "/kiosk",
		Idle:     987654321,
		QR:       template.HTML(kioskQRMarker),
		ShortURL: poster.ShortURL(p.baseURL, kioskCodeMarker),
	}
	b, err := s.KioskPage(&fake, loc, k)
	if err != nil {
		return nil, err
	}
	sh = cutShell(b)
	s.kiosks.mu.Lock()
	if s.kiosks.shells == nil {
		s.kiosks.shells = map[kioskShellKey]*kioskShell{}
	}
	// Bounded by the config: (regions and areas) × languages × 2.
	s.kiosks.shells[key] = sh
	s.kiosks.mu.Unlock()
	return sh, nil
}

func cutShell(b []byte) *kioskShell {
	sh := &kioskShell{}
	markers := []struct {
		m    []byte
		slot byte
	}{{[]byte(kioskCodeMarker), slotCode}, {[]byte(kioskIdleMarker), slotIdle}, {[]byte(kioskQRMarker), slotQR}}
	for {
		first, which := -1, 0
		for k, m := range markers {
			if i := bytes.Index(b, m.m); i >= 0 && (first < 0 || i < first) {
				first, which = i, k
			}
		}
		if first < 0 {
			sh.lits = append(sh.lits, b)
			return sh
		}
		sh.lits = append(sh.lits, b[:first])
		sh.slots = append(sh.slots, markers[which].slot)
		b = b[first+len(markers[which].m):]
	}
}

// kioskQR returns v's QR picture, or nil when drawing it now would go
// over the budget (see kioskCache).
func (p *Public) kioskQR(s *live, v *site.Venue) []byte {
	configured := v.HasKioskSettings()
	kc := &s.kiosks
	kc.mu.Lock()
	b, ok := kc.pinned[v.Code]
	if !ok {
		b, ok = kc.qrs[v.Code]
	}
	if kc.budget == nil {
		kc.budget = rate.NewLimiter(kioskQRRate, kioskQRRate*2)
	}
	allowed := ok || configured || !p.kioskBudget || kc.budget.Allow()
	kc.mu.Unlock()
	if ok || !allowed {
		return b
	}
	payload, err := qr.Payload(p.baseURL, v.Code)
	if err != nil {
		return nil
	}
	sym, err := qr.Encode(payload)
	if err != nil {
		return nil
	}
	b = sym.SVGInline("")
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if configured {
		if kc.pinned == nil {
			kc.pinned = map[string][]byte{}
		}
		kc.pinned[v.Code] = b
		return b
	}
	if kc.qrs == nil {
		kc.qrs = map[string][]byte{}
	}
	evictFor(kc.qrs, &kc.qrBytes, len(b), kioskQRBytes)
	if _, dup := kc.qrs[v.Code]; !dup {
		kc.qrs[v.Code] = b
		kc.qrBytes += len(b)
	}
	return b
}

// kioskGzip returns the page gzipped, from the cache or compressed now if
// the budget allows (see kioskCache), or nil to send it uncompressed. The
// cache is keyed by venue and language and checked against the page, so a
// page whose QR picture was drawn since is compressed again.
func (p *Public) kioskGzip(s *live, v *site.Venue, loc *lang.Locale, page []byte) []byte {
	key := v.Code + "/" + loc.ID
	kc := &s.kiosks
	kc.mu.Lock()
	gz, ok := kc.gz[key]
	if ok && gunzippedLen(gz) == len(page) {
		kc.mu.Unlock()
		return gz
	}
	if kc.gzBudget == nil {
		kc.gzBudget = rate.NewLimiter(kioskGzipRate, kioskGzipRate*2)
	}
	// Only a miss spends the budget: popular cached pages must not use up
	// what the next new kiosk needs.
	allowed := v.HasKioskSettings() || !p.kioskBudget || kc.gzBudget.Allow()
	kc.mu.Unlock()
	if !allowed {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(page)
	zw.Close()
	gz = buf.Bytes()
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if kc.gz == nil {
		kc.gz = map[string][]byte{}
	}
	if old, dup := kc.gz[key]; dup {
		kc.gzBytes -= len(old)
		delete(kc.gz, key)
	}
	evictFor(kc.gz, &kc.gzBytes, len(gz), kioskGzipBytes)
	kc.gz[key] = gz
	kc.gzBytes += len(gz)
	return gz
}

// gunzippedLen reads the length a gzip stream unpacks to from its trailer
// (ISIZE, modulo 2^32: kiosk pages are far smaller).
func gunzippedLen(gz []byte) int {
	n := len(gz)
	if n < 4 {
		return -1
	}
	return int(uint32(gz[n-4]) | uint32(gz[n-3])<<8 | uint32(gz[n-2])<<16 | uint32(gz[n-1])<<24)
}

// evictFor forgets arbitrary entries of a byte-budgeted cache until one of
// need bytes fits: the hit rate falls gradually as more venues are asked
// for, with no cliff.
func evictFor(m map[string][]byte, used *int, need, budget int) {
	for k, b := range m {
		if *used+need <= budget {
			return
		}
		delete(m, k)
		*used -= len(b)
	}
}
