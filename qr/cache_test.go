package qr

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

func TestCacheMatchesDirectRendering(t *testing.T) {
	c := NewCache(16)
	for _, p := range samplePayloads[:3] {
		s := mustEncode(t, p)
		wantPNG, err := s.PNG(256)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // a miss, then a hit
			svg, err := c.SVG(p)
			if err != nil || !bytes.Equal(svg, s.SVG()) {
				t.Errorf("Cache.SVG(%q) = %.40q, %v; differs from Symbol.SVG", p, svg, err)
			}
			png, err := c.PNG(p, 256)
			if err != nil || !bytes.Equal(png, wantPNG) {
				t.Errorf("Cache.PNG(%q, 256) differs from Symbol.PNG: %v", p, err)
			}
		}
	}
}

func TestCacheKeysBySize(t *testing.T) {
	c := NewCache(16)
	const p = "HTTPS://WAYMARK.EXAMPLE/ABC123"
	small, err := c.PNG(p, 100)
	if err != nil {
		t.Fatal(err)
	}
	large, err := c.PNG(p, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(small, large) {
		t.Error("PNG sizes 100 and 1000 share a cache entry")
	}
	if len(c.entries) != 2 {
		t.Errorf("cache holds %d entries, want 2", len(c.entries))
	}
}

func TestCacheErrors(t *testing.T) {
	c := NewCache(16)
	if _, err := c.PNG("HTTPS://X.EXAMPLE/A", MaxPNG+1); err == nil {
		t.Error("Cache.PNG accepted an out-of-range size")
	}
	if _, err := c.SVG(""); err == nil {
		t.Error("Cache.SVG accepted an empty payload")
	}
	if len(c.entries) != 0 {
		t.Errorf("errors were cached: %d entries", len(c.entries))
	}
}

func TestCacheBounded(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 3} {
		c := NewCache(n)
		for i := 0; i < 10; i++ {
			p := fmt.Sprintf("HTTPS://WAYMARK.EXAMPLE/C%d", i)
			got, err := c.SVG(p)
			if err != nil {
				t.Fatal(err)
			}
			if want := mustEncode(t, p).SVG(); !bytes.Equal(got, want) {
				t.Fatalf("NewCache(%d).SVG(%q) returned another payload's SVG", n, p)
			}
			if want := min(i+1, max(n, 0)); len(c.entries) != want {
				t.Fatalf("NewCache(%d) holds %d entries after %d inserts, want %d", n, len(c.entries), i+1, want)
			}
		}
	}
}

// Run under -race: many goroutines hammer a small cache, forcing misses,
// evictions and hits at once, and every answer must match a direct render.
func TestCacheConcurrent(t *testing.T) {
	payloads := []string{"HTTPS://WM.EXAMPLE/A", "HTTPS://WM.EXAMPLE/B", "HTTPS://WM.EXAMPLE/C", "HTTPS://WM.EXAMPLE/D"}
	sizes := []int{128, 256}
	want := map[string][]byte{}
	for _, p := range payloads {
		s := mustEncode(t, p)
		want[p] = s.SVG()
		for _, px := range sizes {
			b, err := s.PNG(px)
			if err != nil {
				t.Fatal(err)
			}
			want[fmt.Sprint(p, px)] = b
		}
	}

	c := NewCache(5) // fewer than the 12 keys, so entries are evicted
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				p := payloads[(g+i)%len(payloads)]
				px := sizes[(g+i)%len(sizes)]
				svg, err := c.SVG(p)
				if err != nil || !bytes.Equal(svg, want[p]) {
					errs <- fmt.Errorf("SVG(%q) wrong: %v", p, err)
					return
				}
				png, err := c.PNG(p, px)
				if err != nil || !bytes.Equal(png, want[fmt.Sprint(p, px)]) {
					errs <- fmt.Errorf("PNG(%q, %d) wrong: %v", p, px, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
