package pages

import (
	"slices"
	"sync/atomic"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Featured languages head a phone page, in the first screen under the exit
// bar: the languages printed on the venue's poster, each by its own name,
// so that a person whose phone speaks English but who reads Tigrinya finds
// ትግርኛ without reading a word of English. (The full list opens beside
// them, and is also at the bottom of the page.)
//
// Venues whose posters print different languages cannot share a page, so
// a place's pages (a region's, or a region's with an area's local help)
// exist once per distinct list of poster languages (a variant), not once
// per venue: memory grows with the lists a campaign
// prints, which are few, not with its venues. Variant 0 serves the pages
// without a venue ("/", a mistyped code) and the venues whose list is
// its, and features the languages the place's posters print most. All
// are rendered at start-up (see variant).

const (
	// maxFeatured bounds the featured row: two short lines on a phone.
	maxFeatured = 6
	// maxVariants bounds the variants of one place (against a config
	// with a different list on every poster); a venue beyond it gets
	// variant 0, and still finds its language in the full list.
	maxVariants = 32
	// maxVariantPages bounds the pages of all variants together (about
	// 50 KB each): every one is rendered at start-up, so this bounds the
	// memory and the time they add. The variants most venues use get
	// theirs; the venues of the others get variant 0's pages, as beyond
	// maxVariants.
	maxVariantPages = 240
)

// featuredVariants returns a place's featured lists, variant 0 (first)
// and those of its venues' poster languages, and records in s.variantOf
// which variant each venue uses.
func (s *Site) featuredVariants(first []*lang.Locale, venues []*site.Venue) (lists [][]*lang.Locale, uses []int) {
	variants := [][]*lang.Locale{first}
	uses = []int{0}
	for _, v := range venues {
		list := s.locales(v.Languages)
		if len(list) == 0 {
			continue
		}
		vi := slices.IndexFunc(variants, func(l []*lang.Locale) bool { return slices.Equal(l, list) })
		if vi < 0 && len(variants) < maxVariants {
			vi = len(variants)
			variants = append(variants, list)
			uses = append(uses, 0)
		}
		if vi > 0 {
			s.variantOf[v.Code] = vi
			uses[vi]++
		}
	}
	return variants, uses
}

// featured is variant 0's list: the languages most of the venues' posters
// print (for a region, all its venues', areas included), in the site's
// order when as many print them; the site's first languages if there is
// no venue.
func (s *Site) featured(venues []*site.Venue) []*lang.Locale {
	count := make([]int, len(s.Locales))
	for _, v := range venues {
		for _, id := range v.Languages {
			if i := slices.IndexFunc(s.Locales, func(l *lang.Locale) bool { return l.ID == id }); i >= 0 {
				count[i]++
			}
		}
	}
	order := make([]int, len(s.Locales))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return count[b] - count[a] })
	var list []*lang.Locale
	for _, i := range order[:min(maxFeatured, len(order))] {
		list = append(list, s.Locales[i])
	}
	return list
}

// locales maps a venue's language IDs to the site's locales, in the
// poster's order, at most maxFeatured.
func (s *Site) locales(ids []string) []*lang.Locale {
	var list []*lang.Locale
	for _, id := range ids {
		if i := slices.IndexFunc(s.Locales, func(l *lang.Locale) bool { return l.ID == id }); i >= 0 && len(list) < maxFeatured {
			list = append(list, s.Locales[i])
		}
	}
	return list
}

// variant is one featured list's pages, all rendered at start-up (see
// build): a page rendered on first use would make its first request
// slower, and the process larger, than the next.
type variant struct {
	place    place
	featured []*lang.Locale
	uses     int // venues whose posters print this list
	pages    []atomic.Pointer[Page]
}

// page returns the page of a place for a venue (nil: none) in a language:
// one atomic load, with no allocation.
func (s *Site) page(ri int, venue *site.Venue, li int) *Page {
	if venue == nil {
		return s.pages[ri][li]
	}
	vi := s.variantOf[venue.Code]
	if vi == 0 {
		return s.pages[ri][li]
	}
	return s.variants[ri][vi-1].pages[li].Load()
}

// renderVariant renders one of a variant's pages, the order-th render of
// start-up.
func (s *Site) renderVariant(ri int, v *variant, li, order int) *Page {
	r, _ := s.Config.Region(v.place.region)
	a, _ := s.Config.Area(v.place.area)
	d := s.data(r, a, s.Locales[li], slotMarker)
	d.Featured = v.featured
	d.order = order
	html, err := s.Render("page", d)
	if err != nil {
		// Cannot happen once variant 0 rendered (the same template and
		// messages); if it did, the page that lists every language is
		// still the right help.
		return s.pages[ri][li]
	}
	return newVenuePage(html, s.slotLens)
}
