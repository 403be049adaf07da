package pages_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var allLangsRE = regexp.MustCompile(`(?s)<li class="all"><details>.*?</details>`)
var allLinkRE = regexp.MustCompile(`<a href="[^"]*" lang="([^"]+)" dir="(ltr|rtl)" hreflang="[^"]+" data-r[^>]*>([^<]+)(?: <small lang="en" dir="ltr">([^<]+)</small>)?</a>`)

// TestAllLanguagesByEnglishName: with thirty languages, "All languages"
// is searchable without JavaScript: every language by its own name, its
// English name beside it in small type (marked as English), in the
// alphabetical order of the English names.
func TestAllLanguagesByEnglishName(t *testing.T) {
	s := demo(t)
	region := s.Config.Default()
	page := string(s.Choose(region, "ar", "", nil).Page.AppendPlain(nil, ""))
	list := allLangsRE.FindString(page)
	if list == "" {
		t.Fatal("the page has no All languages list")
	}
	var english []string
	for _, m := range allLinkRE.FindAllStringSubmatch(list, -1) {
		loc, ok := s.Locale(m[1])
		if !ok {
			t.Fatalf("a link to %s, which the site does not have", m[1])
		}
		if m[3] != loc.Name {
			t.Errorf("%s is listed as %q, want its own name %q", m[1], m[3], loc.Name)
		}
		want := loc.English
		if want == loc.Name {
			want = ""
		}
		if m[4] != want {
			t.Errorf("%s has English name %q beside it, want %q", m[1], m[4], want)
		}
		english = append(english, strings.ToLower(loc.English))
	}
	if len(english) != len(s.Locales) {
		t.Fatalf("All languages lists %d languages, want %d:\n%s", len(english), len(s.Locales), list)
	}
	if !slices.IsSorted(english) {
		t.Errorf("All languages is not in the order of the English names: %v", english)
	}
	for _, id := range []string{"prs", "ps", "ckb"} {
		if loc, ok := s.Locale(id); ok && (loc.English == "" || loc.English == loc.Name) {
			t.Errorf("%s has no English name to be found by (%q)", id, loc.English)
		}
	}
}
