package pages_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"runtime"
	"slices"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

// Start-up renders on every core. What the renders learn must not depend
// on which core met it first: the recordable sections in the order the
// pages show them, the recordings offered, and every page, byte for byte,
// are those of a build on one core. (CI runs this under the race
// detector, which watches the renders share the site. The demo's first
// page meets most sections, so the order is rarely at stake here:
// TestLearntOrdersSectionsAsOneCore checks it directly.)
func TestConcurrentBuildIsOneCoresBuild(t *testing.T) {
	load := func(cores int) *pages.Site {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
		s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, many := load(1), load(4)
	keys := func(s *pages.Site) []string {
		var out []string
		for _, sec := range s.Sections {
			out = append(out, sec.Key)
		}
		return out
	}
	if len(one.Sections) < 5 {
		t.Fatalf("only %d sections learnt: %v", len(one.Sections), keys(one))
	}
	if !slices.Equal(keys(one), keys(many)) {
		t.Errorf("sections on one core %v, on four %v", keys(one), keys(many))
	}
	if !slices.EqualFunc(one.Sections, many.Sections, func(a, b audio.Section) bool { return slices.Equal(a.IDs, b.IDs) }) {
		t.Error("a section's messages differ between one core and four")
	}
	if len(one.AudioPaths()) == 0 || !slices.Equal(one.AudioPaths(), many.AudioPaths()) {
		t.Errorf("recordings offered on one core %v, on four %v", one.AudioPaths(), many.AudioPaths())
	}
	pagesSeen := 0
	for _, r := range one.Config.Regions {
		for _, loc := range one.Locales {
			a, _ := one.PageFor(r.ID, loc.ID)
			b, _ := many.PageFor(r.ID, loc.ID)
			if !bytes.Equal(a.AppendGzip(nil, "/K7Q2M"), b.AppendGzip(nil, "/K7Q2M")) {
				t.Errorf("%s in %s: the page differs between one core and four", r.ID, loc.ID)
			}
			pagesSeen++
			for n := 1; ; n++ {
				a, ok := one.LessonPageFor(r.ID, "", loc.ID, n)
				if !ok {
					break
				}
				b, _ := many.LessonPageFor(r.ID, "", loc.ID, n)
				if !bytes.Equal(a.AppendGzip(nil, ""), b.AppendGzip(nil, "")) {
					t.Errorf("%s in %s: lesson %d differs between one core and four", r.ID, loc.ID, n)
				}
				pagesSeen++
			}
		}
	}
	t.Logf("%d sections, %d recordings, %d pages compared", len(one.Sections), len(one.AudioPaths()), pagesSeen)
}

// A venue's page is spliced from pieces compressed once, but costs a
// phone on bad data about what the page compressed whole would: within
// 10 % (each piece compressed on its own, it was 38 % larger: 12.3 KB
// against 9.0 KB in English). And it is that page.
func TestVenuePageGzipNearWhole(t *testing.T) {
	s := demo(t)
	for _, v := range s.Config.Venues[:min(3, len(s.Config.Venues))] {
		r, _ := s.Config.Region(v.Region)
		for _, loc := range s.Locales {
			c := s.Choose(r, loc.ID, "", &v)
			plain := c.Page.AppendPlain(nil, v.Path())
			spliced := c.Page.AppendGzip(nil, v.Path())
			zr, err := gzip.NewReader(bytes.NewReader(spliced))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("%s in %s: the gzip page does not read back as the page (%v)", v.Code, loc.ID, err)
			}
			var whole bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&whole, gzip.BestCompression)
			zw.Write(plain)
			zw.Close()
			if loc.ID == "en" {
				t.Logf("%s in en: %d bytes spliced, %d compressed whole, %d plain", v.Code, len(spliced), whole.Len(), len(plain))
			}
			if len(spliced) > whole.Len()*11/10 {
				t.Errorf("%s in %s: %d bytes spliced, %d compressed whole", v.Code, loc.ID, len(spliced), whole.Len())
			}
		}
	}
}
