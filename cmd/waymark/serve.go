package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/stats"
)

// serveConfig is everything `waymark serve` reads from flags and the
// environment.
type serveConfig struct {
	addr, adminAddr, baseURL string
	data                     *dataFlags
	dataDir, scans           string
	flushEvery               time.Duration
	dev, hsts                bool
	logLevel                 string
	adminHosts               string
	tls                      tlsOptions
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flags("serve", "", stderr)
	fs.StringVar(&c.addr, "addr", ":8080", "address of the public listener")
	fs.StringVar(&c.adminAddr, "admin-addr", "127.0.0.1:8081", "address of the staff listener (posters, QR codes, statistics); loopback unless WAYMARK_ADMIN_TOKEN is set")
	fs.StringVar(&c.adminHosts, "admin-hosts", "", "extra host names the staff listener answers to, comma-separated (it always answers to its --admin-addr host, localhost and loopback addresses; other names are refused against DNS rebinding)")
	fs.StringVar(&c.baseURL, "base-url", "http://localhost:8080", "public origin used in QR codes and printed addresses, e.g. https://example.org")
	c.data = addDataFlags(fs)
	fs.BoolVar(&c.dev, "dev", false, "read templates and locales from ./assets and ./locales and reload on change (for translators)")
	fs.BoolVar(&c.hsts, "hsts", false, "send Strict-Transport-Security on the public listener (see docs/privacy.md before enabling)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error; no level logs personal data")
	fs.StringVar(&c.dataDir, "data-dir", "", "folder for the scan counts file (default: waymark-data beside --config; the demo and --dev keep counts in memory; \"off\" keeps them in memory only)")
	fs.StringVar(&c.scans, "scans", "", "where scan counts are added up: bbolt:DIR (a file in DIR, the default with --data-dir) or postgres://user:password@host/database, shared by every copy of the server (docs/scaling.md)")
	fs.DurationVar(&c.flushEvery, "flush-interval", stats.DefaultFlushInterval, "how often scan counts are written to disk or the database; a crash loses at most this much")
	c.tls.register(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	c.baseURL = c.tls.baseURL(c.baseURL, fs.Lookup("base-url").DefValue)
	token, tokenSet := os.LookupEnv("WAYMARK_ADMIN_TOKEN")
	if tokenSet {
		if err := handlers.CheckToken(token); err != nil {
			return err
		}
	}
	if !isLoopback(c.adminAddr) && token == "" {
		return fmt.Errorf("--admin-addr %s is not a loopback address: set WAYMARK_ADMIN_TOKEN to protect the staff pages, or bind to 127.0.0.1 and use an SSH tunnel", c.adminAddr)
	}
	if _, err := qr.Payload(c.baseURL, "TEST"); err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	log, err := newLogger(stderr, c.logLevel)
	if err != nil {
		return err
	}
	if c.dev {
		for _, dir := range []string{"locales", "assets"} {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("--dev reads ./locales and ./assets: run it from the repository's root folder (no ./%s here)", dir)
			}
		}
	}
	src := c.data.sources(c.dev)
	// With --dev, the watcher takes its first snapshot before the first
	// load, so that an edit saved while the pages render is not missed.
	var changed <-chan struct{}
	if c.dev {
		changed = watch(ctx, watchedPaths(c.data), time.Second)
	}
	s, err := loadCtx(ctx, src)
	if err != nil && ctx.Err() != nil {
		// Told to stop (SIGTERM, Ctrl-C) before it could serve: a stop
		// as asked, not a failure.
		log.Info("stopped while loading")
		return nil
	}
	if err != nil {
		return err
	}
	// Loading a large config allocates several times what it keeps (the
	// TOML decoder's work, every page rendered and compressed); hand that
	// back to the system now rather than over the next minutes, so that
	// the resident size is what the site needs.
	debug.FreeOSMemory()
	// And after a flood, likewise (memory.go).
	go returnMemory(ctx, 2*time.Second)
	// Counting is for staff; help pages must not depend on it. An unusable
	// file is tried again with back-off, and what cannot reach it by
	// shutdown is saved to a fresh file beside it.
	st, err := openScans(c.scans, dataDir(c.dataDir, c.data.config, c.dev), log)
	if err != nil {
		return err
	}
	st.ExpectVenues(len(s.Config.Venues))
	metrics := handlers.NewMetrics(st)
	public := handlers.NewPublic(s, handlers.PublicOptions{Log: log, HSTS: c.hsts, Metrics: metrics, BaseURL: c.baseURL, KioskBudget: true,
		Scanned: func(code string) { st.Inc(code, time.Now()) },
		Viewed:  func(lesson string) { st.Inc(stats.LessonCode(lesson), time.Now()) }})
	var printer poster.Printer
	defer printer.Close()
	fonts, err := c.data.posterFonts(src.Assets)
	if err != nil {
		return err
	}
	staff := handlers.NewStaff(handlers.StaffOptions{Site: public.Site, Assets: src.Assets, BaseURL: c.baseURL,
		Token: token, Printer: &printer, Fonts: fonts, Stats: st, Metrics: metrics, Log: log})
	pubMax, staffMax := connCaps()
	pubLimiter := func() *handlers.ConnLimiter {
		return handlers.NewConnLimiter(handlers.ConnOptions{
			Max: pubMax, MaxHeaderLines: handlers.MaxHeaderLines, Headers: public.ErrorHeaders})
	}
	// One plain listener, or HTTPS and its redirect with --domain (tls.go).
	pubs, err := c.tls.publicListeners(ctx, c.addr, handlers.PublicRouter(public), dataDir(c.dataDir, c.data.config, c.dev), log, pubLimiter)
	if err != nil {
		return err
	}
	admin, err := listen(c.adminAddr, handlers.GuardStaff(handlers.StaffRouter(staff),
		handlers.NewStaffHosts(c.adminAddr, strings.Split(c.adminHosts, ","))),
		handlers.NewConnLimiter(handlers.ConnOptions{Max: staffMax}))
	if err != nil {
		for _, l := range pubs {
			l.ln.Close()
		}
		return err
	}
	all := append(pubs, admin)
	var addrs []string
	for _, l := range pubs {
		addrs = append(addrs, l.ln.Addr().String())
	}
	log.Info("serving", "addr", strings.Join(addrs, " "), "admin_addr", admin.ln.Addr().String(), "config", s.Config.Source,
		"languages", len(s.Locales), "venues", len(s.Config.Venues), "scan_counts", cmp.Or(st.Path(), "memory only"))
	errc := make(chan error, len(all))
	for _, l := range all {
		go func() { errc <- l.serve() }()
	}
	flushCtx, stopFlush := context.WithCancel(context.Background())
	flushed := make(chan error, 1)
	go func() { flushed <- st.Run(flushCtx, c.flushEvery) }()
	defer func() {
		stopFlush()
		if err := <-flushed; err != nil {
			log.Error("writing scan counts at shutdown", "error", err)
		}
		st.Disconnect()
	}()

	// A reload runs beside the loop, so that SIGTERM is answered while it
	// reads; one at a time (its memory is that of one load), and a request
	// for another while it runs is done once after it.
	type reloadResult struct {
		s   *pages.Site
		err error
		why string
	}
	reloaded := make(chan reloadResult, 1)
	reloading, again := false, ""
	reload := func(why string) {
		if reloading {
			again = why
			return
		}
		reloading = true
		go func() {
			ns, err := pages.Load(src)
			reloaded <- reloadResult{ns, err, why}
		}()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case err := <-errc:
			return err
		case <-hup:
			reload("SIGHUP")
		case <-changed:
			reload("files changed")
		case r := <-reloaded:
			reloading = false
			if r.err != nil {
				log.Error("reload failed; still serving the previous version", "why", r.why, "error", r.err)
			} else {
				public.Swap(r.s)
				st.ExpectVenues(len(r.s.Config.Venues))
				log.Info("reloaded", "why", r.why, "venues", len(r.s.Config.Venues))
			}
			r.s = nil
			debug.FreeOSMemory() // as after the first load; a failed one allocated too
			if again != "" {
				why := again
				again = ""
				reload(why)
			}
		case <-ctx.Done():
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			// New connections are refused at once; requests under way,
			// even half-received ones, still get their answer.
			err := shutdown(sctx, all...)
			for range all {
				err = errors.Join(err, <-errc)
			}
			return err
		}
	}
}

// openScans opens where the scan counts go (--scans, else the bbolt file
// in dataDir) for the server. Counting is for staff; help pages must not
// depend on it: an unusable file or a database that is down is tried again
// with back-off while counts wait in memory, and what cannot reach it by
// shutdown is saved to a local file (see stats.Run). Only a --scans value
// that cannot be read stops the start.
func openScans(scans, dataDir string, log *slog.Logger) (*stats.Stats, error) {
	dir, pgURL, err := stats.ParseScans(scans, dataDir)
	if err != nil {
		return nil, err
	}
	var st *stats.Stats
	if pgURL != "" {
		st, err = stats.OpenPostgres(pgURL, dataDir)
		if st == nil {
			return nil, err
		}
		if err != nil {
			log.Error("scan counts database not usable yet; counting in memory and trying again with back-off", "error", err)
		}
	} else {
		st, err = stats.OpenRetrying(dir)
		if err != nil {
			log.Error("scan counts file unusable; counting in memory and trying the file again with back-off (at shutdown the counts go to a new file beside it)", "error", err)
		}
	}
	// Only counts of (day, venue) pairs are logged, never scans: a number
	// of scans logged at each retry would date them.
	st.OnFlushError = func(err error) {
		waiting, _ := st.Waiting()
		log.Error("writing scan counts; they wait in memory and are retried with back-off", "error", err, "waiting_counts", waiting)
	}
	// The callbacks run under the Stats lock: they must not call it.
	where := st.Path()
	st.OnRecovered = func(n int) {
		log.Info("scan counts written again after a failure", "counts", n, "to", where)
	}
	st.OnReopen = func(path string) {
		log.Info("scan counts file usable again; counts kept in memory written to it", "path", path)
	}
	st.OnSpillSent = func(im stats.Imported) {
		log.Info("scan counts saved at an earlier shutdown sent on to the database", "file", im.File, "counts", im.Counts, "already_there", im.Already)
	}
	return st, nil
}

// isLoopback reports whether a listen address only accepts local clients.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dataDir picks where scan counts live: the flag, else a folder beside a
// real config file; the demo keeps them in memory only, and so does --dev:
// a translator previews with the config in the source tree
// (site/demo.toml), and a waymark-data folder beside it would land in their
// working copy and, one day, in a commit.
func dataDir(flag, config string, dev bool) string {
	switch {
	case flag == "off":
		return ""
	case flag != "":
		return flag
	case dev:
		return ""
	case config != "":
		return filepath.Join(filepath.Dir(config), "waymark-data")
	}
	return ""
}

// sources chooses embedded files, or the folders on disk with --dev.
func watchedPaths(d *dataFlags) []string {
	paths := []string{"locales", "assets/templates", "assets/static"}
	for _, p := range []string{d.config, d.locales} {
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths
}

// watch polls modification times. Polling once a second is plenty for a
// translator pressing reload, and needs no platform-specific watcher.
func watch(ctx context.Context, paths []string, every time.Duration) <-chan struct{} {
	out := make(chan struct{}, 1)
	stamp := func() string {
		var s string
		for _, p := range paths {
			filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if info, err := d.Info(); err == nil {
					s += fmt.Sprint(path, info.ModTime().UnixNano(), info.Size())
				}
				return nil
			})
		}
		return s
	}
	last := stamp()
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if now := stamp(); now != last {
					last = now
					select {
					case out <- struct{}{}:
					default:
					}
				}
			}
		}
	}()
	return out
}

type discardHandler struct{ slog.Handler }

func (discardHandler) Enabled(context.Context, slog.Level) bool { return false }

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
