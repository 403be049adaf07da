// Command qrserve runs Waymark's staff router, exactly as `waymark serve`
// builds it, but with the per-client rate limit raised out of the way, so
// that `bench/run` can load-test the warm QR image route over real HTTP.
// The real staff listener allows 5 requests a second per client (burst 30),
// which is what it should do, and which makes it impossible to benchmark
// from one loopback address. Benchmark tooling only: never deploy this.
package main

import (
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	baseURL := flag.String("base-url", "http://localhost:8080", "public origin in QR codes (as waymark serve's default)")
	flag.Parse()
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	if err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	staff := handlers.NewStaff(handlers.StaffOptions{
		Site: func() *pages.Site { return s }, Assets: assets.FS(), BaseURL: *baseURL,
		Metrics: handlers.NewMetrics(nil), Log: logger,
		// The only difference from `waymark serve`: no effective limit.
		RateLimit: 1e9, RateBurst: 1 << 30,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The same timeouts as cmd/waymark/serve.go's newServer.
	srv := &http.Server{Handler: handlers.StaffRouter(staff), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second,
		MaxHeaderBytes: 16 << 10}
	logger.Info("serving", "addr", ln.Addr().String())
	log.Fatal(srv.Serve(ln))
}
