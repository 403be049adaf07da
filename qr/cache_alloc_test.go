//go:build !race

package qr

import "testing"

// The race detector's instrumentation allocates, hence the build tag.
func TestCacheHitDoesNotAllocate(t *testing.T) {
	c := NewCache(4)
	const p = "HTTPS://WAYMARK.EXAMPLE/ABC123"
	if _, err := c.PNG(p, 256); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SVG(p); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		c.PNG(p, 256)
		c.SVG(p)
	})
	if allocs != 0 {
		t.Errorf("cache hit allocates %.1f times per call pair, want 0", allocs)
	}
}
