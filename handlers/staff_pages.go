package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// perPage is how many venues a staff page lists. A national campaign has
// 100,000 venues: one table of all of them is hundreds of megabytes that
// no browser shows, so the venue list, the statistics and the printable
// sheets show one page of venues at a time, with a search.
const perPage = 50

// maxQuery bounds the search text; a code or a venue name is far shorter.
const maxQuery = 100

// pager is what the templates need to show one page of a venue list.
type pager struct {
	Query       string // the search, as typed
	Page, Pages int    // 1-based
	First, Last int    // 1-based positions of the venues shown
	Total       int    // venues matching the search
	All         int    // venues in the config
	Prev, Next  string // links, "" at either end

}

// venuePage picks the venues that a staff page shows: those whose code or
// name contains the search (?q=, case-insensitive), the page of them asked
// for (?page=, from 1; past the end means the last page), in config order.
// It costs one pass over the venues, a few milliseconds at 100,000.
func venuePage(c echo.Context, ps *pages.Site, path string) ([]*site.Venue, pager) {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > maxQuery {
		q = q[:maxQuery]
	}
	needle := strings.ToLower(q)
	all := ps.Config.Venues
	var match []*site.Venue
	if needle == "" {
		match = make([]*site.Venue, len(all))
		for i := range all {
			match[i] = &all[i]
		}
	} else {
		for i := range all {
			v := &all[i]
			if containsFold(v.Code, needle) || containsFold(v.Name, needle) {
				match = append(match, v)
			}
		}
	}
	p := pager{Query: q, Total: len(match), All: len(all), Pages: max(1, (len(match)+perPage-1)/perPage)}
	p.Page, _ = strconv.Atoi(c.QueryParam("page"))
	p.Page = min(max(p.Page, 1), p.Pages)
	from := (p.Page - 1) * perPage
	to := min(from+perPage, len(match))
	p.First, p.Last = from+1, to
	if p.Total == 0 {
		p.First = 0
	}
	link := func(page int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return match[from:to], p
}

// containsFold reports whether s contains lower (already lower case),
// ignoring case, without allocating for ASCII text.
func containsFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), lower)
		}
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			b := s[i+j]
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}
