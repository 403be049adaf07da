// Command acmeserver runs Let's Encrypt's ACME test server (pebble)
// in-process on loopback, with a DNS server that answers every name with
// 127.0.0.1, so that `waymark serve --domain` can get a real certificate
// on a machine without a public name: bench/run tls uses it. Validation
// is real (TLS-ALPN-01 or HTTP-01 against the given ports); nothing
// leaves loopback.
//
//	acmeserver --tls-port 8443 --http-port 8080 --ca-root acme.pem
//
// It logs "msg=serving directory=URL" when ready, and writes to --roots
// the root that its certificates chain to.
package main

import (
	"encoding/pem"
	"flag"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"
)

func main() {
	tlsPort := flag.Int("tls-port", 443, "port the validator connects to for TLS-ALPN-01")
	httpPort := flag.Int("http-port", 80, "port the validator connects to for HTTP-01")
	caRoot := flag.String("ca-root", "acme-server.pem", "write the ACME server's own HTTPS certificate here (for --acme-ca-root)")
	roots := flag.String("roots", "acme-roots.pem", "write the root of the issued certificates here")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	os.Setenv("PEBBLE_VA_NOSLEEP", "1")
	os.Setenv("PEBBLE_WFE_NONCEREJECT", "0")

	dnsAddr, err := loopbackDNS()
	if err != nil {
		fail(err)
	}
	quiet := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	authority := ca.New(quiet, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "default"}})
	validator := va.New(quiet, *httpPort, *tlsPort, false, dnsAddr, store)
	front := wfe.New(quiet, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(front.Handler())
	defer srv.Close()
	if err := os.WriteFile(*caRoot, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		fail(err)
	}
	if err := os.WriteFile(*roots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: authority.GetRootCert(0).Cert.Raw}), 0o644); err != nil {
		fail(err)
	}
	slog.Info("serving", "directory", srv.URL+wfe.DirectoryPath, "dns", dnsAddr)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

// loopbackDNS answers every A question with 127.0.0.1, over TCP (as
// pebble's validator asks).
func loopbackDNS() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		for _, question := range q.Question {
			if question.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: question.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
					A:   net.IPv4(127, 0, 0, 1)})
			}
		}
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	return ln.Addr().String(), nil
}

func fail(err error) {
	slog.Error("acmeserver", "error", err)
	os.Exit(1)
}
