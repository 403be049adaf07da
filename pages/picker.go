package pages

import (
	"slices"
	"strings"

	"github.com/waymark/waymark/lang"
)

// byEnglishName orders the "All languages" list by the languages' English
// names. With thirty languages, the list must be searchable without
// JavaScript: the reader finds their own name (written first, in its own
// script, which stands out among the others), and a helper or NGO worker
// who knows only "Pashto" or "Tigrinya" finds it at its place in the
// alphabet, printed beside it in small type. The poster's own languages
// stay first, above the list, in the poster's order (featured.go), and
// the kiosk keeps the config's order.
func byEnglishName(locs []*lang.Locale) []*lang.Locale {
	out := slices.Clone(locs)
	slices.SortStableFunc(out, func(a, b *lang.Locale) int {
		return strings.Compare(strings.ToLower(a.English), strings.ToLower(b.English))
	})
	return out
}
