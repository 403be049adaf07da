package pages

import (
	"slices"

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
// a region's pages are rendered once per distinct list of poster languages
// (a variant), not once per venue: memory grows with the lists a campaign
// prints, which are few, not with its venues. Variant 0 serves the pages
// without a venue ("/", a mistyped code) and features the languages the
// region's posters print most.

const (
	// maxFeatured bounds the featured row: two short lines on a phone.
	maxFeatured = 6
	// maxVariants bounds the variants of one region (against a config
	// with a different list on every poster); a venue beyond it gets
	// variant 0, and still finds its language in the full list.
	maxVariants = 32
)

// featuredVariants returns a region's featured lists, variant 0 first, and
// records in s.variantOf which variant each of its venues uses.
func (s *Site) featuredVariants(r *site.Region) [][]*lang.Locale {
	variants := [][]*lang.Locale{s.regionFeatured(r)}
	for i := range s.Config.Venues {
		v := &s.Config.Venues[i]
		if v.Region != r.ID {
			continue
		}
		list := s.locales(v.Languages)
		if len(list) == 0 {
			continue
		}
		vi := slices.IndexFunc(variants, func(l []*lang.Locale) bool { return slices.Equal(l, list) })
		if vi < 0 && len(variants) < maxVariants {
			vi = len(variants)
			variants = append(variants, list)
		}
		if vi > 0 {
			s.variantOf[v.Code] = vi
		}
	}
	return variants
}

// regionFeatured is variant 0's list: the languages most of the region's
// posters print, in the site's order when as many print them; the site's
// first languages if the region has no venue.
func (s *Site) regionFeatured(r *site.Region) []*lang.Locale {
	count := make([]int, len(s.Locales))
	for _, v := range s.Config.Venues {
		if v.Region != r.ID {
			continue
		}
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
