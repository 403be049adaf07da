//go:build unix

package pages_test

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/bench/scalegen"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// Generous bounds for a loaded, shared 2-core CI machine. They catch a
// regression of several times (say, pages rendered per venue instead of
// per region and language, or the whole config decoded at once), not
// noise. The targets are tighter: 100,000 venues start in under 2 s with
// RSS under 200 MB; docs/benchmarks.md records the measured numbers
// against them, and cmd/waymark's TestScaleNationalCampaign checks a real
// process.
//
// The time bound is on the CPU time that loading takes (user + system, all
// threads, garbage collection included), which other builds on the machine
// change less than the wall clock, but still change: about 5 s quiet,
// 6.2 s beside the browser tests once loading ran on both cores (idle
// workers spin, and neighbours share the caches). The bound is wide: it is
// for the 16 s of issue 16, not noise. Wall-clock time is logged, and
// bounded only loosely, since on a busy machine it measures the neighbours
// as much as Waymark.
const (
	scaleVenues      = 100_000
	maxScaleStartCPU = 10 * time.Second
	maxScaleWall     = 30 * time.Second
	// The heap kept after loading, and the most it held while loading
	// (which sets the process's resident size).
	// The site itself: about 103 MiB with thirty languages and the
	// pre-rendered variants (issues 22, 23), and 12 to 23 MiB more for
	// the course's lessons (issue 27: 4 regions × 30 languages × 6
	// lessons, each kept gzipped only); 160 MiB is the regression bound.
	maxScaleHeap = 160 << 20
	// Thirty languages and the pre-rendered variants (issues 22 and 23)
	// brought the peak to about 200 MiB: a regression bound, not the target.
	maxScalePeakHeap = 256 << 20
)

// TestScale100kVenues loads a config of 100,000 venues over the demo's three
// regions in every shipped language, the way `waymark serve --config` does
// (pages.Load from a file), and reports start-up time and the heap in use.
func TestScale100kVenues(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test: skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "scale.toml")
	if err := os.WriteFile(path, scalegen.Config(scaleVenues), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}

	before, alloc0 := heapInUse()
	peak := samplePeakHeap()
	cpu0 := cpuTime(t)
	start := time.Now()
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: path})
	elapsed := time.Since(start)
	cpu := cpuTime(t) - cpu0
	peakHeap := peak()
	if err != nil {
		t.Fatal(err)
	}
	after, alloc1 := heapInUse()

	demo, err := site.Demo(cat)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(s.Config.Venues), scaleVenues+len(demo.Venues); got != want {
		t.Fatalf("loaded %d venues, want %d (100,000 generated + the demo's)", got, want)
	}
	if got, want := len(s.Config.Regions), len(demo.Regions); got != want {
		t.Fatalf("loaded %d regions, want %d", got, want)
	}
	for _, id := range cat.IDs() {
		if !slices.ContainsFunc(s.Locales, func(l *lang.Locale) bool { return l.ID == id }) {
			t.Errorf("shipped language %q is not served by the scale config", id)
		}
	}
	// Every generated code resolves, in its own region.
	for i := range scaleVenues {
		code := scalegen.Code(i)
		v, ok := s.Config.LookupCode(code)
		if !ok || v.Code != code || v.Region != scalegen.Regions[i%len(scalegen.Regions)] {
			t.Fatalf("venue %d: code %q does not resolve to itself", i, code)
		}
	}
	// A generated venue's page carries its own path in the language links.
	v, _ := s.Config.LookupCode(scalegen.Code(scaleVenues - 1))
	r, _ := s.Config.Region(v.Region)
	page := s.Choose(r, "", "", v).Page
	if got := string(page.AppendPlain(nil, v.Path())); !strings.Contains(got, `href="`+v.Path()+"/") {
		t.Errorf("page of %s has no language link under its own path", v.Code)
	}

	t.Logf("100k venues: start-up (pages.Load: locales, TOML, validation, rendering) %v wall, %v CPU (GOMAXPROCS=%d)",
		elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	t.Logf("100k venues: heap in use after GC %.1f MiB (%.1f MiB before loading, +%.1f MiB for the site); %d regions × %d languages = %d pages",
		mib(after), mib(before), mib(after-before), len(s.Config.Regions), len(s.Locales), len(s.Config.Regions)*len(s.Locales))
	t.Logf("100k venues: %.0f MiB allocated while loading (garbage collected since); heap at most %.0f MiB while loading", mib(alloc1-alloc0), mib(peakHeap))
	if cpu > maxScaleStartCPU {
		t.Errorf("start-up took %v of CPU time, over the regression bound %v (target: under 2 s)", cpu, maxScaleStartCPU)
	}
	if elapsed > maxScaleWall {
		t.Errorf("start-up took %v, over the loose wall-clock bound %v (target: under 2 s)", elapsed, maxScaleWall)
	}
	// The bound is on what the site keeps: the heap before loading holds
	// whatever the package's other tests keep (their shared demo site),
	// which grows with every language and which a server does not have.
	if after > before && after-before > maxScaleHeap {
		t.Errorf("the site keeps %.1f MiB of heap, over the regression bound %.0f MiB (target: RSS under 200 MB)", mib(after-before), mib(maxScaleHeap))
	}
	// Measured above the heap before loading, for the same reason.
	if peakHeap > before && peakHeap-before > maxScalePeakHeap {
		t.Errorf("the heap grew by %.0f MiB while loading, over %.0f MiB (target: RSS under 200 MB)", mib(peakHeap-before), mib(maxScalePeakHeap))
	}
	runtime.KeepAlive(s)
}

// samplePeakHeap watches the heap (live and not yet collected objects)
// every millisecond until the returned function is called, which returns
// the most it saw: what the process needed from the system while loading.
func samplePeakHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// heapInUse returns the heap in use after a collection, and the bytes
// allocated so far.
func heapInUse() (inUse, total uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.TotalAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// cpuTime is the process's user and system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
