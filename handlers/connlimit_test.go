package handlers

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// limitedServer serves the real public router behind a ConnLimiter on
// loopback.
func limitedServer(t *testing.T, o ConnOptions) (*ConnLimiter, string) {
	t.Helper()
	p := NewPublic(demo(t), PublicOptions{Log: slog.New(slog.DiscardHandler)})
	if o.Headers == nil {
		o.Headers = p.ErrorHeaders
	}
	lim := NewConnLimiter(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: PublicRouter(p), ConnState: lim.ConnState, IdleTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go srv.Serve(lim.Listener(ln))
	t.Cleanup(func() { srv.Close() })
	return lim, ln.Addr().String()
}

// idleConn opens a connection, makes one request on it and leaves it idle.
func idleConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return c
}

// closed reports whether the server has closed c (within wait).
func closed(c net.Conn, wait time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(wait))
	var b [1]byte
	_, err := c.Read(b[:])
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}

// Near the cap, a new connection closes the longest-idle one, not a newer
// one, and the count never passes the cap.
func TestConnLimiterClosesLongestIdleFirst(t *testing.T) {
	lim, addr := limitedServer(t, ConnOptions{Max: 16, ShortIdle: time.Hour})
	var conns []net.Conn
	for range 14 { // high water mark: 16 - 16/8 = 14
		conns = append(conns, idleConn(t, addr))
		time.Sleep(2 * time.Millisecond)
	}
	for _, c := range conns {
		if closed(c, 10*time.Millisecond) {
			t.Fatal("a connection was closed below the high water mark")
		}
	}
	// Use the oldest again: it is no longer the longest idle.
	conns[0].SetReadDeadline(time.Time{})
	fmt.Fprintf(conns[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conns[0]), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	fresh := idleConn(t, addr) // answered, and conns[1] made room
	_ = fresh
	if !closed(conns[1], time.Second) {
		t.Error("the longest-idle connection was not closed for the new one")
	}
	if closed(conns[0], 50*time.Millisecond) || closed(conns[2], 50*time.Millisecond) {
		t.Error("a connection other than the longest-idle was closed")
	}
	if n := lim.Open(); n > 16 {
		t.Errorf("%d connections open, cap 16", n)
	}
}

// Past half the cap, idle connections close after ShortIdle instead of
// the server's IdleTimeout; below it they stay.
func TestConnLimiterShortensIdleTimeout(t *testing.T) {
	_, addr := limitedServer(t, ConnOptions{Max: 16, ShortIdle: 100 * time.Millisecond})
	few := []net.Conn{idleConn(t, addr), idleConn(t, addr)}
	if closed(few[0], 1500*time.Millisecond) {
		t.Fatal("with 2 of 16 connections open, an idle one was closed early")
	}
	var many []net.Conn
	for range 10 {
		many = append(many, idleConn(t, addr))
	}
	if !closed(few[0], 3*time.Second) {
		t.Error("with 12 of 16 connections open, an idle one stayed past the short idle timeout")
	}
}

// Header lines are counted across reads however the bytes arrive: a
// flood of headers sent in pieces of every size is cut at the same line,
// answered 431, and the connection serves the next request; requests
// with 64 headers, in pieces, are served.
func TestConnLimiterHeaderLinesAcrossReads(t *testing.T) {
	_, addr := limitedServer(t, ConnOptions{Max: 100, MaxHeaderLines: MaxHeaderLines})
	req := func(headers int, last bool) string {
		var b strings.Builder
		b.WriteString("GET /K7Q2M HTTP/1.1\r\nHost: x\r\n")
		for i := range headers - 1 { // Host is one
			fmt.Fprintf(&b, "h%d: v\r\n", i)
		}
		if last {
			b.WriteString("Connection: close\r\n")
		}
		b.WriteString("\r\n")
		return b.String()
	}
	for _, piece := range []int{1, 2, 3, 7, 64, 500, 4096} {
		raw := req(64, false) + req(1400, false) + req(1, true)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for len(raw) > 0 {
				n := min(piece, len(raw))
				if _, err := io.WriteString(c, raw[:n]); err != nil {
					return
				}
				raw = raw[n:]
				if piece < 64 && len(raw)%97 == 0 || piece >= 64 {
					time.Sleep(time.Millisecond)
				}
			}
		}()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		var codes []int
		for range 3 {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				break
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes = append(codes, resp.StatusCode)
		}
		c.Close()
		if fmt.Sprint(codes) != "[200 431 200]" {
			t.Errorf("pieces of %d bytes: statuses %v, want [200 431 200]", piece, codes)
		}
	}
}

// A connection that has been busy with one request for longer than Young
// (someone sending a body or reading an answer a byte at a time) is
// closed to make room before a visitor who has just connected and not yet
// sent their request; before, the newest visitors were closed while such
// connections held the cap (issue 22, finding 2).
func TestConnLimiterEvictsLongBusyBeforeYoung(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	lim := NewConnLimiter(ConnOptions{Max: 16, ShortIdle: time.Hour})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ConnState: lim.ConnState, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hold" {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			io.WriteString(w, "page")
		})}
	go srv.Serve(lim.Listener(ln))
	defer srv.Close()
	addr := ln.Addr().String()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	var held []net.Conn
	for range 12 {
		c := dial()
		fmt.Fprintf(c, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
		held = append(held, c)
	}
	time.Sleep(Young + 300*time.Millisecond)
	// Two visitors connect and have not yet sent their request; then more
	// connections arrive, past the high water mark (14).
	visitors := []net.Conn{dial(), dial()}
	for range 3 {
		dial()
		time.Sleep(20 * time.Millisecond)
	}
	for i, v := range visitors {
		fmt.Fprintf(v, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		v.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(v), nil)
		if err != nil {
			t.Errorf("visitor %d, connected after connections held busy: %v", i, err)
			continue
		}
		resp.Body.Close()
	}
	gone := 0
	for _, c := range held {
		if closed(c, 10*time.Millisecond) {
			gone++
		}
	}
	if gone == 0 {
		t.Error("no connection held busy for longer than Young was closed to make room")
	}
}
