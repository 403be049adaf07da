package handlers

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/bench/scalegen"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/stats"
)

// TestStaffPagesPage: with thousands of venues the venue list, the
// statistics and the printable sheet show one page of venues, with a
// search, instead of one table of all of them (which at 100,000 venues is
// hundreds of megabytes and never arrives).
func TestStaffPagesPage(t *testing.T) {
	const n = 2000
	path := filepath.Join(t.TempDir(), "big.toml")
	if err := os.WriteFile(path, scalegen.Config(n), 0o600); err != nil {
		t.Fatal(err)
	}
	big, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	st, err := stats.Open("")
	if err != nil {
		t.Fatal(err)
	}
	h := StaffRouter(NewStaff(StaffOptions{Site: func() *pages.Site { return big }, Assets: assets.FS(),
		BaseURL: staffBase, Stats: st, RateLimit: 1e6, RateBurst: 1e6}))
	total := len(big.Config.Venues)
	pagesN := (total + perPage - 1) / perPage
	last := big.Config.Venues[total-1].Code
	needle := scalegen.Code(1234)

	svgLinks := regexp.MustCompile(`/venues/[0-9A-Z]+/qr\.svg"`)
	statsRows := regexp.MustCompile(`<tr><td><code>([0-9A-Z]+)</code>`)
	posters := regexp.MustCompile(`<main class="sheet"`)
	tests := []struct {
		path     string
		count    *regexp.Regexp
		want     int
		contains []string
		lacks    []string
	}{
		{"/", svgLinks, perPage, []string{fmt.Sprintf("Page 1 of %d", pagesN), `href="/?page=2" rel="next"`, `action="/posters"`, `name="page" value="1"`}, []string{last, `rel="prev"`}},
		{fmt.Sprintf("/?page=%d", pagesN), svgLinks, total - (pagesN-1)*perPage, []string{last, fmt.Sprintf("Page %d of %d", pagesN, pagesN)}, []string{`rel="next"`}},
		{"/?page=999999", svgLinks, total - (pagesN-1)*perPage, []string{last}, nil},
		{"/?page=-3", svgLinks, perPage, []string{"Page 1 of"}, nil},
		{"/?q=" + strings.ToLower(needle), svgLinks, 1, []string{"/venues/" + needle + "/qr.svg", "1 of " + fmt.Sprint(total) + " venues match"}, nil},
		{"/?q=Generated+venue+1234", svgLinks, 1, []string{needle}, nil},
		{"/?q=no+such+venue", svgLinks, 0, []string{"0 of"}, nil},
		{"/stats", statsRows, perPage, []string{fmt.Sprintf("Page 1 of %d", pagesN), `href="/stats?page=2"`}, []string{last}},
		{"/stats?q=" + needle, statsRows, 1, []string{needle}, nil},
		{fmt.Sprintf("/posters?size=A4&page=%d", pagesN), posters, total - (pagesN-1)*perPage, []string{last}, nil},
		{"/posters?size=A5&q=" + needle, posters, 1, []string{needle}, nil},
	}
	for _, tt := range tests {
		rec := staffGet(h, tt.path, "", nil)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s", tt.path, rec.Code, rec.Body)
			continue
		}
		body := rec.Body.String()
		if got := len(tt.count.FindAllString(body, -1)); got != tt.want {
			t.Errorf("GET %s lists %d venues, want %d", tt.path, got, tt.want)
		}
		for _, s := range tt.contains {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s lacks %q", tt.path, s)
			}
		}
		for _, s := range tt.lacks {
			if strings.Contains(body, s) {
				t.Errorf("GET %s has %q", tt.path, s)
			}
		}
		// A printable sheet carries its fonts once, whatever the number of
		// venues (Chinese alone is 2.6 MB): the rest must stay small.
		fonts := 0
		for _, m := range fontDataRE.FindAllStringIndex(body, -1) {
			fonts += m[1] - m[0]
		}
		if len(body)-fonts > 2<<20 || fonts > 8<<20 {
			t.Errorf("GET %s is %d bytes (%d of them fonts): one page of venues should be far smaller", tt.path, len(body), fonts)
		}
	}
	if rec := staffGet(h, "/posters?q=no+such+venue", "", nil); rec.Code != http.StatusNotFound {
		t.Errorf("/posters for a search with no match = %d, want 404", rec.Code)
	}
}

// fontDataRE matches the inline font files of a poster document.
var fontDataRE = regexp.MustCompile(`url\(data:font/[a-z0-9]+;base64,[A-Za-z0-9+/=]+\)`)
