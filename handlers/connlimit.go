package handlers

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"sort"
	"sync"
	"time"
)

// ConnLimiter keeps a listener's connections below a cap under the
// process's file-descriptor limit, so that a fresh connection is always
// served: a person who scans a poster must get the page even while
// someone holds thousands of idle keep-alive connections.
//
// Idle keep-alive connections, and connections whose request header has
// not fully arrived (net/http marks a connection active only then, so a
// slowloris counts as idle), wait in a list, longest-idle first. Past
// seven eighths of the cap, each new connection closes the longest-idle
// one, unless that one is Young and another has been busy with a single
// request for longer: then that one goes (see victim). Busy connections
// are held to half the cap; past half the cap, idle connections are
// closed after ShortIdle instead of the server's IdleTimeout. Once a
// flood has passed, the memory it took goes back to the system.
//
// On the public listener it also does two things net/http cannot be
// asked to do: it gives the errors net/http writes itself (400 for a
// malformed request, 431, 505) the privacy headers, and it closes a
// connection whose request has more header lines than any browser sends.
type ConnLimiter struct {
	o    ConnOptions
	high int

	mu      sync.Mutex
	open    int
	idle    lru // idle, or their request not yet fully arrived; longest-idle first
	busy    lru // serving a request; longest-busy first
	nbusy   int
	flooded bool // past the high water mark since the last memory release
}

// lru is a list of connections, oldest first.
type lru struct{ head, tail *limitedConn }

// Young is how long a new connection is safe from eviction while an
// older one can go instead: a visitor's phone on a slow network needs a
// moment to send its request, and must not make way for someone who has
// held a connection for longer.
const Young = 3 * time.Second

// ConnOptions configure a ConnLimiter.
type ConnOptions struct {
	// Max is the most connections kept open.
	Max int
	// ShortIdle is the idle timeout once half of Max is in use (default 5 s).
	ShortIdle time.Duration
	// MaxHeaderLines closes a connection whose request has more header
	// lines (0: no limit).
	MaxHeaderLines int
	// Headers, when set, are added to the error responses net/http writes
	// itself, which bypass every handler.
	Headers func() http.Header
}

// MaxHeaderLines is the public listener's bound on a request's header
// lines. Browsers send 10 to 25; each line costs net/http a map entry and
// a string, so 1,400 tiny headers cost 8 times a normal request.
const MaxHeaderLines = 64

// NewConnLimiter returns a limiter; wrap a listener with Listener and
// pass ConnState to the http.Server.
func NewConnLimiter(o ConnOptions) *ConnLimiter {
	if o.Max < 8 {
		o.Max = 8
	}
	if o.ShortIdle <= 0 {
		o.ShortIdle = 5 * time.Second
	}
	return &ConnLimiter{o: o, high: o.Max - o.Max/8}
}

// Listener wraps ln; closing it also stops the idle sweeper.
func (l *ConnLimiter) Listener(ln net.Listener) net.Listener {
	ll := &limitListener{Listener: ln, l: l, done: make(chan struct{})}
	go l.sweep(ll.done)
	return ll
}

// OverTLS wraps an HTTP/1 connection over TLS (tc) that was made over a
// connection of this limiter (raw, tc's NetConn), so that header lines are
// counted, bodies refused and net/http's own errors given the privacy
// headers on the decrypted bytes as on plain HTTP. Under TLS they are
// encrypted, and were not counted at all (1,400 header lines passed).
func (l *ConnLimiter) OverTLS(tc, raw net.Conn) net.Conn {
	r, ok := raw.(*limitedConn)
	if !ok {
		return tc
	}
	return &limitedConn{Conn: tc, l: l, raw: r, started: true,
		scan: l.o.MaxHeaderLines > 0 || l.o.Headers != nil}
}

// Open is the number of connections open now.
func (l *ConnLimiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

type limitListener struct {
	net.Listener
	l    *ConnLimiter
	once sync.Once
	done chan struct{}
}

func (ll *limitListener) Accept() (net.Conn, error) {
	c, err := ll.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: ll.l, scan: ll.l.o.MaxHeaderLines > 0 || ll.l.o.Headers != nil}
	ll.l.admit(lc)
	return lc, nil
}

func (ll *limitListener) Close() error {
	ll.once.Do(func() { close(ll.done) })
	return ll.Listener.Close()
}

// admit counts a new connection and, near the cap, closes others to make
// room (see victim).
func (l *ConnLimiter) admit(c *limitedConn) {
	var victims []*limitedConn
	l.mu.Lock()
	l.open++
	now := time.Now()
	c.since = now
	l.idle.push(c)
	if l.open > l.high {
		l.flooded = true
	}
	for l.open > l.high {
		v := l.victim(now, c)
		if v == nil {
			break
		}
		victims = append(victims, l.evict(v))
	}
	l.mu.Unlock()
	for _, v := range victims {
		v.Conn.Close()
	}
}

// victim picks the connection to close for a new one (c): the
// longest-idle, unless it is Young and a connection has been busy with
// one request for longer; then that one. A request that takes seconds on
// the public site is someone holding a connection (a body or an answer
// read a byte at a time), and a visitor who has just connected must not
// make way for them. Returns nil when only c is left.
func (l *ConnLimiter) victim(now time.Time, c *limitedConn) *limitedConn {
	idle := l.idle.head
	if idle == c {
		idle = nil
	}
	if idle != nil && now.Sub(idle.since) >= Young {
		return idle
	}
	if b := l.busy.head; b != nil && now.Sub(b.since) >= Young {
		return b
	}
	return idle
}

// evict takes v off its list, to be closed once l.mu is released. l.mu is
// held.
func (l *ConnLimiter) evict(v *limitedConn) *limitedConn {
	l.unlist(v)
	v.gone = true
	l.open--
	return v
}

// unlist takes c off whichever list holds it. l.mu is held.
func (l *ConnLimiter) unlist(c *limitedConn) {
	if c.isBusy {
		l.busy.remove(c)
		c.isBusy = false
		l.nbusy--
	} else {
		l.idle.remove(c)
	}
}

// ConnState tracks connections; chain it into http.Server.ConnState.
func (l *ConnLimiter) ConnState(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*limitedConn)
	if !ok {
		// A TLS connection wraps ours.
		if u, isWrapper := nc.(interface{ NetConn() net.Conn }); isWrapper {
			c, ok = u.NetConn().(*limitedConn)
		}
		if !ok {
			return
		}
	}
	var victim *limitedConn
	if c.raw != nil {
		c = c.raw // OverTLS: the record is the connection under TLS
	}
	l.mu.Lock()
	now := time.Now()
	switch s {
	case http.StateActive:
		l.unlist(c)
		if !c.gone {
			c.since = now
			c.isBusy = true
			l.busy.push(c)
			l.nbusy++
			// Busy connections are bounded too: each holds buffers and a
			// goroutine, and past half the cap the longest-busy goes.
			if b := l.busy.head; l.nbusy > l.o.Max/2 && b != c && now.Sub(b.since) >= Young {
				victim = l.evict(b)
			}
		}
	case http.StateIdle:
		l.unlist(c)
		c.since = now
		l.idle.push(c)
	case http.StateClosed, http.StateHijacked:
		l.unlist(c)
		if !c.gone {
			c.gone = true
			l.open--
		}
	}
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
}

// sweep closes idle connections after ShortIdle while more than half of
// the cap is in use, and once a flood of connections has passed, gives
// the memory it took back to the system (the Go runtime would keep it
// for minutes).
func (l *ConnLimiter) sweep(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			var victims []*limitedConn
			l.mu.Lock()
			for l.open > l.o.Max/2 && l.idle.head != nil && now.Sub(l.idle.head.since) > l.o.ShortIdle {
				victims = append(victims, l.evict(l.idle.head))
			}
			release := l.flooded && l.open < l.o.Max/8
			if release {
				l.flooded = false
			}
			l.mu.Unlock()
			for _, v := range victims {
				v.Conn.Close()
			}
			if release {
				debug.FreeOSMemory()
			}
		}
	}
}

func (q *lru) push(c *limitedConn) {
	if c.listed || c.gone {
		return
	}
	c.listed = true
	c.prev, c.next = q.tail, nil
	if q.tail != nil {
		q.tail.next = c
	} else {
		q.head = c
	}
	q.tail = c
}

func (q *lru) remove(c *limitedConn) {
	if !c.listed {
		return
	}
	c.listed = false
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		q.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		q.tail = c.prev
	}
	c.prev, c.next = nil, nil
}

// limitedConn is one connection; its list fields belong to the limiter's
// lock, its scanning fields to the connection's reading goroutine.
type limitedConn struct {
	net.Conn
	l          *ConnLimiter
	prev, next *limitedConn
	listed     bool
	isBusy     bool
	raw        *limitedConn // OverTLS: the connection under TLS, which the lists hold
	gone       bool
	since      time.Time

	scan     bool // header-line counting and error rewriting on
	started  bool // first byte seen (a TLS handshake turns scanning off)
	lines    int  // header lines of the request being read
	lineLen  int  // bytes since the last newline, not counting CR
	skipping bool // discarding the rest of a header cut short
	skipped  int
	pend     []byte // bytes for net/http before reading more
	carry    []byte // bytes read but not yet passed on (nor counted)
	head     []byte // the start of the line being read (lineHead bytes)
	body     bool   // the header being read declares a body
	ended    bool   // a header that declared a body has ended: no more bytes
}

// lineHead is how much of each header line is kept to recognise
// Content-Length and Transfer-Encoding.
const lineHead = 40

var errTooManyHeaders = errors.New("too many header lines")

// maxSkipBytes bounds the header bytes skipped after MaxHeaderLines; past
// it the connection is refused and closed (net/http's own limit is 20 KB).
const maxSkipBytes = 64 << 10

// Read passes the request through, counting its header lines. Past
// MaxHeaderLines it ends the header early for net/http with a marker
// header (cutMark) and a blank line, and skips the rest of the client's
// header, so that the public handler answers that request 431 on the same
// connection: a refused request then costs about what a normal one does,
// where closing it would make each attempt a new connection.
func (c *limitedConn) Read(p []byte) (int, error) {
	if c.ended && len(c.pend) == 0 {
		// The public site reads no request body (the handler refuses
		// one and closes the connection): what follows the header is
		// never passed on, so it can neither be counted as header lines
		// nor parsed as a next request.
		return 0, io.EOF
	}
	if len(c.pend) > 0 {
		n := copy(p, c.pend)
		c.pend = c.pend[n:]
		return n, nil
	}
	for {
		var n int
		var err error
		if len(c.carry) > 0 {
			n = copy(p, c.carry)
			c.carry = c.carry[n:]
		} else {
			n, err = c.Conn.Read(p)
		}
		if !c.scan || n == 0 || c.l.o.MaxHeaderLines == 0 {
			return n, err
		}
		if !c.started {
			c.started = true
			if p[0] == 0x16 { // TLS: the bytes are not HTTP
				c.scan = false
				return n, err
			}
		}
		if c.skipping {
			end, found := c.skipHeader(p[:n])
			if !found {
				if c.skipped += n; c.skipped > maxSkipBytes {
					c.refuse(http.StatusRequestHeaderFieldsTooLarge, "431 Request Header Fields Too Large")
					// A read error that net/http closes the connection on silently.
					return 0, &net.OpError{Op: "read", Net: "tcp", Err: errTooManyHeaders}
				}
				if err != nil {
					return 0, err
				}
				continue
			}
			c.skipping = false
			if c.body {
				c.body, c.ended = false, true
				return 0, io.EOF
			}
			n = copy(p, p[end:n])
			if n == 0 {
				if err != nil {
					return 0, err
				}
				continue
			}
		}
		start, over, end := c.countLines(p[:n])
		if end > 0 {
			// The header declared a body: pass the header on, and nothing
			// after it.
			c.ended = true
			return end, nil
		}
		if !over {
			return n, err
		}
		// Deliver the lines up to the one over the limit, then the mark
		// and a blank line; skip the rest of this header; what follows it
		// (a next request) is read again, and counted, by the next Read.
		c.skipping, c.skipped, c.lines = true, 0, 0
		rest := p[start:n]
		c.pend = append(c.pend[:0], cutMark+": 1\r\n\r\n"...)
		if end, found := c.skipHeader(rest); found {
			c.skipping = false
			if c.body {
				c.body, c.ended = false, true
				c.carry = nil
			} else {
				c.carry = append(append([]byte(nil), rest[end:]...), c.carry...)
			}
		} else {
			c.skipped = len(rest)
		}
		if start == 0 {
			m := copy(p, c.pend)
			c.pend = c.pend[m:]
			return m, err
		}
		return start, err
	}
}

// skipHeader finds the end of a header being skipped (the blank line) in
// b, following lines across reads; end is the index after it.
func (c *limitedConn) skipHeader(b []byte) (end int, found bool) {
	off := 0
	for off < len(b) {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			c.partLine(b[off:])
			return 0, false
		}
		if c.endLine(b[off : off+i]) {
			return off + i + 1, true
		}
		off += i + 1
	}
	return 0, false
}

// countLines follows header lines across reads and reports whether the
// request in progress has more than MaxHeaderLines, and where the line
// over the limit starts in b. A blank line ends a request's header; if
// that header declared a body, end is the index after the blank line:
// nothing after it is a header (nor, here, a next request).
func (c *limitedConn) countLines(b []byte) (cut int, over bool, end int) {
	off := 0
	for off < len(b) {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			c.partLine(b[off:])
			return 0, false, 0
		}
		if c.endLine(b[off : off+i]) {
			c.lines = 0 // blank line: the header is complete
			if c.body {
				c.body = false
				return 0, false, off + i + 1
			}
		} else if c.lines++; c.lines > c.l.o.MaxHeaderLines+1 { // +1: the request line
			// Cut after this line: it may have begun in a read already
			// passed on, so it is passed on whole.
			return off + i + 1, true, 0
		}
		off += i + 1
	}
	return 0, false, 0
}

// partLine follows a line that continues in the next read.
func (c *limitedConn) partLine(b []byte) {
	c.lineLen += len(b)
	if len(c.head) < lineHead {
		c.head = append(c.head, b[:min(len(b), lineHead-len(c.head))]...)
	}
}

// endLine ends a line whose last part is b (without its '\n'), notes
// whether it declares a request body, and reports whether it was blank.
func (c *limitedConn) endLine(b []byte) (blank bool) {
	c.partLine(b)
	line := bytes.TrimSuffix(c.head, []byte("\r"))
	blank = c.lineLen-len(c.head)+len(line) <= 0
	if !blank && declaresBody(line, c.lineLen > len(c.head)) {
		c.body = true
	}
	c.lineLen, c.head = 0, c.head[:0]
	return blank
}

var (
	contentLength    = []byte("content-length:")
	transferEncoding = []byte("transfer-encoding:")
)

// declaresBody reports whether a header line (its first lineHead bytes;
// cut: the line is longer) is a Transfer-Encoding or a Content-Length
// other than 0. When in doubt it says yes: the request is still answered,
// and only what follows its header is dropped.
func declaresBody(line []byte, cut bool) bool {
	if len(line) >= len(transferEncoding) && bytes.EqualFold(line[:len(transferEncoding)], transferEncoding) {
		return true
	}
	if len(line) < len(contentLength) || !bytes.EqualFold(line[:len(contentLength)], contentLength) {
		return false
	}
	v := bytes.Trim(line[len(contentLength):], " \t\r")
	return cut || len(v) == 0 || len(bytes.Trim(v, "0")) > 0
}

// cutMark is the header Read adds to a request whose header it cut short,
// so that the handler answers that request, and no other, 431. A client
// that sends it itself only gets a 431.
const cutMark = "X-Waymark-Header-Cut"

var cutKey = http.CanonicalHeaderKey(cutMark)

// TooManyHeaders reports whether the connection cut this request's header
// at MaxHeaderLines (see Read).
func TooManyHeaders(r *http.Request) bool {
	_, cut := r.Header[cutKey]
	return cut
}

// refuse writes a short error response with the privacy headers, before
// the connection closes.
func (c *limitedConn) refuse(status int, line string) {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + line + "\r\n")
	c.writeHeaders(&b)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + line + "\n")
	c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	c.Conn.Write(b.Bytes())
	// As net/http does for its own 431: stop writing, and read what the
	// client is still sending for a moment, so that closing does not
	// reset the connection before the client has read the answer.
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.Conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.Copy(io.Discard, io.LimitReader(c.Conn, 1<<20))
}

func (c *limitedConn) writeHeaders(b *bytes.Buffer) {
	if c.l.o.Headers == nil {
		return
	}
	h := c.l.o.Headers()
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
}

var (
	httpPrefix = []byte("HTTP/1.")
	cspLine    = []byte("\r\nContent-Security-Policy:")
	headEnd    = []byte("\r\n\r\n")
)

// Write adds the privacy headers to an error response that net/http wrote
// itself: every response of the public handler carries a CSP, so a 4xx or
// 5xx head without one did not come from it.
func (c *limitedConn) Write(p []byte) (int, error) {
	if !c.scan || c.l.o.Headers == nil || len(p) < 13 || !bytes.HasPrefix(p, httpPrefix) || (p[9] != '4' && p[9] != '5') {
		return c.Conn.Write(p)
	}
	end := bytes.Index(p, headEnd)
	if end < 0 || bytes.Contains(p[:end+2], cspLine) {
		return c.Conn.Write(p)
	}
	eol := bytes.Index(p, []byte("\r\n"))
	var b bytes.Buffer
	b.Write(p[:eol+2])
	c.writeHeaders(&b)
	b.Write(p[eol+2:])
	if _, err := c.Conn.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ErrorHeaders are the headers for responses net/http writes itself: the
// public header set with the current site's CSP.
func (p *Public) ErrorHeaders() http.Header {
	h := http.Header{}
	for k, v := range publicHeaders {
		h[k] = v
	}
	h["Content-Security-Policy"] = p.site().cspHeader
	if p.hsts {
		h["Strict-Transport-Security"] = hstsValue
	}
	return h
}
