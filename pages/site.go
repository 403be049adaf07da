// Package pages turns a config and the translations into finished pages:
// it parses the templates, chooses a page's language and pre-renders every
// page at start-up, so that a request only copies bytes.
package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/text/language"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Site is everything the public listener serves, built in one go so that
// a reload can swap it whole: a request sees the old site or the new one,
// never a mixture.
type Site struct {
	Config  *site.Config
	Catalog *lang.Catalog
	// Locales are the site's languages in picker order.
	Locales []*lang.Locale
	// CSP is the Content-Security-Policy of every public page.
	CSP string

	negotiator *lang.Negotiator
	regionIdx  map[string]int
	pages      [][]*Page // [region][language]
	// variants are the pages of venues whose posters' languages differ
	// from the region's most printed ones: [region][variant-1], rendered
	// on first use (featured.go). variantOf maps a venue code to its
	// variant, if not 0.
	variants  [][]*variant
	variantOf map[string]int
	templates *template.Template
	css       template.CSS
	js        template.JS
	kioskJS   template.JS
}

// Browsers whose history steps the page explains, in this order.
var browsers = []string{"chrome", "safari", "samsung", "firefox"}

// Build renders every page of cfg in every language. It fails, naming the
// template or message, if any page cannot be rendered.
func Build(cfg *site.Config, cat *lang.Catalog, assets fs.FS) (*Site, error) {
	s := &Site{Config: cfg, Catalog: cat, regionIdx: map[string]int{}, variantOf: map[string]int{}}
	css, err := fs.ReadFile(assets, "static/page.css")
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	js, err := fs.ReadFile(assets, "static/exit.js")
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	kjs, err := fs.ReadFile(assets, "static/kiosk.js")
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	// Comments explain the scripts to us; a phone on bad data need not
	// download them.
	js, kjs = stripComments(js), stripComments(kjs)
	// The kiosk runs the exit script and its idle reset as one script.
	kioskJS := append(append(append([]byte{}, js...), '\n'), kjs...)
	s.css, s.js, s.kioskJS = template.CSS(css), template.JS(js), template.JS(kioskJS)
	s.CSP = contentSecurityPolicy(css, js, kioskJS)

	s.templates, err = ParseTemplates(assets)
	if err != nil {
		return nil, err
	}
	var tags []language.Tag
	for _, id := range cfg.Languages {
		loc, ok := cat.Locale(id)
		if !ok {
			return nil, fmt.Errorf("%s: language %q has no locale file", cfg.Source, id)
		}
		s.Locales = append(s.Locales, loc)
		tags = append(tags, loc.Tag)
	}
	s.negotiator = lang.NewNegotiator(tags)

	s.pages = make([][]*Page, len(cfg.Regions))
	s.variants = make([][]*variant, len(cfg.Regions))
	for ri := range cfg.Regions {
		r := &cfg.Regions[ri]
		s.regionIdx[r.ID] = ri
		s.pages[ri] = make([]*Page, len(s.Locales))
		featured := s.featuredVariants(r)
		for _, f := range featured[1:] {
			s.variants[ri] = append(s.variants[ri], &variant{featured: f, pages: make([]atomic.Pointer[Page], len(s.Locales))})
		}
		for li, loc := range s.Locales {
			d := s.data(r, loc, slotMarker)
			d.Featured = featured[0]
			html, err := s.Render("page", d)
			if err != nil {
				return nil, fmt.Errorf("render region %q in %q: %w", r.ID, loc.ID, err)
			}
			s.pages[ri][li] = newPage(html)
		}
	}
	return s, nil
}

// ParseTemplates parses every template, failing on the first that does not
// parse: a site must not start with a page it cannot show.
func ParseTemplates(assets fs.FS) (*template.Template, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return t, nil
}

var funcs = template.FuncMap{
	"dial": site.Dial,
	"ltr":  func(s string) lang.LTR { return lang.LTR(s) },
	"date": func(t time.Time) string { return t.Format("2006-01-02") },
	"has":  slices.Contains[[]string],
	"sub":  func(a, b int) int { return a - b },
}

// Render executes a named template into bytes.
func (s *Site) Render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := s.templates.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// PageData is what the page templates see.
type PageData struct {
	L         *lang.Locale
	Region    *site.Region
	ExitURL   string
	Rights    []Rights
	Browsers  []string
	Languages []*lang.Locale
	// Featured are the languages at the top of a phone page: the venue's
	// poster languages (featured.go). Kiosk pages have their own buttons.
	Featured []*lang.Locale
	// Prefix is the venue's own path, so that language links stay on the
	// venue: "/K7Q2M", or "" for the generic page.
	Prefix string
	CSS    template.CSS
	JS     template.JS
	// Kiosk is set on kiosk pages only.
	Kiosk *Kiosk
}

// Kiosk is what a kiosk page adds: its QR code and its reset.
type Kiosk struct {
	Start    string // the start page: the venue's kiosk in its first language
	Idle     int    // seconds without a touch before a reset
	QR       template.HTML
	ShortURL string
}

// Rights is one rights topic with its paragraphs' message IDs.
type Rights struct {
	Topic      string
	Paragraphs []string
}

func (s *Site) data(r *site.Region, loc *lang.Locale, prefix string) *PageData {
	d := &PageData{L: loc, Region: r, ExitURL: r.ExitFor(loc.ID), Browsers: browsers,
		Languages: s.Locales, Prefix: prefix, CSS: s.css, JS: s.js}
	en := s.Catalog.English()
	for _, t := range r.Rights {
		d.Rights = append(d.Rights, Rights{Topic: t, Paragraphs: rightsParagraphs(en, t)})
	}
	return d
}

// maxParagraphs bounds the paragraphs of one rights topic.
const maxParagraphs = 10

// rightsParagraphs lists a topic's paragraph IDs, "rights.<topic>.p1" on,
// as far as English has them: a content writer adds a paragraph by adding
// a message, with no template change.
func rightsParagraphs(en *lang.Locale, topic string) []string {
	var ids []string
	for i := 1; i < maxParagraphs; i++ {
		id := fmt.Sprintf("rights.%s.p%d", topic, i)
		if !en.Has(id) {
			break
		}
		ids = append(ids, id)
	}
	return ids
}

// contentSecurityPolicy allows the page's one inline style and one inline
// script by hash, and nothing else from anywhere.
func contentSecurityPolicy(css, js, kioskJS []byte) string {
	h := func(b []byte) string {
		sum := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; style-src " + h(css) + "; script-src " + h(js) + " " + h(kioskJS) +
		"; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
}

// Choice is the outcome of choosing a page for a request.
type Choice struct {
	Page   *Page
	Locale *lang.Locale
	// Known is false when the path named a language the site lacks.
	Known bool
}

// Choose picks the page for a region: the language in the path wins, then
// the browser's Accept-Language, then the venue's own first language (or
// the site's first language on the generic page).
func (s *Site) Choose(region *site.Region, pathLang, acceptLanguage string, venue *site.Venue) Choice {
	ri := s.regionIdx[region.ID]
	known := true
	if pathLang != "" {
		if li, ok := s.negotiator.Parse(pathLang); ok {
			return Choice{Page: s.page(ri, venue, li), Locale: s.Locales[li], Known: true}
		}
		known = false
	}
	li, ok := s.negotiator.Accept(acceptLanguage)
	if !ok {
		li = s.fallback(venue)
	}
	return Choice{Page: s.page(ri, venue, li), Locale: s.Locales[li], Known: known}
}

func (s *Site) fallback(venue *site.Venue) int {
	if venue != nil && len(venue.Languages) > 0 {
		for i, l := range s.Locales {
			if l.ID == venue.Languages[0] {
				return i
			}
		}
	}
	return 0
}

// IsLanguage reports whether a path segment names one of the site's
// languages, so that "/ar" is the generic page in Arabic, not a venue.
func (s *Site) IsLanguage(seg string) bool {
	_, ok := s.negotiator.Parse(seg)
	return ok
}

// PageFor returns the pre-rendered page of a region in a language without
// a venue, for the static export and tests.
func (s *Site) PageFor(regionID, langID string) (*Page, bool) {
	ri, ok := s.regionIdx[regionID]
	if !ok {
		return nil, false
	}
	for li, l := range s.Locales {
		if l.ID == langID {
			return s.pages[ri][li], true
		}
	}
	return nil, false
}

// KioskPage renders a venue's kiosk page. Kiosks are few and their pages
// carry the venue's own QR code, so they are rendered per request rather
// than kept.
func (s *Site) KioskPage(v *site.Venue, loc *lang.Locale, k *Kiosk) ([]byte, error) {
	region, _ := s.Config.Region(v.Region)
	d := s.data(region, loc, "/"+v.Code)
	d.JS = s.kioskJS
	d.Kiosk = k
	if v.KioskExit != "leave" {
		d.ExitURL = k.Start
	}
	return s.Render("page", d)
}

// Locale returns one of the site's languages by its path form ("ar").
func (s *Site) Locale(seg string) (*lang.Locale, bool) {
	i, ok := s.negotiator.Parse(seg)
	if !ok {
		return nil, false
	}
	return s.Locales[i], true
}

// VenueLocale returns the venue's first language.
func (s *Site) VenueLocale(v *site.Venue) *lang.Locale { return s.Locales[s.fallback(v)] }

// stripComments drops the whole-line // comments and blank lines of a page
// script (ours: no string holds "//" at the start of a line).
func stripComments(js []byte) []byte {
	var out []byte
	for line := range bytes.Lines(js) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || bytes.HasPrefix(t, []byte("//")) {
			continue
		}
		out = append(out, line...)
	}
	return out
}
