// Command floor serves one saved response (body and headers, as bench/run
// saves them from waymark) with nothing but Go's net/http: no router, no
// middleware, no negotiation. It is the floor under `waymark serve` on the
// same machine, so that bench/run can tell what net/http itself costs and
// what Waymark adds.
//
// With -raw it answers with its own minimal HTTP/1.1 loop instead, writing
// each response (status line, headers, body) in one write(2): an
// experiment that measures what net/http's two writes per response cost
// (its connection buffer is 4 KiB; headers and a 6.5 KB page exceed it).
// It is not a server anyone should deploy. Benchmark tooling only.
package main

import (
	"bufio"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	bodyFile := flag.String("body", "", "response body")
	headerFile := flag.String("headers", "", "response headers, as `curl -D` writes them")
	raw := flag.Bool("raw", false, "serve with a minimal HTTP/1.1 loop that writes each response at once (experiment)")
	split := flag.Int("split", 0, "with -raw: write the first N bytes of each response, then the rest, as net/http does with N=4096")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(*headerFile)
	if err != nil {
		log.Fatal(err)
	}
	r := textproto.NewReader(bufio.NewReader(f))
	if _, err := r.ReadLine(); err != nil { // status line
		log.Fatal(err)
	}
	mh, err := r.ReadMIMEHeader()
	if err != nil {
		log.Fatal(err)
	}
	f.Close()
	header := http.Header(mh)
	header.Del("Date")
	header.Set("Content-Length", strconv.Itoa(len(body)))
	keys := make([]string, 0, len(header))
	for k := range header {
		keys = append(keys, k)
	}

	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.HasPrefix(req.URL.Path, "/") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		wh := w.Header()
		for _, k := range keys {
			wh[k] = header[k]
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *raw {
		slog.New(slog.NewTextHandler(os.Stderr, nil)).Info("serving", "addr", ln.Addr().String(), "mode", "raw")
		serveRaw(ln, header, keys, body, *split)
		return
	}
	// The same timeouts as cmd/waymark/serve.go's newServer.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
	slog.New(slog.NewTextHandler(os.Stderr, nil)).Info("serving", "addr", ln.Addr().String())
	log.Fatal(srv.Serve(ln))
}

// serveRaw answers every request on ln with the saved response, formatted
// once; only the Date header is refreshed, once a second.
func serveRaw(ln net.Listener, header http.Header, keys []string, body []byte, split int) {
	var head strings.Builder
	head.WriteString("HTTP/1.1 200 OK\r\n")
	for _, k := range keys {
		for _, v := range header[k] {
			head.WriteString(k + ": " + v + "\r\n")
		}
	}
	prefix := head.String()
	var resp atomic.Pointer[[]byte]
	build := func() {
		b := []byte(prefix + "Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n\r\n")
		b = append(b, body...)
		resp.Store(&b)
	}
	build()
	go func() {
		for range time.Tick(time.Second) {
			build()
		}
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			br := bufio.NewReaderSize(c, 4<<10)
			for {
				c.SetReadDeadline(time.Now().Add(60 * time.Second))
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				req.Body.Close()
				b := *resp.Load()
				if split > 0 && split < len(b) {
					if _, err := c.Write(b[:split]); err != nil {
						return
					}
					b = b[split:]
				}
				if _, err := c.Write(b); err != nil || req.Close {
					return
				}
			}
		}()
	}
}
