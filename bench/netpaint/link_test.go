package main

import (
	"testing"
	"time"
)

// The schedule is what the benchmark's figures rest on: check it by hand
// on the 2G profile (no clocks involved).
func TestSegmentTimes(t *testing.T) {
	p := profiles[0] // 2g: RTT 600 ms, 250 kbit/s
	t0 := time.Unix(0, 0)
	never := func() bool { return false }
	always := func() bool { return true }
	tx := func(n int) time.Duration { return time.Duration(n*8) * time.Second / 250000 }

	tests := []struct {
		name  string
		sizes []int
		lost  func() bool
		want  []time.Duration
	}{
		// One segment: sent at once, 46.72 ms on the wire, 300 ms away.
		{"one", []int{mss}, never, []time.Duration{tx(mss) + 300*time.Millisecond}},
		// Two: the second queues behind the first.
		{"queue", []int{mss, 100}, never, []time.Duration{tx(mss) + 300*time.Millisecond, tx(mss+100) + 300*time.Millisecond}},
		// Lost: the retransmission (200 ms + 1.5 RTT) delays it, and the
		// next one, which TCP cannot deliver before it.
		{"lost", []int{100, 100}, always, []time.Duration{tx(100) + 300*time.Millisecond + p.rto(), tx(200) + 300*time.Millisecond + p.rto()}},
	}
	for _, tt := range tests {
		got, free := p.segmentTimes(t0, t0, t0, tt.sizes, p.DownKbit, tt.lost)
		for i := range tt.want {
			if d := got[i].Sub(t0); d != tt.want[i] {
				t.Errorf("%s: segment %d arrives at %v, want %v", tt.name, i, d, tt.want[i])
			}
		}
		total := 0
		for _, n := range tt.sizes {
			total += n
		}
		if d := free.Sub(t0); d != tx(total) {
			t.Errorf("%s: link free at %v, want %v", tt.name, d, tx(total))
		}
	}

	// A link still busy delays a new segment until it is free.
	got, _ := p.segmentTimes(t0, t0.Add(time.Second), t0, []int{100}, p.DownKbit, never)
	if d := got[0].Sub(t0); d != time.Second+tx(100)+300*time.Millisecond {
		t.Errorf("busy link: arrives at %v", d)
	}
}
