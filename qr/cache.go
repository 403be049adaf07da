package qr

import "sync"

// Cache memoises rendered symbols so that a warm request does no encoding
// and no allocation. It is safe for concurrent use.
//
// The returned slices are shared between callers and must not be modified.
//
// Capacity is bounded by entry count and by bytes: inserting into a full cache evicts
// one arbitrary entry (whichever Go's map iteration yields first, which is
// close to random). Requests can name any number of distinct payloads and
// sizes, so the bound matters more than the hit rate; an evicted popular
// entry simply returns on its next request. Two concurrent misses on the
// same key may both encode; they produce the same bytes and one is kept.
type Cache struct {
	max     int
	mu      sync.RWMutex
	entries map[cacheKey][]byte
	bytes   int // held by entries, at most MaxCacheBytes
}

// MaxCacheBytes bounds a cache's bytes as well as its entries: 4,096 big
// PNGs (about 45 KB each at 4,000 pixels) would otherwise hold 180 MB.
const MaxCacheBytes = 16 << 20

type cacheKey struct {
	payload string
	format  format
	px      int // 0 for SVG
}

type format uint8

const (
	formatSVG format = iota + 1
	formatPNG
)

// NewCache returns a cache holding at most maxEntries rendered images.
// A maxEntries below 1 gives a cache that stores nothing.
func NewCache(maxEntries int) *Cache {
	return &Cache{max: maxEntries, entries: make(map[cacheKey][]byte)}
}

// SVG returns Encode(payload).SVG(), cached.
func (c *Cache) SVG(payload string) ([]byte, error) {
	return c.get(cacheKey{payload: payload, format: formatSVG}, func(s *Symbol) ([]byte, error) {
		return s.SVG(), nil
	})
}

// PNG returns Encode(payload).PNG(px), cached.
func (c *Cache) PNG(payload string, px int) ([]byte, error) {
	return c.get(cacheKey{payload: payload, format: formatPNG, px: px}, func(s *Symbol) ([]byte, error) {
		return s.PNG(px)
	})
}

func (c *Cache) get(k cacheKey, render func(*Symbol) ([]byte, error)) ([]byte, error) {
	c.mu.RLock()
	b, ok := c.entries[k]
	c.mu.RUnlock()
	if ok {
		return b, nil
	}

	// Reject bad sizes before paying for an encode.
	if k.format == formatPNG {
		if err := checkPNGSize(k.px); err != nil {
			return nil, err
		}
	}
	s, err := Encode(k.payload)
	if err != nil {
		return nil, err
	}
	if b, err = render(s); err != nil {
		return nil, err
	}
	return c.put(k, b), nil
}

// put stores b under k unless a concurrent miss got there first, and
// returns whichever slice is cached so that all callers share one copy.
func (c *Cache) put(k cacheKey, b []byte) []byte {
	if c.max < 1 {
		return b
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.entries[k]; ok {
		return prev
	}
	if len(b) > MaxCacheBytes/16 {
		return b // too big to keep; the render gate bounds its cost
	}
	for old, ob := range c.entries {
		if len(c.entries) < c.max && c.bytes+len(b) <= MaxCacheBytes {
			break
		}
		delete(c.entries, old)
		c.bytes -= len(ob)
	}
	c.entries[k] = b
	c.bytes += len(b)
	return b
}

// CachedPNG returns a PNG only if it is cached: callers that bound
// concurrent rendering check here before waiting for a slot.
func (c *Cache) CachedPNG(payload string, px int) ([]byte, bool) {
	c.mu.RLock()
	b, ok := c.entries[cacheKey{payload: payload, format: formatPNG, px: px}]
	c.mu.RUnlock()
	return b, ok
}
