package poster_test

import (
	"strings"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/site"
)

// TestRenderDraft: a draft print run marks every sheet in its margin; a
// final one carries no such mark.
func TestRenderDraft(t *testing.T) {
	vs := []*site.Venue{venue(t, "K7Q2M"), venue(t, "N3VB7")}
	for _, draft := range []bool{false, true} {
		b, err := poster.Render(demo(t), assets.FS(), vs, poster.Options{Size: poster.Sizes[0], BaseURL: "https://help.example.org", Draft: draft})
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(string(b), `<p class="draft"`)
		if draft && n != len(vs) || !draft && n != 0 {
			t.Errorf("draft=%v: %d sheets marked DRAFT of %d", draft, n, len(vs))
		}
	}
}
