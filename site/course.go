package site

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Lesson is one lesson of the course behind the page's online-safety
// section. Its text is in the locale files ("lesson.<id>.title", ".intro",
// ".step1"..., ".limit1"...); the config says which lessons a deployment
// shows, in which order, and where. A lesson's address is its position
// ("/K7Q2M/ar/2"), never its ID: an address stays in the browser's
// history, and a number says nothing about what was read.
type Lesson struct {
	ID string `toml:"id"`
	// Regions, if set, are the only regions that show the lesson.
	Regions []string `toml:"regions"`
	// Show adds what the region's data says under the steps: "texts", the
	// helplines that take text messages; "strip", the number on the
	// poster's tear-off strips.
	Show []string `toml:"show"`
}

// What a lesson can show from the data (Lesson.Show).
const (
	ShowTexts = "texts"
	ShowStrip = "strip"
)

// Guide is a region's own free guide to the same subject (Refuge's tech
// safety site for the UK), linked from every lesson of the region.
type Guide struct {
	Name string `toml:"name"`
	URL  string `toml:"url"`
	// Languages the guide is written in; empty when not known.
	Languages []string `toml:"languages"`
	Fact
}

// LessonsOf returns the lessons a region shows, in course order.
func (c *Config) LessonsOf(region string) []*Lesson {
	var out []*Lesson
	for i := range c.Lessons {
		l := &c.Lessons[i]
		if len(l.Regions) == 0 || slices.Contains(l.Regions, region) {
			out = append(out, l)
		}
	}
	return out
}

// LessonIDs returns every lesson's ID, in course order.
func (c *Config) LessonIDs() []string {
	ids := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		ids[i] = l.ID
	}
	return ids
}

// MaxLessons bounds a course: each lesson is pre-rendered for every
// region and language.
const MaxLessons = 20

// checkLessons checks the course: IDs with English text, known regions,
// and guides with an https address and a source.
func (c *Config) checkLessons(loc *locator, langs LanguageSet, add func(int, string, ...any)) {
	if len(c.Lessons) > MaxLessons {
		add(loc.top("lessons"), "lessons: %d lessons; at most %d", len(c.Lessons), MaxLessons)
	}
	seen := map[string]bool{}
	for i := range c.Lessons {
		l := &c.Lessons[i]
		line := func(key string) int { return loc.in("lessons", i, key) }
		switch {
		case !isID(l.ID):
			add(line("id"), "lesson %d: id %q: use lower-case letters, digits and hyphens", i+1, l.ID)
			continue
		case seen[l.ID]:
			add(line("id"), "lesson %q is listed twice", l.ID)
		}
		seen[l.ID] = true
		if langs != nil {
			for _, part := range []string{".title", ".intro", ".step1", ".limit1"} {
				if id := "lesson." + l.ID + part; !langs.HasText(id) {
					add(line("id"), "lesson %q has no English text: add the message %q to active.en.json, embedded or in --locales", l.ID, id)
				}
			}
		}
		for _, w := range l.Show {
			if w != ShowTexts && w != ShowStrip {
				add(line("show"), "lesson %q: show %q: want %q or %q", l.ID, w, ShowTexts, ShowStrip)
			}
		}
		for _, r := range l.Regions {
			if c.regionByID[r] == nil {
				add(line("regions"), "lesson %q: region %q is not defined", l.ID, r)
			}
		}
	}
	for i := range c.Regions {
		r := &c.Regions[i]
		for j := range r.Guides {
			g := &r.Guides[j]
			line := func(key string) int { return loc.in2("regions", i, "guides", j, key) }
			what := fmt.Sprintf("region %q: guide %q", r.ID, g.Name)
			if strings.TrimSpace(g.Name) == "" {
				add(line(""), "region %q: a guide has no name", r.ID)
			}
			if err := checkHTTPS(g.URL); err != nil {
				add(line("url"), "%s: url %v", what, err)
			}
			for _, l := range g.Languages {
				if _, err := language.Parse(l); err != nil || l == "" {
					add(line("languages"), "%s: languages: %q is not a language tag", what, l)
				}
			}
			if strings.TrimSpace(g.Source) == "" {
				add(line(""), "%s: a guide needs a source (source = \"...\")", what)
			}
			if g.Verified.bad != "" {
				add(line("verified"), "%s: verified = %s: write the date without quotes, as verified = 2026-01-31", what, g.Verified.bad)
			} else if g.Verified.IsZero() {
				add(line(""), "%s: a guide needs the date it was last checked (verified = 2026-01-31)", what)
			}
			// A guide is a fact like a number: re-checked yearly, confirmed
			// with its organisation, listed for the operator.
			c.facts = append(c.facts, FactRef{Where: fmt.Sprintf("region %s: guide %s", r.ID, g.Name), Number: g.URL, Line: line("url"), Fact: &g.Fact})
		}
	}
}

// TakesTexts reports whether a helpline has a text-message channel.
func (h *Helpline) TakesTexts() bool {
	return slices.ContainsFunc(h.all, func(ch Channel) bool { return ch.Type == ChannelText })
}
