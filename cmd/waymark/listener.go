package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
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
}

// listen opens a listener with timeouts and a header limit, so that slow
// or oversized requests cannot hold connections open.
func listen(addr string, h http.Handler) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{ln: ln, busy: map[net.Conn]struct{}{}}
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
		wg.Go(func() { errs[i] = l.srv.Shutdown(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
