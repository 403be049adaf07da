package handlers

// Worst-case requests against a normal one (issue 16): each must cost at
// most about twice a normal request. BenchmarkWorstCase measures the
// handler; BenchmarkWorstCaseWire a real net/http server on loopback with
// the public listener's connection limiter, where header parsing happens.
// bench/run runs the same cases with wrk and prints the ratios.

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/bench/scalegen"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

var (
	scaleOnce sync.Once
	scaleSite *pages.Site
	scaleErr  error
)

// scale10k is the demo with 10,000 generated venues.
func scale10k(b *testing.B) *pages.Site {
	scaleOnce.Do(func() {
		path := filepath.Join(b.TempDir(), "scale.toml")
		if scaleErr = os.WriteFile(path, scalegen.Config(10000), 0o600); scaleErr != nil {
			return
		}
		scaleSite, scaleErr = pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: path})
	})
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaleSite
}

func BenchmarkWorstCase(b *testing.B) {
	quiet := PublicOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	run := func(b *testing.B, h http.Handler, reqs []*http.Request) {
		w := &discard{h: http.Header{}}
		for _, r := range reqs[:min(len(reqs), 64)] { // warm what a normal visitor warms
			h.ServeHTTP(w, r)
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, reqs[i%len(reqs)])
			i++
		}
	}
	get := func(path string, hdr ...string) *http.Request {
		r, _ := http.NewRequest("GET", path, nil)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		for k := 0; k+1 < len(hdr); k += 2 {
			r.Header.Set(hdr[k], hdr[k+1])
		}
		return r
	}
	demoH := PublicRouter(NewPublic(demo(b), quiet))
	b.Run("normal", func(b *testing.B) {
		run(b, demoH, []*http.Request{get("/K7Q2M", "Accept-Language", "ar,en;q=0.8")})
	})
	b.Run("acceptlang-4KB-crafted", func(b *testing.B) {
		var reqs []*http.Request
		for i := range 4096 {
			reqs = append(reqs, get("/K7Q2M", "Accept-Language", scalegen.CraftedAcceptLanguage(i)))
		}
		run(b, demoH, reqs)
	})
	b.Run("kiosk-uncached-10k-venues", func(b *testing.B) {
		s := scale10k(b)
		h := PublicRouter(NewPublic(s, quiet))
		var reqs []*http.Request
		for i := range 10000 {
			reqs = append(reqs, get("/"+scalegen.Code(i)+"/kiosk/"+s.Locales[i%len(s.Locales)].ID))
		}
		run(b, h, reqs)
	})
}

// BenchmarkWorstCaseWire sends requests over loopback to a real server
// with the public listener's connection limiter, one keep-alive
// connection (a refused request reconnects).
func BenchmarkWorstCaseWire(b *testing.B) {
	p := NewPublic(demo(b), PublicOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	lim := NewConnLimiter(ConnOptions{Max: 1000, MaxHeaderLines: MaxHeaderLines, Headers: p.ErrorHeaders})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: PublicRouter(p), ConnState: lim.ConnState, MaxHeaderBytes: 16 << 10,
		ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go srv.Serve(lim.Listener(ln))
	b.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	normal := "GET /K7Q2M HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nAccept-Language: ar,en;q=0.8\r\n\r\n"
	var many strings.Builder
	many.WriteString("GET /K7Q2M HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n")
	for i := range 1400 {
		fmt.Fprintf(&many, "a%d:b\r\n", i)
	}
	many.WriteString("\r\n")
	for _, c := range []struct{ name, req string }{
		{"normal", normal},
		{"normal-new-connection", strings.Replace(normal, "Host: x\r\n", "Host: x\r\nConnection: close\r\n", 1)},
		{"acceptlang-4KB-crafted", "GET /K7Q2M HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nAccept-Language: " + scalegen.CraftedAcceptLanguage(1) + "\r\n\r\n"},
		{"headers-1400-tiny", many.String()},
	} {
		b.Run(c.name, func(b *testing.B) {
			var conn net.Conn
			var br *bufio.Reader
			b.ResetTimer()
			for b.Loop() {
				if conn == nil {
					if conn, err = net.Dial("tcp", addr); err != nil {
						b.Fatal(err)
					}
					br = bufio.NewReader(conn)
				}
				io.WriteString(conn, c.req)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					conn.Close()
					conn = nil
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.Close {
					conn.Close()
					conn = nil
				}
			}
			if conn != nil {
				conn.Close()
			}
		})
	}
}
