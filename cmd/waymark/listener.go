package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/waymark/waymark/handlers"
)

// listener is one HTTP listener that can stop taking connections at once
// and still answer every request that had begun to arrive: a phone on a
// slow network may be halfway through its request when the server is told
// to stop, and net/http's Shutdown alone would drop it without an answer.
type listener struct {
	srv *http.Server
	ln  net.Listener

	mu   sync.Mutex
	busy map[net.Conn]struct{} // reading or serving a request
	lim  *handlers.ConnLimiter
}

// listen opens a listener with timeouts, a header limit and a connection
// limiter, so that slow, oversized or idle requests cannot hold
// connections open or take every file descriptor.
func listen(addr string, h http.Handler, lim *handlers.ConnLimiter) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{ln: lim.Listener(ln), busy: map[net.Conn]struct{}{}, lim: lim}
	l.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ConnState:         l.track,
		// net/http logs TLS and protocol errors with the client's address;
		// drop them: an address is personal data here.
		ErrorLog: slog.NewLogLogger(discardHandler{}, slog.LevelError),
	}
	return l, nil
}

func (l *listener) track(c net.Conn, s http.ConnState) {
	l.lim.ConnState(c, s)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s {
	case http.StateNew, http.StateActive:
		l.busy[c] = struct{}{}
	default:
		delete(l.busy, c)
	}
}

// serve answers requests until the listener is closed; that is no error.
func (l *listener) serve() error {
	err := l.srv.Serve(l.ln)
	if errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// stopAccepting refuses new connections from now on, and asks open ones
// to close after their current request.
func (l *listener) stopAccepting() {
	l.ln.Close()
	l.srv.SetKeepAlivesEnabled(false)
}

func (l *listener) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.busy) == 0
}

// shutdown stops several listeners together: first no new connections on
// any, then requests still arriving get their answer (at most until the
// header timeout), then the servers close, waiting for running handlers
// until ctx ends.
func shutdown(ctx context.Context, ls ...*listener) error {
	for _, l := range ls {
		l.stopAccepting()
	}
	wait := time.NewTimer(6 * time.Second) // ReadHeaderTimeout and a little
	defer wait.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
drain:
	for {
		all := true
		for _, l := range ls {
			all = all && l.idle()
		}
		if all {
			break
		}
		select {
		case <-tick.C:
		case <-wait.C:
			break drain
		case <-ctx.Done():
			break drain
		}
	}
	errs := make([]error, len(ls))
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Go(func() {
			// stopAccepting closed the listener already; Shutdown closes it
			// again if Serve has not yet returned, which is no error.
			if err := l.srv.Shutdown(ctx); !errors.Is(err, net.ErrClosed) {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// connCaps divides the process's file descriptors (RLIMIT_NOFILE) between
// the listeners, keeping some for the scan counts file, the browser that
// prints posters and the like: the public listener may hold seven eighths
// of the rest, at most 10,000 connections (about 27 KB each), and the
// staff listener one eighth, 8 to 256.
func connCaps() (public, staff int) {
	n := 1024
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil && rl.Cur > 0 && rl.Cur < 1<<30 {
		n = int(rl.Cur)
	}
	usable := max(n-64, 64)
	return min(usable-usable/8, 10000), min(max(usable/8, 8), 256)
}
