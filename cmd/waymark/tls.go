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
	// The listener drops net/http's error log, which names clients; a
	// certificate that cannot be had must still reach the operator, so
	// errors for our own names are logged here, without the client.
	get := cfg.GetCertificate
	var lastLogged atomic.Int64
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		// A client that names no host, or an address (a monitoring probe,
		// a benchmark), gets the first domain's certificate rather than a
		// failed handshake.
		if hello.ServerName == "" || net.ParseIP(hello.ServerName) != nil {
			h := *hello
			h.ServerName = ds[0]
			hello = &h
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

	// The limiter caps connections here too, but it sits under TLS: it
	// cannot count header lines or add the privacy headers to net/http's
	// own error answers in encrypted bytes, so on HTTPS those two fall
	// back to net/http's header size bound (docs/privacy.md).
	https, err := listen(o.httpsAddr, h, limiter())
	if err != nil {
		return nil, err
	}
	https.srv.TLSConfig = cfg
	https.ln = tls.NewListener(https.ln, cfg)

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

	// Ask for the certificate at once rather than on the first scan, and
	// say when it is there.
	go func() {
		for _, d := range ds {
			if ctx.Err() != nil {
				return
			}
			hello := &tls.ClientHelloInfo{ServerName: d, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
			if _, err := m.GetCertificate(hello); err != nil {
				log.Error("no certificate yet; retried on the next HTTPS request", "domain", d, "error", err)
				continue
			}
			log.Info("certificate ready", "domain", d, "folder", dir)
		}
	}()
	return []*listener{https, plain}, nil
}
