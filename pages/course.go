package pages

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// LessonData is what the "lesson" template sees: the page's data (title,
// exit, languages) and one lesson of the course.
type LessonData struct {
	*PageData
	Lesson *site.Lesson
	// N is the lesson's position in its region's course (its address),
	// from 1; Total the course's length there.
	N, Total int
	// Steps and Limits are the message IDs of the numbered steps and of
	// what they cannot do, as far as English has them.
	Steps, Limits []string
	// TextLines are the helplines of the place that take text messages
	// (show = ["texts"]), shown in the help page's groups, so that a
	// police line is said to be one; Strip the tear-off strips' line
	// (show = ["strip"]), nil where the data chooses none.
	TextLines []site.Helpline
	Strip     *site.Helpline
}

// Next is the next lesson's position, or 0 after the last.
func (d *LessonData) Next() int {
	if d.N < d.Total {
		return d.N + 1
	}
	return 0
}

// Shows reports whether the lesson adds a block of the region's data.
func (d *LessonData) Shows(what string) bool {
	return slices.Contains(d.Lesson.Show, what)
}

// CourseLink is one lesson in a list of the course: its position and ID.
type CourseLink struct {
	N  int
	ID string
}

func lessonSteps(id string) string  { return "lesson." + id + ".step" }
func lessonLimits(id string) string { return "lesson." + id + ".limit" }

// courseOf lists a region's lessons for the templates.
func courseOf(cfg *site.Config, region string) []CourseLink {
	var out []CourseLink
	for i, l := range cfg.LessonsOf(region) {
		out = append(out, CourseLink{N: i + 1, ID: l.ID})
	}
	return out
}

// lessonData builds a lesson page's data for a place and language.
func (s *Site) lessonData(r *site.Region, a *site.Area, loc *lang.Locale, prefix string, n int) *LessonData {
	lessons := s.Config.LessonsOf(r.ID)
	l := lessons[n-1]
	d := &LessonData{PageData: s.data(r, a, loc, prefix), Lesson: l, N: n, Total: len(lessons)}
	d.PageData.lesson = d
	en := s.Catalog.English()
	d.Steps, d.Limits = numbered(en, lessonSteps(l.ID)), numbered(en, lessonLimits(l.ID))
	if d.Shows(site.ShowTexts) {
		add := func(hs []site.Helpline) {
			for i := range hs {
				if hs[i].TakesTexts() {
					d.TextLines = append(d.TextLines, hs[i])
				}
			}
		}
		add(r.Helplines)
		if a != nil {
			add(a.Helplines)
		}
	}
	if d.Shows(site.ShowStrip) {
		v := &site.Venue{Region: r.ID}
		if a != nil {
			v.Area = a.ID
		}
		d.Strip = s.Config.StripLine(v)
	}
	return d
}

// renderLessons renders every lesson of every place in every language,
// the renders of start-up from order on.
func (s *Site) renderLessons(places []place, order int) error {
	type job struct{ pi, n, li int }
	var jobs []job
	s.lessonPages = make([][][]*Page, len(places))
	for pi, p := range places {
		r, _ := s.Config.Region(p.region)
		a, _ := s.Config.Area(p.area)
		lessons := s.Config.LessonsOf(r.ID)
		s.lessonPages[pi] = make([][]*Page, len(lessons))
		for n := range lessons {
			// An area's lesson is its region's, unless the lesson shows
			// data the area has its own of: memory grows with regions, not
			// with areas (a campaign may have hundreds). The region's
			// place comes first.
			if a != nil && !areaChanges(lessons[n], a) {
				s.lessonPages[pi][n] = s.lessonPages[s.placeIdx[place{region: r.ID}]][n]
				continue
			}
			s.lessonPages[pi][n] = make([]*Page, len(s.Locales))
			for li := range s.Locales {
				jobs = append(jobs, job{pi, n, li})
			}
		}
	}
	errs := make([]error, len(jobs))
	forEach(len(jobs), func(i int) {
		j := jobs[i]
		r, _ := s.Config.Region(places[j.pi].region)
		a, _ := s.Config.Area(places[j.pi].area)
		// No venue path: a lesson's links are relative, so one page
		// serves every venue of the place and the generic page.
		d := s.lessonData(r, a, s.Locales[j.li], "", j.n+1)
		d.order = order + i
		html, err := s.Render("lesson", d)
		if err != nil {
			errs[i] = fmt.Errorf("render lesson %q of region %q%s in %q: %w", d.Lesson.ID, r.ID, areaLabel(a), s.Locales[j.li].ID, err)
			return
		}
		s.lessonPages[j.pi][j.n][j.li] = newStaticPage(html)
	})
	for _, err := range errs {
		if err != nil {
			return err // the first, in place, lesson and language order
		}
	}
	return nil
}

// ChooseLesson picks the page of lesson n (from 1) of a region's course,
// with the venue's area where it has one, in the path's language. ok is
// false where the region has no such lesson or the site no such language:
// the caller shows the help page instead.
func (s *Site) ChooseLesson(region *site.Region, venue *site.Venue, pathLang, n string) (c Choice, ok bool) {
	key := place{region: region.ID}
	if venue != nil && venue.Region == region.ID {
		key.area = venue.Area
	}
	pi, ok := s.placeIdx[key]
	if !ok {
		return Choice{}, false
	}
	i, err := strconv.Atoi(n)
	// The number as it was written: "02" or "+2" is not an address any
	// link gives, so it is not a second name for the page.
	if err != nil || strconv.Itoa(i) != n || i < 1 || i > len(s.lessonPages[pi]) {
		return Choice{}, false
	}
	li, ok := s.negotiator.Parse(pathLang)
	if !ok {
		return Choice{}, false
	}
	return Choice{Page: s.lessonPages[pi][i-1][li], Locale: s.Locales[li], Known: true, Lesson: s.Config.LessonsOf(region.ID)[i-1].ID}, true
}

// LessonPageFor returns a lesson's pre-rendered page of a region (with an
// area's local help, "" for none) in a language, for the static export and
// tests.
func (s *Site) LessonPageFor(regionID, areaID, langID string, n int) (*Page, bool) {
	pi, ok := s.placeIdx[place{regionID, areaID}]
	if !ok || n < 1 || n > len(s.lessonPages[pi]) {
		return nil, false
	}
	for li, l := range s.Locales {
		if l.ID == langID {
			return s.lessonPages[pi][n-1][li], true
		}
	}
	return nil, false
}

// Course returns a region's lessons in order, for the static export and
// the kiosk.
func (s *Site) Course(regionID string) []CourseLink { return courseOf(s.Config, regionID) }

// areaChanges reports whether an area's data changes a lesson: its text
// lines join the region's, its strip line replaces the region's.
func areaChanges(l *site.Lesson, a *site.Area) bool {
	for _, w := range l.Show {
		for i := range a.Helplines {
			h := &a.Helplines[i]
			if w == site.ShowTexts && h.TakesTexts() || w == site.ShowStrip && h.Strip {
				return true
			}
		}
	}
	return false
}
