package pages

import (
	"slices"
	"strings"

	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Listen is what the "listen" template shows for one section: a native
// audio control for a current recording in the page's language. The
// template calls $.Listen "section" under the section's heading; that call is
// also how the site learns which sections exist (Site.Sections), so the
// list of recordable sections is the template's.
type Listen struct {
	L       *lang.Locale
	Section string
	URL     string
	// Placeholder marks a computer voice, which the page says it is.
	Placeholder bool
}

// Listen returns the control of a section, or nil where the page's
// language has no usable recording of it. A stale recording (its text has
// changed since) is not offered: it may say something the page no longer
// says, and on this page that can be a promise that was corrected.
func (d *PageData) Listen(section string) *Listen {
	s := d.site
	if s == nil {
		return nil
	}
	d.calls++
	sec := s.section(section, renderPos{d.order, d.calls})
	rec := s.Audio.Get(d.L.ID, section)
	if rec == nil || rec.Err != nil || rec.TextHash != audio.TextHash(d.L, sec.IDs) {
		return nil
	}
	if spoken := s.withNumbers(rec, d.spokenNumbers(section)); spoken != nil {
		rec = spoken
	}
	return &Listen{L: d.L, Section: section, URL: "/audio/" + d.L.ID + "/" + rec.Name, Placeholder: rec.Placeholder()}
}

// spokenNumbers are the numbers a section's recording goes on to say, in
// the order the page shows them (helplines in their groups, each line's
// call and text numbers): a person who cannot read must hear the
// number, not only the text around the button.
func (d *PageData) spokenNumbers(section string) []string {
	if d.Region == nil {
		return nil
	}
	var out []string
	switch section {
	case "emergency":
		for _, e := range d.Region.Emergency {
			out = append(out, e.Number)
		}
	case "helplines":
		out = d.dialable(d.Region.Helplines)
	default:
		// A lesson's own numbers (course.go): the lines that take texts,
		// then the strip's number, which "learn one number by heart" asks
		// a person who may not read to remember. Only confidential lines':
		// the page puts a police line that takes texts under "Police and
		// inspectors" with its note, but the recording cannot say which
		// group a number is in, and would offer it as a way to ask for
		// help like any other.
		if d.lesson != nil && section == "lesson."+d.lesson.Lesson.ID {
			out = d.dialable(slices.DeleteFunc(slices.Clone(d.lesson.TextLines), func(h site.Helpline) bool { return !h.Confidential() }))
			if s := d.lesson.Strip; s != nil && s.Confidential() {
				out = append(out, s.FirstCall())
			}
		}
	}
	return slices.DeleteFunc(out, func(n string) bool { return n == "" })
}

// dialable is the numbers of lines as the page shows them: in their
// groups, each line's call and text numbers.
func (d *PageData) dialable(hs []site.Helpline) []string {
	var out []string
	for _, g := range d.Groups(hs) {
		for _, l := range g.Lines {
			for _, ch := range l.H.All() {
				if ch.Dialable() {
					out = append(out, ch.Number)
				}
			}
		}
	}
	return out
}

// withNumbers returns the recording joined with the digits of numbers,
// made once per recording and numbers while Build renders (every region's
// pages), so that no request pays for it and none can tell by its time
// whether another asked first; later renders (kiosk pages) only look it
// up. nil: the section alone (no numbers, or digits not recorded).
func (s *Site) withNumbers(rec *audio.Recording, numbers []string) *audio.Recording {
	if len(numbers) == 0 {
		return nil
	}
	key := rec.Name + "\x00" + strings.Join(numbers, "\x00")
	if s.offered != nil {
		return s.spoken[key]
	}
	// Build renders on every core.
	s.learning.Lock()
	defer s.learning.Unlock()
	if j, ok := s.spoken[key]; ok {
		return j
	}
	j, err := s.Audio.WithNumbers(rec, numbers)
	if err != nil {
		s.spokenErrs = append(s.spokenErrs, err)
	}
	if s.spoken == nil {
		s.spoken = map[string]*audio.Recording{}
	}
	s.spoken[key] = j
	return j
}

// renderPos is where a Listen call is in start-up's renders: the render's
// place in their order, then the call's within it. Renders run on every
// core; the sections are listed in the order one core would meet them.
type renderPos struct{ render, call int }

func (a renderPos) before(b renderPos) bool {
	return a.render < b.render || a.render == b.render && a.call < b.call
}

// section records a section the templates name and returns its messages.
// Build renders every page, so it sees every section; after it, kiosk
// pages render per request, concurrently, and only read the list.
func (s *Site) section(key string, at renderPos) audio.Section {
	find := func() int {
		return slices.IndexFunc(s.Sections, func(sec audio.Section) bool { return sec.Key == key })
	}
	if s.offered != nil {
		if i := find(); i >= 0 {
			return s.Sections[i]
		}
		return audio.Section{Key: key, IDs: audio.SectionIDs(key, s.Catalog.English(), s.recorded(), s.readOrder)}
	}
	s.learning.Lock()
	defer s.learning.Unlock()
	if i := find(); i >= 0 {
		if at.before(s.sectionAt[i]) {
			s.sectionAt[i] = at
		}
		return s.Sections[i]
	}
	sec := audio.Section{Key: key, IDs: audio.SectionIDs(key, s.Catalog.English(), s.recorded(), s.readOrder)}
	s.Sections = append(s.Sections, sec)
	s.sectionAt = append(s.sectionAt, at)
	return sec
}

// learnt puts what the renders learnt in the order of one core: the
// sections as the pages first show them, the recordings' errors sorted.
func (s *Site) learnt() {
	idx := make([]int, len(s.Sections))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case s.sectionAt[a].before(s.sectionAt[b]):
			return -1
		case s.sectionAt[b].before(s.sectionAt[a]):
			return 1
		}
		return 0
	})
	secs := make([]audio.Section, len(idx))
	for i, j := range idx {
		secs[i] = s.Sections[j]
	}
	s.Sections, s.sectionAt = secs, nil
	slices.SortFunc(s.spokenErrs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
}

// shownByData are the messages a page shows only where its region's data
// says so: a group's heading and lead ("Confidential support", "You
// decide what happens next" only over lines with shares = "none"), the
// police note, an emergency number's label, conditions or interpreters.
// One recording per language serves every region, so it must not say
// them: a recording of the UK's helplines section would promise the US
// page what its data does not support.
var shownByData = []string{
	"helplines.lead", "helplines.confidential", "helplines.other", "helplines.authorities",
	"helplines.police-note", "helplines.ask",
	"emergency.interpreter", "emergency.for.", "emergency.conditions.",
}

// recorded is the used messages a section's recording may read.
func (s *Site) recorded() map[string]bool {
	out := make(map[string]bool, len(s.used))
	for id := range s.used {
		if !slices.ContainsFunc(shownByData, func(p string) bool {
			return id == p || strings.HasSuffix(p, ".") && strings.HasPrefix(id, p) || strings.HasPrefix(id, p+".")
		}) {
			out[id] = true
		}
	}
	return out
}

// offer lists, once the pages are rendered, every recording they offer,
// by URL, so that a request for one is a map lookup.
func (s *Site) offer() {
	s.offered = map[string]*audio.Recording{}
	for _, loc := range s.Locales {
		d := &PageData{L: loc, site: s}
		for _, sec := range s.Sections {
			if l := d.Listen(sec.Key); l != nil {
				s.offered[l.URL] = s.Audio.Get(loc.ID, sec.Key)
				s.audioPaths = append(s.audioPaths, l.URL)
			}
		}
	}
	for _, j := range s.spoken {
		if j == nil {
			continue
		}
		if u := "/audio/" + j.Lang + "/" + j.Name; s.offered[u] == nil {
			s.offered[u] = j
			s.audioPaths = append(s.audioPaths, u)
		}
	}
	slices.Sort(s.audioPaths)
}

// AudioPaths lists the URL of every recording the pages offer, for the
// static export.
func (s *Site) AudioPaths() []string { return s.audioPaths }

// Recording returns the recording a URL's language and file name name,
// if the pages offer it.
func (s *Site) Recording(langID, name string) *audio.Recording {
	return s.offered["/audio/"+langID+"/"+name]
}

// learnReadingOrder renders the English page of every place once and
// records where each message first shows, so that a recording reads a
// section's messages in the order the page shows them. The pages are then
// rendered for real, with the sections' texts in that order.
func (s *Site) learnReadingOrder(places []place) error {
	en := s.Catalog.English()
	s.readOrder = map[string]int{}
	offset := 0
	// Each place's help page, then its lessons: a lesson's recording
	// reads title, intro, steps and limits in the lesson page's order.
	var renders []func() ([]byte, error)
	for _, p := range places {
		r, _ := s.Config.Region(p.region)
		a, _ := s.Config.Area(p.area)
		renders = append(renders, func() ([]byte, error) { return s.Render("page", s.data(r, a, en, slotMarker)) })
		for n := range s.Config.LessonsOf(r.ID) {
			renders = append(renders, func() ([]byte, error) { return s.Render("lesson", s.lessonData(r, a, en, slotMarker, n+1)) })
		}
	}
	for _, render := range renders {
		html, err := render()
		if err != nil {
			return err
		}
		page := string(html)
		for id := range s.used {
			if _, seen := s.readOrder[id]; seen {
				continue
			}
			text, err := en.T(id)
			if err != nil || text == "" {
				continue
			}
			if i := strings.Index(page, string(text)); i >= 0 {
				s.readOrder[id] = offset + i
			}
		}
		offset += len(page)
	}
	s.Sections, s.sectionAt = nil, nil // learnt with no order; rendering learns them again
	return nil
}
