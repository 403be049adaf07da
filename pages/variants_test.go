package pages_test

// In a file of its own, after scale_test.go: its site must not be in the
// heap that TestScale100kVenues measures.

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/bench/scalegen"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

// TestVariantsRenderedBeforeServing (issue 22, finding 5): every page a
// request can reach is rendered when the site is loaded, so that the
// first request for a venue's page in a language costs what every later
// one does. Before, a variant's page was rendered on its first request
// (2.7-17.6 ms, and the process grew): an observer could tell that
// someone had just opened this poster's page in Tigrinya. Measured in
// allocations, which a render makes by the thousand.
func TestVariantsRenderedBeforeServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "venues.toml")
	if err := os.WriteFile(path, scalegen.Config(200), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 256<<10)
	mallocs := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		return b.Mallocs - a.Mallocs
	}
	checked, worst := 0, uint64(0)
	for i := range 40 {
		v, ok := s.Config.LookupCode(scalegen.Code(i))
		if !ok {
			t.Fatalf("venue %s missing", scalegen.Code(i))
		}
		r, _ := s.Config.Region(v.Region)
		for _, loc := range s.Locales {
			n := mallocs(func() { buf = s.Choose(r, loc.ID, "", v).Page.AppendGzip(buf[:0], v.Path()) })
			worst = max(worst, n)
			checked++
		}
	}
	// A render allocates thousands of times; a served page a few times at most.
	if worst > 50 {
		t.Errorf("the first request of a venue's page in a language allocated %d times: it was rendered then, not when the site was loaded", worst)
	}
	t.Logf("%d first requests (venue, language), at most %d allocations each", checked, worst)
}
