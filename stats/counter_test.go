package stats

import (
	"maps"
	"sync"
	"testing"
	"time"
)

func TestCounterDayIsUTC(t *testing.T) {
	newYork := time.FixedZone("UTC-5", -5*60*60)
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"midday UTC", time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC), "2026-03-14"},
		{"first second", time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), "2026-03-14"},
		{"last nanosecond", time.Date(2026, 3, 14, 23, 59, 59, 999999999, time.UTC), "2026-03-14"},
		{"evening west of UTC is next UTC day", time.Date(2026, 3, 14, 21, 0, 0, 0, newYork), "2026-03-15"},
		{"before 1970 rounds down", time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), "1969-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCounter()
			c.Inc("V1", tt.now)
			got := c.Drain()
			want := map[Key]uint64{{Day: tt.want, Code: "V1"}: 1}
			if !maps.Equal(got, want) {
				t.Errorf("Drain() = %v, want %v", got, want)
			}
		})
	}
}

func TestCounterDrainResetsSnapshotDoesNot(t *testing.T) {
	c := NewCounter()
	day := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	c.Inc("A", day)
	c.Inc("A", day.Add(time.Hour))
	c.Inc("B", day)
	c.Inc("A", day.Add(24*time.Hour))

	want := map[Key]uint64{
		{"2026-03-14", "A"}: 2,
		{"2026-03-14", "B"}: 1,
		{"2026-03-15", "A"}: 1,
	}
	if got := c.Snapshot(); !maps.Equal(got, want) {
		t.Fatalf("Snapshot() = %v, want %v", got, want)
	}
	if got := c.Snapshot(); !maps.Equal(got, want) {
		t.Fatalf("second Snapshot() = %v, want %v (Snapshot must not reset)", got, want)
	}
	if got := c.Drain(); !maps.Equal(got, want) {
		t.Fatalf("Drain() = %v, want %v", got, want)
	}
	if got := c.Drain(); len(got) != 0 {
		t.Fatalf("Drain() after Drain = %v, want empty", got)
	}
	// The second drain retired the idle entries; counting must still work.
	c.Inc("A", day)
	if got, want := c.Drain(), (map[Key]uint64{{"2026-03-14", "A"}: 1}); !maps.Equal(got, want) {
		t.Fatalf("Drain() after retiring = %v, want %v", got, want)
	}
}

func TestCounterCaps(t *testing.T) {
	c := newCounter(2)
	day := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	c.Inc("A", day)
	c.Inc("B", day)
	c.Inc("C", day) // third key: over the cap
	c.Inc("A", day) // existing key: still counted
	c.Inc(string(make([]byte, maxCodeLen+1)), day)

	want := map[Key]uint64{{"2026-03-14", "A"}: 2, {"2026-03-14", "B"}: 1}
	if got := c.Snapshot(); !maps.Equal(got, want) {
		t.Errorf("Snapshot() = %v, want %v", got, want)
	}
	if got := c.Dropped(); got != 2 {
		t.Errorf("Dropped() = %d, want 2", got)
	}

	// Draining twice retires idle keys and frees room under the cap.
	c.Drain()
	c.Drain()
	c.Inc("C", day)
	if got, want := c.Snapshot(), (map[Key]uint64{{"2026-03-14", "C"}: 1}); !maps.Equal(got, want) {
		t.Errorf("after retiring, Snapshot() = %v, want %v", got, want)
	}
}

// TestCounterConcurrent is meant for -race: 50 goroutines x 1000 scans over
// a few venues, while another goroutine drains as fast as it can. Every scan
// must end up in exactly one drain.
func TestCounterConcurrent(t *testing.T) {
	const goroutines, perGoroutine = 50, 1000
	codes := []string{"A", "B", "C"}
	day := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)

	c := NewCounter()
	total := make(map[Key]uint64)
	stop := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			for k, n := range c.Drain() {
				total[k] += n
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				// Spread over two days so that entries keep getting
				// retired and recreated under the drainer's feet.
				c.Inc(codes[(g+i)%len(codes)], day.Add(time.Duration(i%2)*24*time.Hour))
			}
		})
	}
	wg.Wait()
	close(stop)
	<-drained
	for k, n := range c.Drain() {
		total[k] += n
	}

	var sum uint64
	for _, n := range total {
		sum += n
	}
	if sum != goroutines*perGoroutine {
		t.Errorf("counted %d scans, want %d (%v)", sum, goroutines*perGoroutine, total)
	}
	if c.Dropped() != 0 {
		t.Errorf("Dropped() = %d, want 0", c.Dropped())
	}
}

func TestCounterRestore(t *testing.T) {
	c := newCounter(1)
	day := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	c.Inc("A", day)
	pending := c.Drain()
	c.Inc("A", day)
	c.restore(pending)
	// restore ignores the cap: these keys were admitted before.
	c.restore(map[Key]uint64{{"2026-03-13", "B"}: 4})
	want := map[Key]uint64{{"2026-03-14", "A"}: 2, {"2026-03-13", "B"}: 4}
	if got := c.Drain(); !maps.Equal(got, want) {
		t.Errorf("Drain() = %v, want %v", got, want)
	}
}
