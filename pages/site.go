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
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"

	"github.com/waymark/waymark/audio"
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
	// Report is the translators' check of the messages these pages use.
	Report *lang.Report
	// Audio is the recordings of the sections (nil: none), and Sections
	// the sections the templates offer them for, in page order.
	Audio    *audio.Set
	Sections []audio.Section

	used          map[string]bool             // message IDs the pages use
	signs, others []string                    // numbered lists' message IDs (as English has them)
	paragraphs    map[string][]string         // rights topic -> its paragraphs' IDs
	readOrder     map[string]int              // where each message first shows on the English pages (audio.SectionIDs)
	offered       map[string]*audio.Recording // by URL path
	audioPaths    []string
	// spoken are the recordings joined with a region's numbers, by
	// recording and numbers (withNumbers); spokenErrs why some could not be.
	spoken     map[string]*audio.Recording
	spokenErrs []error
	// learning guards what renders learn while Build runs them on every
	// core (the sections, spoken); sectionAt is where each section was
	// first met (audio.go).
	learning  sync.Mutex
	sectionAt []renderPos

	negotiator *lang.Negotiator
	placeIdx   map[place]int
	pages      [][]*Page   // [place][language]
	slotLens   slotLengths // the lengths of the venues' paths
	// lessonPages are the course's pages: [place][lesson][language].
	lessonPages [][][]*Page
	// variants are the pages of venues whose posters' languages differ
	// from their place's most printed ones: [place][variant-1], rendered
	// on first use (featured.go). variantOf maps a venue code to its
	// variant, if not 0.
	variants  [][]*variant
	variantOf map[string]int
	templates *template.Template
	css       template.CSS
	js        template.JS
	kioskJS   template.JS
}

// place is what one set of pages shows: a region, or a region with an
// area's local help. Pages are kept per place and language, so memory grows
// with the places that venues use, not with venues.
type place struct{ region, area string }

// Browsers whose history steps the page explains, in this order.
var browsers = []string{"chrome", "safari", "samsung", "firefox"}

// Build renders every page of cfg in every language. It fails, naming the
// template or message, if any page cannot be rendered.
func Build(cfg *site.Config, cat *lang.Catalog, assets fs.FS) (*Site, error) {
	return BuildWithAudio(cfg, cat, assets, nil)
}

// BuildWithAudio is Build with the sections' recordings: where one is
// current for a page's language, the section gets a Listen control.
func BuildWithAudio(cfg *site.Config, cat *lang.Catalog, assets fs.FS, rec *audio.Set) (*Site, error) {
	ids, err := UsedIDs(assets, cat.English(), cfg)
	if err != nil {
		return nil, err
	}
	return build(cfg, cat, assets, rec, ids)
}

// build is BuildWithAudio for Load, which has the used message IDs
// already (it checked them).
func build(cfg *site.Config, cat *lang.Catalog, assets fs.FS, rec *audio.Set, ids []string) (*Site, error) {
	s := &Site{Config: cfg, Catalog: cat, placeIdx: map[place]int{}, variantOf: map[string]int{}, Audio: rec, used: map[string]bool{}}
	for _, id := range ids {
		s.used[id] = true
	}
	// The numbered lists depend on English only: learnt once, shared by
	// every page.
	en := cat.English()
	s.signs, s.others = numbered(en, signsPrefix), numbered(en, othersPrefix)
	s.paragraphs = map[string][]string{}
	for _, t := range cfg.RightsTopics() {
		s.paragraphs[t] = rightsParagraphs(en, t)
	}
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

	for i := range cfg.Venues {
		if n := len(cfg.Venues[i].Path()); n <= maxFastSlot {
			s.slotLens |= 1 << n
		}
	}
	// One pass over the venues: each place's, and each region's (areas
	// included), in config order, for the featured languages.
	var places []place
	for _, r := range cfg.Regions {
		places = append(places, place{region: r.ID})
	}
	atPlace := map[place][]*site.Venue{}
	inRegion := map[string][]*site.Venue{}
	for i := range cfg.Venues {
		v := &cfg.Venues[i]
		p := place{v.Region, v.Area}
		if _, seen := atPlace[p]; !seen && v.Area != "" {
			places = append(places, p)
		}
		atPlace[p] = append(atPlace[p], v)
		inRegion[v.Region] = append(inRegion[v.Region], v)
	}
	if rec != nil {
		if err := s.learnReadingOrder(places); err != nil {
			return nil, err
		}
	}
	s.pages = make([][]*Page, len(places))
	s.variants = make([][]*variant, len(places))
	firsts := make([][]*lang.Locale, len(places))
	for pi, p := range places {
		s.placeIdx[p] = pi
		s.pages[pi] = make([]*Page, len(s.Locales))
		counted := atPlace[p]
		if p.area == "" {
			counted = inRegion[p.region]
		}
		featured, uses := s.featuredVariants(s.featured(counted), atPlace[p])
		firsts[pi] = featured[0]
		for i, f := range featured[1:] {
			s.variants[pi] = append(s.variants[pi], &variant{place: p, featured: f, uses: uses[i+1], pages: make([]atomic.Pointer[Page], len(s.Locales))})
		}
	}
	// Every place's page in every language.
	nl := len(s.Locales)
	errs := make([]error, len(places)*nl)
	forEach(len(errs), func(i int) {
		pi, li := i/nl, i%nl
		r, _ := cfg.Region(places[pi].region)
		a, _ := cfg.Area(places[pi].area)
		d := s.data(r, a, s.Locales[li], slotMarker)
		d.Featured = firsts[pi]
		d.order = i
		html, err := s.Render("page", d)
		if err != nil {
			errs[i] = fmt.Errorf("render region %q%s in %q: %w", r.ID, areaLabel(a), s.Locales[li].ID, err)
			return
		}
		s.pages[pi][li] = newPage(html, s.slotLens)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err // the first, in place and language order
		}
	}
	// Every variant's pages are rendered now, before the site is served:
	// rendered on first use, a page's first request took milliseconds
	// longer and grew the process, which told an observer that someone
	// had just opened this poster's page in this language.
	// Within maxVariantPages: the variants most venues use first.
	type ref struct{ pi, uses, order int }
	var all []ref
	for pi, vs := range s.variants {
		for vi, v := range vs {
			all = append(all, ref{pi, v.uses, vi})
		}
	}
	slices.SortStableFunc(all, func(a, b ref) int { return b.uses - a.uses })
	budget := min(len(all), maxVariantPages/max(nl, 1))
	for _, r := range all[budget:] {
		v := s.variants[r.pi][r.order]
		for li := range s.Locales {
			v.pages[li].Store(s.pages[r.pi][li])
		}
	}
	order := len(errs)
	forEach(budget*nl, func(i int) {
		r := all[i/nl]
		v := s.variants[r.pi][r.order]
		v.pages[i%nl].Store(s.renderVariant(r.pi, v, i%nl, order+i))
	})
	order += budget * nl
	if err := s.renderLessons(places, order); err != nil {
		return nil, err
	}
	s.learnt()
	s.offer()
	return s, nil
}

// forEach calls fn(0) to fn(n-1) on every core: start-up renders and
// compresses hundreds of pages, and a server waits for them. What the
// renders learn (audio.go) is kept in the order of one core.
func forEach(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

func areaLabel(a *site.Area) string {
	if a == nil {
		return ""
	}
	return fmt.Sprintf(" (area %q)", a.ID)
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
	"dial":     site.Dial,
	"ltr":      func(s string) lang.LTR { return lang.LTR(s) },
	"date":     func(d site.Date) string { return d.Format("2006-01-02") },
	"has":      slices.Contains[[]string],
	"sub":      func(a, b int) int { return a - b },
	"line":     func(l *lang.Locale, h site.Helpline) Line { return Line{L: l, H: &h} },
	"autonyms": autonyms,
}

// Line is one helpline as the "helpline" template shows it.
type Line struct {
	L *lang.Locale
	H *site.Helpline
}

// renderBuffers hold a page while it renders: a buffer that grew to a
// page's size is used again, instead of growing (and clearing) a new one
// for each of the hundreds start-up renders.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render executes a named template into bytes, of exactly their size: a
// page keeps slices of them for as long as it is served.
func (s *Site) Render(name string, data any) ([]byte, error) {
	b := renderBuffers.Get().(*bytes.Buffer)
	defer renderBuffers.Put(b)
	b.Reset()
	if err := s.templates.ExecuteTemplate(b, name, data); err != nil {
		return nil, err
	}
	return bytes.Clone(b.Bytes()), nil
}

// PageData is what the page templates see.
type PageData struct {
	L      *lang.Locale
	Region *site.Region
	// Area is the venue's area, whose local organisations the page adds;
	// nil on region pages.
	Area    *site.Area
	ExitURL string
	Rights  []Rights
	// Signs and Others are the message IDs of the two lists of signs (of
	// exploitation, for the reader; of someone else's, for the public).
	Signs, Others []string
	Browsers      []string
	Languages     []*lang.Locale
	// AllLanguages are the languages of "All languages": every one, in
	// the order of their English names (picker.go).
	AllLanguages []*lang.Locale
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
	// Course is the region's lessons, in order (course.go).
	Course []CourseLink

	site *Site // for Listen
	// lesson is the lesson a lesson page shows, for its recording's
	// numbers (audio.go); nil elsewhere.
	lesson *LessonData
	// order is the render's place in start-up's order, and calls counts
	// its Listen calls: where a section is first met (audio.go).
	order, calls int
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

func (s *Site) data(r *site.Region, a *site.Area, loc *lang.Locale, prefix string) *PageData {
	d := &PageData{L: loc, Region: r, Area: a, ExitURL: r.ExitFor(loc.ID), Browsers: browsers,
		Languages: s.Locales, AllLanguages: byEnglishName(s.Locales), Prefix: prefix, CSS: s.css, JS: s.js, site: s}
	d.Signs, d.Others = s.signs, s.others
	d.Course = courseOf(s.Config, r.ID)
	for _, t := range r.Rights {
		d.Rights = append(d.Rights, Rights{Topic: t, Paragraphs: s.paragraphs[t]})
	}
	return d
}

// maxParagraphs bounds a numbered list of messages.
const maxParagraphs = 20

// The lists whose length is data: "signs.item1", "signs.item2", ... as
// far as English has them.
const (
	signsPrefix  = "signs.item"
	othersPrefix = "others.sign"
)

// rightsParagraphs lists a topic's paragraph IDs, "rights.<topic>.p1" on,
// as far as English has them: a content writer adds a paragraph by adding
// a message, with no template change.
func rightsParagraphs(en *lang.Locale, topic string) []string {
	return numbered(en, "rights."+topic+".p")
}

// numbered lists prefix1, prefix2, ... as far as English has them.
func numbered(en *lang.Locale, prefix string) []string {
	var ids []string
	for i := 1; i <= maxParagraphs; i++ {
		id := prefix + strconv.Itoa(i)
		if !en.Has(id) {
			break
		}
		ids = append(ids, id)
	}
	return ids
}

// contentSecurityPolicy allows the page's one inline style and one inline
// script by hash, recordings from the same origin (/audio/...), and nothing
// else from anywhere.
func contentSecurityPolicy(css, js, kioskJS []byte) string {
	h := func(b []byte) string {
		sum := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; style-src " + h(css) + "; script-src " + h(js) + " " + h(kioskJS) +
		"; img-src data:; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
}

// Choice is the outcome of choosing a page for a request.
type Choice struct {
	Page   *Page
	Locale *lang.Locale
	// Known is false when the path named a language the site lacks.
	Known bool
	// Lesson is the lesson's ID on a lesson page (ChooseLesson), for its
	// view count.
	Lesson string
}

// Choose picks the page for a region, with the venue's area where it has
// one: the language in the path wins, then the browser's Accept-Language,
// then the venue's own first language (or the site's first language on the
// generic page).
func (s *Site) Choose(region *site.Region, pathLang, acceptLanguage string, venue *site.Venue) Choice {
	key := place{region: region.ID}
	pv := venue // the venue whose page variant this is, if it is of this region
	if venue != nil && venue.Region == region.ID {
		key.area = venue.Area
	} else {
		pv = nil
	}
	ri := s.placeIdx[key]
	known := true
	if pathLang != "" {
		if li, ok := s.negotiator.Parse(pathLang); ok {
			return Choice{Page: s.page(ri, pv, li), Locale: s.Locales[li], Known: true}
		}
		known = false
	}
	li, ok := s.negotiator.Accept(acceptLanguage)
	if !ok {
		li = s.fallback(venue)
	}
	return Choice{Page: s.page(ri, pv, li), Locale: s.Locales[li], Known: known}
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
	return s.AreaPageFor(regionID, "", langID)
}

// AreaPageFor returns the pre-rendered page of a region with an area's
// local help ("" for none) in a language.
func (s *Site) AreaPageFor(regionID, areaID, langID string) (*Page, bool) {
	ri, ok := s.placeIdx[place{regionID, areaID}]
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
	area, _ := s.Config.Area(v.Area)
	d := s.data(region, area, loc, "/"+v.Code)
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
