package stats

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkInc measures the hot path: many request goroutines counting scans
// of the same, already-seen venue on the same day.
func BenchmarkInc(b *testing.B) {
	c := NewCounter()
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	c.Inc("VENUE1", now)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc("VENUE1", now)
		}
	})
}

// BenchmarkIncManyCodes spreads the scans over 200 venues, which is closer to
// a real deployment and shows whether unrelated venues contend.
func BenchmarkIncManyCodes(b *testing.B) {
	c := NewCounter()
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	codes := make([]string, 200)
	for i := range codes {
		codes[i] = "V" + strconv.Itoa(i)
		c.Inc(codes[i], now)
	}
	var seed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(7919))
		for pb.Next() {
			c.Inc(codes[i%len(codes)], now)
			i++
		}
	})
}

// BenchmarkIncSerial is the uncontended cost of one Inc.
func BenchmarkIncSerial(b *testing.B) {
	c := NewCounter()
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	c.Inc("VENUE1", now)
	b.ReportAllocs()
	for b.Loop() {
		c.Inc("VENUE1", now)
	}
}
