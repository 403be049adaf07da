package pages_test

import (
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/waymark/waymark/pages"
)

var topLangRE = regexp.MustCompile(`(?s)<nav class="toplangs".*?<li class="all">`)
var hreflangRE = regexp.MustCompile(`hreflang="([^"]+)"`)

// featured lists the languages of a page's top row, in order.
func featured(t *testing.T, c pages.Choice, slot string) []string {
	t.Helper()
	row := topLangRE.FindString(string(c.Page.AppendPlain(nil, slot)))
	if row == "" {
		t.Fatal("the page has no top language row")
	}
	var ids []string
	for _, m := range hreflangRE.FindAllStringSubmatch(row, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestFeaturedLanguages: a venue's page leads with its poster's languages,
// in the poster's order and in every page language; venues printing the
// same list share pages; pages without a venue lead with the languages the
// region's posters print most.
func TestFeaturedLanguages(t *testing.T) {
	s := demo(t)
	uk, _ := s.Config.Region("uk")
	for _, code := range []string{"K7Q2M", "R4T8W", "N3VB7", "S5FJ3"} {
		v, ok := s.Config.Venue(code)
		if !ok {
			t.Fatalf("no demo venue %s", code)
		}
		region, _ := s.Config.Region(v.Region)
		for _, l := range []string{"en", "ar", "ti"} {
			c := s.Choose(region, l, "", v)
			if got := featured(t, c, v.Path()); !slices.Equal(got, v.Languages) {
				t.Errorf("%s in %s: top row %q, want the poster's %q", code, l, got, v.Languages)
			}
		}
	}
	// Variant 0: en and ar are on both UK posters, then the others in the
	// site's order.
	c := s.Choose(uk, "vi", "", nil)
	if got, want := featured(t, c, ""), []string{"en", "ar", "ti", "sq", "vi", "pl"}; !slices.Equal(got, want) {
		t.Errorf("generic uk page: top row %q, want %q", got, want)
	}
}

// TestVariantRenderedOnceConcurrently: many first requests at once for a venue whose
// page is its own variant all get the same page, and later ones too.
func TestVariantRenderedOnceConcurrently(t *testing.T) {
	s := demo(t)
	v, _ := s.Config.Venue("R4T8W") // not the uk region's most printed list
	region, _ := s.Config.Region(v.Region)
	got := make([]*pages.Page, 16)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = s.Choose(region, "pl", "", v).Page })
	}
	wg.Wait()
	for i, p := range got {
		if p != got[0] {
			t.Fatalf("request %d got another page than request 0", i)
		}
	}
	if s.Choose(region, "pl", "", v).Page != got[0] {
		t.Error("a later request got another page")
	}
	if generic := s.Choose(region, "pl", "", nil).Page; generic == got[0] {
		t.Error("R4T8W shares the generic page, whose top row is not its poster's")
	}
}
