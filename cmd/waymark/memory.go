package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory a surge leaves behind (a flood of connections, each closed at
// once, leaves only garbage) is memory the Go runtime keeps until its next
// collection, which a quiet server may not run for minutes: the host's
// other services do not get it back. returnMemory watches what the
// process holds and, once a surge has stopped growing it, hands the
// excess back at once.
const (
	// surge is how far above its lowest the held memory must be before it
	// is worth a full collection to return it. 10,000 refused slow bodies
	// leave 55-65 MB.
	surge = 32 << 20
	// A release that returned less than this was not worth its collection:
	// the memory is in use (a larger site after a reload, a held flood),
	// so the next waits longer.
	worthwhile = 16 << 20
	minGap     = 10 * time.Second
	maxGap     = 10 * time.Minute
)

// returnMemory runs until ctx ends, looking every tick. A full collection
// costs tens of milliseconds on a large site; releases are at least minGap
// apart, and the gap doubles (to maxGap) each time one returns little.
func returnMemory(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	low := heldMemory()
	prev, gap, last := low, minGap, time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := heldMemory()
		low = min(low, now)
		growing := now > prev+1<<20
		prev = now
		if growing || now < low+surge || time.Since(last) < gap {
			continue
		}
		debug.FreeOSMemory()
		after := heldMemory()
		last, prev, low = time.Now(), after, min(low, after)
		if now-after < worthwhile {
			gap = min(2*gap, maxGap)
		} else {
			gap = minGap
		}
	}
}

// heldMemory is what the Go runtime holds from the system: everything it
// has mapped, less the heap it has already returned. It is close to the
// resident size, and cheap to read.
func heldMemory() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	total, released := s[0].Value.Uint64(), s[1].Value.Uint64()
	if released > total {
		return 0
	}
	return total - released
}
