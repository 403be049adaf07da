package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// profile is an emulated mobile link. This machine's kernel has no netem
// (tc qdisc netem: "Specified qdisc kind is unknown"), so the link is a
// loopback TCP proxy that holds every segment for as long as the link
// would: the TCP handshake, the one-way delay, the time to send each byte
// at the link's rate (a queue: a segment waits for the ones before it),
// and, for a lost segment, the retransmission it costs.
type profile struct {
	Name     string
	RTT      time.Duration
	Loss     float64 // of segments, each direction
	DownKbit int     // server to phone
	UpKbit   int     // phone to server
}

// profiles: 2G-like as the issue gives it; 3G-like is WebPageTest's "3G"
// bandwidth with a lower RTT; good 4G is a strong LTE signal.
var profiles = []profile{
	{Name: "2g", RTT: 600 * time.Millisecond, Loss: 0.01, DownKbit: 250, UpKbit: 250},
	{Name: "3g", RTT: 300 * time.Millisecond, Loss: 0.005, DownKbit: 1600, UpKbit: 768},
	{Name: "4g", RTT: 60 * time.Millisecond, Loss: 0, DownKbit: 12000, UpKbit: 4000},
}

// mss is the payload of one TCP segment on a 1500-byte path.
const mss = 1460

// rto is what a lost segment costs: Linux retransmits after at least
// 200 ms plus the smoothed RTT (tail loss probe / RTO), and the segment
// then needs one more one-way trip; everything after it waits (TCP
// delivers in order).
func (p profile) rto() time.Duration { return 200*time.Millisecond + p.RTT + p.RTT/2 }

// synRTO is the cost of a lost SYN or SYN-ACK: Linux's initial RTO, 1 s.
const synRTO = time.Second

// segmentTimes schedules segments of the given sizes, all handed to the
// link at now, on a link free from linkFree: each is sent when the one
// before it is out, takes size/rate to send, arrives a one-way delay
// later, plus the retransmission if lost, and never before the one before
// it. It returns the arrival times and when the link is free again.
func (p profile) segmentTimes(now, linkFree, lastArrival time.Time, sizes []int, kbit int, lost func() bool) ([]time.Time, time.Time) {
	out := make([]time.Time, len(sizes))
	for i, n := range sizes {
		start := now
		if linkFree.After(start) {
			start = linkFree
		}
		linkFree = start.Add(time.Duration(float64(n*8) / float64(kbit*1000) * float64(time.Second)))
		at := linkFree.Add(p.RTT / 2)
		if lost() {
			at = at.Add(p.rto())
		}
		if at.Before(lastArrival) {
			at = lastArrival
		}
		out[i], lastArrival = at, at
	}
	return out, linkFree
}

// link is a running proxy: every connection to its address is carried to
// target through the profile.
type link struct {
	p      profile
	ln     net.Listener
	target string
	rng    *rand.Rand
	rngMu  sync.Mutex

	// flightTimes are when, over all connections, the phone sent after
	// having heard from the server (or first): with the TCP handshakes
	// (conns), the round trips of a load. Those before the paint are the
	// ones the person waited for.
	mu          sync.Mutex
	flightTimes []time.Time
	// connTimes are when the phone connected; downTimes when server
	// bytes reached the phone: from them, the network's share of a load,
	// which the browser's own CPU time (on a busy machine, most of the
	// rest) does not blur.
	connTimes, downTimes []time.Time
	conns                atomic.Int64
	bytesDown            atomic.Int64
}

// network is the time from the first connection opened in [from, to] to
// the last server bytes delivered in it.
func (l *link) network(from, to time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first, last time.Time
	for _, t := range l.connTimes {
		if !t.Before(from) && !t.After(to) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	for _, t := range l.downTimes {
		if !t.Before(from) && !t.After(to) && t.After(last) {
			last = t
		}
	}
	if first.IsZero() || last.Before(first) {
		return 0, false
	}
	return last.Sub(first), true
}

// flightsBetween counts the phone's flights in [from, to].
func (l *link) flightsBetween(from, to time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range l.flightTimes {
		if !t.Before(from) && !t.After(to) {
			n++
		}
	}
	return n
}

func newLink(p profile, target string, seed uint64) (*link, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &link{p: p, ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, 26))}
	go l.serve()
	return l, nil
}

func (l *link) Port() int { return l.ln.Addr().(*net.TCPAddr).Port }

func (l *link) Close() error { return l.ln.Close() }

func (l *link) lost() bool {
	if l.p.Loss == 0 {
		return false
	}
	l.rngMu.Lock()
	defer l.rngMu.Unlock()
	return l.rng.Float64() < l.p.Loss
}

func (l *link) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		go l.carry(c)
	}
}

// carry is one connection. The phone's connect() returned at once on
// loopback; its first bytes reach the server only after the handshake
// (one RTT, more if the SYN or SYN-ACK is lost) and a one-way trip.
func (l *link) carry(phone net.Conn) {
	defer phone.Close()
	l.conns.Add(1)
	l.mu.Lock()
	l.connTimes = append(l.connTimes, time.Now())
	l.mu.Unlock()
	server, err := net.Dial("tcp", l.target)
	if err != nil {
		return
	}
	defer server.Close()
	open := time.Now().Add(l.p.RTT)
	if l.lost() {
		open = open.Add(synRTO)
	}
	var lastDown atomic.Int64 // when the phone last got server bytes (unix ns)
	var lastUpFlight atomic.Int64
	done := make(chan struct{}, 2)
	up := &pipe{l: l, kbit: l.p.UpKbit, linkFree: open, onSend: func(now time.Time) {
		// A new flight: the phone sends after hearing from the server.
		if d := lastDown.Load(); d >= lastUpFlight.Load() {
			lastUpFlight.Store(now.UnixNano() + 1)
			l.mu.Lock()
			l.flightTimes = append(l.flightTimes, now)
			l.mu.Unlock()
		}
	}}
	down := &pipe{l: l, kbit: l.p.DownKbit, linkFree: time.Now(), onDeliver: func(n int) {
		now := time.Now()
		lastDown.Store(now.UnixNano())
		l.bytesDown.Add(int64(n))
		l.mu.Lock()
		l.downTimes = append(l.downTimes, now)
		l.mu.Unlock()
	}}
	if os.Getenv("NETPAINT_TRACE") != "" {
		// Every delivery, relative to the connect: where a load's time goes.
		t0 := time.Now()
		var mu sync.Mutex
		trace := func(dir string) func(n int) {
			return func(n int) {
				mu.Lock()
				fmt.Fprintf(os.Stderr, "trace %s %d %s %d\n", l.target, time.Since(t0).Milliseconds(), dir, n)
				mu.Unlock()
			}
		}
		up.onDeliver = trace("up")
		d := down.onDeliver
		tr := trace("down")
		down.onDeliver = func(n int) { d(n); tr(n) }
	}
	go func() { up.run(phone, server); server.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { down.run(server, phone); phone.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

// pipe is one direction of a connection.
type pipe struct {
	l                     *link
	kbit                  int
	linkFree, lastArrival time.Time
	onSend                func(now time.Time)
	onDeliver             func(n int)
}

type segment struct {
	b  []byte
	at time.Time
}

func (p *pipe) run(src io.Reader, dst io.Writer) {
	q := make(chan segment, 4096)
	go func() {
		defer close(q)
		buf := make([]byte, 64<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				now := time.Now()
				if p.onSend != nil {
					p.onSend(now)
				}
				var sizes []int
				for off := 0; off < n; off += mss {
					sizes = append(sizes, min(mss, n-off))
				}
				var ats []time.Time
				ats, p.linkFree = p.l.p.segmentTimes(now, p.linkFree, p.lastArrival, sizes, p.kbit, p.l.lost)
				p.lastArrival = ats[len(ats)-1]
				off := 0
				for i, sz := range sizes {
					q <- segment{append([]byte(nil), buf[off:off+sz]...), ats[i]}
					off += sz
				}
			}
			if err != nil {
				return
			}
		}
	}()
	for s := range q {
		time.Sleep(time.Until(s.at))
		if _, err := dst.Write(s.b); err != nil {
			for range q {
			}
			return
		}
		if p.onDeliver != nil {
			p.onDeliver(len(s.b))
		}
	}
}
