package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"github.com/waymark/waymark/handlers"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// tlsOptions are the flags of the built-in HTTPS: one binary that gets and
// renews its own certificate over ACME (Let's Encrypt by default), for an
// NGO without anyone to run Caddy or nginx in front.
type tlsOptions struct {
	domain        string
	httpsAddr     string
	httpAddr      string
	acmeDirectory string
	acmeCARoot    string
	postQuantum   bool
}

// acmeFolder is where certificates and the ACME account key live, inside
// the data folder: files 0600, folder 0700.
const acmeFolder = "acme"

func (o *tlsOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.domain, "domain", "", "serve HTTPS for this domain (comma-separated for more than one) with a certificate obtained and renewed over ACME; the public site is then on --https-addr and --http-addr instead of --addr, and certificates are kept in --data-dir")
	fs.StringVar(&o.httpsAddr, "https-addr", ":443", "with --domain: address of the HTTPS listener")
	fs.StringVar(&o.httpAddr, "http-addr", ":80", "with --domain: address of the plain-HTTP listener, which answers ACME challenges and redirects everything else to HTTPS")
	fs.StringVar(&o.acmeDirectory, "acme-directory", autocert.DefaultACMEDirectory, "with --domain: the ACME directory (Let's Encrypt by default; using it accepts its subscriber agreement)")
	fs.StringVar(&o.acmeCARoot, "acme-ca-root", "", "with --domain: PEM file of the certificate authority to trust for the ACME directory, for a private ACME server")
	fs.BoolVar(&o.postQuantum, "tls-post-quantum", false, "with --domain: agree on the hybrid post-quantum key exchange (X25519MLKEM768) with phones that offer it, so that a recording of today's traffic stays unreadable to a future quantum computer; it adds about 1 KB to the server's first reply, tens of milliseconds on a 2G link (docs/privacy.md). Off: X25519, as Debian 12's nginx does")
}

// curvePreferences are the key exchanges the HTTPS listener agrees on.
// Go's server always picks a post-quantum hybrid when the phone offers one
// and the list allows it (the list's order is ignored), and current
// Chromium and Firefox offer X25519MLKEM768 beside X25519. So
// X25519 first means leaving the hybrids out: the ServerHello's key share
// is then 32 bytes instead of 1,088, which on a 2G link is one segment
// and tens of milliseconds less before the emergency number is painted.
// With --tls-post-quantum, Go's own default (the hybrids first).
func (o *tlsOptions) curvePreferences() []tls.CurveID {
	if o.postQuantum {
		return nil
	}
	return []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521}
}

// domains returns the configured names, lower-cased.
func (o *tlsOptions) domains() ([]string, error) {
	var out []string
	for d := range strings.SplitSeq(o.domain, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, ":/ ") || net.ParseIP(d) != nil || !strings.Contains(d, ".") {
			return nil, fmt.Errorf("--domain %q: want a domain name such as travel-info.example, without scheme or port", d)
		}
		out = append(out, d)
	}
	return out, nil
}

// baseURL is the public origin: with --domain and no --base-url of its
// own, the domain over HTTPS.
func (o *tlsOptions) baseURL(flagValue, flagDefault string) string {
	if flagValue != flagDefault {
		return flagValue
	}
	if origin := o.origin(); origin != "" {
		return origin
	}
	return flagValue
}

// origin is https:// and the first domain, with the port when it is not
// 443; empty without --domain.
func (o *tlsOptions) origin() string {
	ds, err := o.domains()
	if err != nil || len(ds) == 0 {
		return ""
	}
	u := "https://" + ds[0]
	if _, port, err := net.SplitHostPort(o.httpsAddr); err == nil && port != "443" {
		u += ":" + port
	}
	return u
}

// publicListeners opens the public site's listeners: one plain listener on
// addr, or, with --domain, HTTPS (HTTP/2 and HTTP/1.1) and the redirecting
// plain-HTTP listener.
func (o *tlsOptions) publicListeners(ctx context.Context, addr string, h http.Handler, dataDir string, log *slog.Logger, limiter func() *handlers.ConnLimiter) ([]*listener, error) {
	ds, err := o.domains()
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		l, err := listen(addr, h, limiter())
		if err != nil {
			return nil, err
		}
		return []*listener{l}, nil
	}
	if dataDir == "" {
		return nil, errors.New("--domain keeps its certificate and ACME account in the data folder: set --data-dir (without it every restart would ask the certificate authority again, and soon hit its rate limits)")
	}
	client := &acme.Client{DirectoryURL: o.acmeDirectory}
	if o.acmeCARoot != "" {
		pem, err := os.ReadFile(o.acmeCARoot)
		if err != nil {
			return nil, fmt.Errorf("--acme-ca-root: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--acme-ca-root %s: no PEM certificate in it", o.acmeCARoot)
		}
		client.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	}
	dir := filepath.Join(dataDir, acmeFolder)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(dir),
		HostPolicy: autocert.HostWhitelist(ds...),
		Client:     client,
	}
	cfg := m.TLSConfig()
	cfg.MinVersion = tls.VersionTLS12
	cfg.CurvePreferences = o.curvePreferences()
	// The listener drops net/http's error log, which names clients; a
	// certificate that cannot be had must still reach the operator, so
	// errors for our own names are logged here, without the client.
	get := cfg.GetCertificate
	var lastLogged atomic.Int64
	orders := newOrders(m, log, dir)
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		// A client that names no host, or an address (a monitoring probe,
		// a benchmark), gets the first domain's certificate rather than a
		// failed handshake.
		if hello.ServerName == "" || net.ParseIP(hello.ServerName) != nil {
			h := *hello
			h.ServerName = ds[0]
			hello = &h
		}
		// Until a name has its certificate, a handshake fails at once
		// rather than wait up to 5 minutes for an ACME order; one order
		// per name runs at a time (orders). The ACME server's own
		// TLS-ALPN-01 challenge is always answered.
		name := strings.ToLower(hello.ServerName)
		if !slices.Contains(hello.SupportedProtos, acme.ALPNProto) && slices.Contains(ds, name) && !orders.ready(name) {
			return nil, fmt.Errorf("no certificate for %s yet: ordering one", name)
		}
		c, err := get(hello)
		// Once a minute at most: every scan would repeat it.
		if err != nil && slices.Contains(ds, strings.ToLower(hello.ServerName)) {
			if now := time.Now().Unix(); now-lastLogged.Load() >= 60 && lastLogged.Swap(now) != now {
				log.Error("no certificate", "domain", hello.ServerName, "error", err)
			}
		}
		return c, err
	}

	// The limiter caps connections under TLS; above it, on the decrypted
	// bytes of HTTP/1, it counts header lines, refuses bodies and gives
	// net/http's own errors the privacy headers (tlsListener).
	lim := limiter()
	https, err := listen(o.httpsAddr, h, lim)
	if err != nil {
		return nil, err
	}
	https.srv.TLSConfig = cfg
	https.ln = newTLSListener(https.ln, cfg, lim)

	redirect := m.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// To our own name, never to the Host header a client chose.
		target := o.origin() + r.URL.RequestURI()
		w.Header().Set("Location", target)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusMovedPermanently)
	}))
	plain, err := listen(o.httpAddr, redirect, limiter())
	if err != nil {
		https.ln.Close()
		return nil, err
	}

	// Ask for the certificates at once rather than on the first scan.
	for _, d := range ds {
		orders.ready(d)
	}
	return []*listener{https, plain}, nil
}

// orders gets each name's certificate in the background, one ACME order
// per name at a time, and at most one a minute after a failure (a flood of
// handshakes must not become a flood of orders).
type orders struct {
	m   *autocert.Manager
	log *slog.Logger
	dir string

	mu    sync.Mutex
	state map[string]*order
}

type order struct {
	ok       bool
	running  bool
	lastFail time.Time
}

func newOrders(m *autocert.Manager, log *slog.Logger, dir string) *orders {
	return &orders{m: m, log: log, dir: dir, state: map[string]*order{}}
}

// ready reports whether name has its certificate; if not, it starts an
// order unless one is running or one failed in the last minute.
func (o *orders) ready(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	st := o.state[name]
	if st == nil {
		st = &order{}
		o.state[name] = st
	}
	if st.ok {
		return true
	}
	if st.running || time.Since(st.lastFail) < time.Minute {
		return false
	}
	st.running = true
	go func() {
		// autocert renews a certificate it has by itself; this only
		// gets the first one (from the cache folder, or by an order).
		hello := &tls.ClientHelloInfo{ServerName: name, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
		_, err := o.m.GetCertificate(hello)
		o.mu.Lock()
		st.running, st.ok = false, err == nil
		if err != nil {
			st.lastFail = time.Now()
		}
		o.mu.Unlock()
		if err != nil {
			o.log.Error("no certificate yet; HTTPS handshakes fail until there is one, and it is ordered again within a minute of the next", "domain", name, "error", err)
			return
		}
		o.log.Info("certificate ready", "domain", name, "folder", o.dir)
	}()
	return false
}

// tlsListener does the TLS handshakes itself, beside the accept loop and
// bounded in time, so that it can hand net/http an HTTP/1 connection
// wrapped by the limiter above TLS (ConnLimiter.OverTLS); an HTTP/2 one
// goes as it is (HPACK and MaxHeaderBytes bound its headers).
type tlsListener struct {
	net.Listener
	cfg   *tls.Config
	lim   *handlers.ConnLimiter
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// handshakeTimeout bounds a handshake: a client that stalls in it holds a
// connection, and a person's phone completes one in well under a second.
const handshakeTimeout = 10 * time.Second

func newTLSListener(inner net.Listener, cfg *tls.Config, lim *handlers.ConnLimiter) net.Listener {
	l := &tlsListener{Listener: inner, cfg: cfg, lim: lim, conns: make(chan net.Conn), done: make(chan struct{})}
	go l.acceptLoop()
	return l
}

func (l *tlsListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if errors.Is(err, net.ErrClosed) {
			l.Close()
			return
		}
		if err != nil {
			// Out of descriptors and the like: net/http would wait too.
			select {
			case <-l.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		go func() {
			tc := tls.Server(c, l.cfg)
			ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
			defer cancel()
			if err := tc.HandshakeContext(ctx); err != nil {
				tc.Close()
				return
			}
			var out net.Conn = tc
			if tc.ConnectionState().NegotiatedProtocol != "h2" {
				out = l.lim.OverTLS(tc, c)
			}
			select {
			case l.conns <- out:
			case <-l.done:
				tc.Close()
			}
		}()
	}
}

func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *tlsListener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
	})
	return err
}
