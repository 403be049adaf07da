package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"
)

// loopbackDNS answers every A question with 127.0.0.1 and nothing else, so
// that the ACME test server's validation of travel-info.example reaches
// our own listener and nothing off this machine.
func loopbackDNS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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
	t.Cleanup(func() { srv.Shutdown() })
	return ln.Addr().String()
}

// pebble runs Let's Encrypt's ACME test server in-process on loopback. It
// validates for real: TLS-ALPN-01 on tlsPort and HTTP-01 on httpPort of
// whatever loopbackDNS answers. It returns the directory URL, a PEM file
// to trust for it, and the root that its certificates chain to.
func pebble(t *testing.T, httpPort, tlsPort int, validitySeconds uint64) (directory, caRootFile string, roots *x509.CertPool) {
	t.Helper()
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	logger := log.New(io.Discard, "", 0)
	if testing.Verbose() {
		logger = log.New(os.Stderr, "pebble ", log.LstdFlags)
	}
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "default", ValidityPeriod: validitySeconds}})
	validator := va.New(logger, httpPort, tlsPort, false, loopbackDNS(t), store)
	front := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(front.Handler())
	t.Cleanup(srv.Close)
	caRootFile = filepath.Join(t.TempDir(), "acme-server.pem")
	os.WriteFile(caRootFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
	roots = x509.NewCertPool()
	roots.AddCert(authority.GetRootCert(0).Cert)
	return srv.URL + wfe.DirectoryPath, caRootFile, roots
}

// `waymark serve --domain` gets a certificate from a real ACME server
// (validated over TLS-ALPN-01 against its own listener), serves the pages
// over HTTPS with HTTP/2, redirects plain HTTP to its own name, sends no
// HSTS unless asked, and keeps its keys in the data folder, readable by
// its owner only.
func TestServeDomainObtainsCertificateOverACME(t *testing.T) {
	httpsPort, httpPort := freeTCPPort(t), freeTCPPort(t)
	directory, caRoot, roots := pebble(t, httpPort, httpsPort, 0)
	dataDir := filepath.Join(t.TempDir(), "data")

	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--domain", "travel-info.example",
			"--https-addr", net.JoinHostPort("127.0.0.1", itoa(httpsPort)), "--http-addr", net.JoinHostPort("127.0.0.1", itoa(httpPort)),
			"--admin-addr", "127.0.0.1:0", "--data-dir", dataDir,
			"--acme-directory", directory, "--acme-ca-root", caRoot}, io.Discard, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})

	// A phone: it knows the name, trusts the CA, and speaks HTTP/2.
	dial := &net.Dialer{Timeout: 5 * time.Second}
	phone := &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: "travel-info.example"},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dial.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", itoa(httpsPort)))
		},
	}}
	base := "https://travel-info.example:" + itoa(httpsPort)
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err = phone.Get(base + "/K7Q2M"); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		default:
		}
	}
	if err != nil {
		t.Fatalf("no page over HTTPS: %v\n%s", err, stderr.String())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("<html")) {
		t.Errorf("GET /K7Q2M over HTTPS: %d %.200s", resp.StatusCode, body)
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", resp.Proto)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS sent without --hsts: %q", h)
	}
	if leaf := resp.TLS.PeerCertificates[0]; leaf.Issuer.CommonName == "" || !strings.Contains(leaf.Issuer.CommonName, "Pebble") {
		t.Errorf("certificate issued by %q, want the ACME test server", leaf.Issuer.CommonName)
	}

	// Plain HTTP redirects to the configured name, never to the Host header.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:"+itoa(httpPort)+"/K7Q2M/ar?x=1", nil)
	req.Host = "evil.example"
	r2, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if want := base + "/K7Q2M/ar?x=1"; r2.StatusCode != http.StatusMovedPermanently || r2.Header.Get("Location") != want {
		t.Errorf("plain HTTP: %d to %q, want 301 to %q", r2.StatusCode, r2.Header.Get("Location"), want)
	}

	// The container health check works against the redirecting listener,
	// without following it off this machine.
	if code := run(context.Background(), []string{"healthcheck", "--addr", "127.0.0.1:" + itoa(httpPort), "--data-dir", dataDir}, io.Discard, io.Discard); code != 0 {
		t.Errorf("healthcheck against --http-addr: exit %d", code)
	}

	// Keys and certificates: in the data folder, for the owner only.
	dir := filepath.Join(dataDir, acmeFolder)
	var files int
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		info, _ := d.Info()
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if files < 2 {
		t.Errorf("%d files in %s, want the account key and the certificate", files, dir)
	}
	if strings.Contains(stderr.String(), "127.0.0.1:") && strings.Contains(stderr.String(), "remote") {
		t.Errorf("the log names a client:\n%s", stderr.String())
	}
}

func TestServeDomainNeedsDataDirAndPlainName(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--domain", "travel-info.example", "--https-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"},
		{"serve", "--domain", "https://travel-info.example", "--data-dir", t.TempDir(), "--admin-addr", "127.0.0.1:0"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "--") {
			t.Errorf("%v: exit %d, %s", args, code, stderr.String())
		}
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A certificate is renewed before it expires, with no restart: with a
// 9-second certificate, renewal is due after about 6 seconds, and new
// connections then get a new certificate.
func TestServeDomainRenewsCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a renewal")
	}
	httpsPort, httpPort := freeTCPPort(t), freeTCPPort(t)
	directory, caRoot, roots := pebble(t, httpPort, httpsPort, 9)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--domain", "travel-info.example",
			"--https-addr", net.JoinHostPort("127.0.0.1", itoa(httpsPort)), "--http-addr", net.JoinHostPort("127.0.0.1", itoa(httpPort)),
			"--admin-addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
			"--acme-directory", directory, "--acme-ca-root", caRoot}, io.Discard, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	// A new connection each time, as each phone makes.
	serial := func() (string, error) {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", net.JoinHostPort("127.0.0.1", itoa(httpsPort)),
			&tls.Config{RootCAs: roots, ServerName: "travel-info.example"})
		if err != nil {
			return "", err
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.String(), nil
	}
	var first string
	deadline := time.Now().Add(60 * time.Second)
	for ; time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		s, err := serial()
		if err != nil {
			continue
		}
		if first == "" {
			first = s
		} else if s != first {
			return // renewed, and the new certificate verifies
		}
	}
	t.Fatalf("first certificate %q never replaced within 60 s:\n%s", first, stderr.String())
}

// The key exchange a phone gets: one that offers the post-quantum hybrid
// beside X25519, as Chromium and Firefox do, gets X25519 (32 bytes in the
// server's first flight rather than 1,088: issue 26's 2G benchmark), and
// the hybrid with --tls-post-quantum.
func TestServeDomainKeyExchange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		want  tls.CurveID
	}{
		{"default", nil, tls.X25519},
		{"tls-post-quantum", []string{"--tls-post-quantum"}, tls.X25519MLKEM768},
	} {
		t.Run(tc.name, func(t *testing.T) {
			httpsPort, httpPort := freeTCPPort(t), freeTCPPort(t)
			directory, caRoot, roots := pebble(t, httpPort, httpsPort, 0)
			ctx, cancel := context.WithCancel(context.Background())
			var stderr lockedBuffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, append([]string{"serve", "--domain", "travel-info.example",
					"--https-addr", net.JoinHostPort("127.0.0.1", itoa(httpsPort)), "--http-addr", net.JoinHostPort("127.0.0.1", itoa(httpPort)),
					"--admin-addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
					"--acme-directory", directory, "--acme-ca-root", caRoot}, tc.flags...), io.Discard, &stderr)
			}()
			t.Cleanup(func() {
				cancel()
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Error("serve did not stop")
				}
			})
			phone := &tls.Config{RootCAs: roots, ServerName: "travel-info.example",
				// Key shares for both, so neither needs a HelloRetryRequest.
				CurvePreferences: []tls.CurveID{tls.X25519MLKEM768, tls.X25519}}
			var err error
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				var conn *tls.Conn
				conn, err = tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", net.JoinHostPort("127.0.0.1", itoa(httpsPort)), phone)
				if err == nil {
					st := conn.ConnectionState()
					conn.Close()
					if st.Version != tls.VersionTLS13 || st.CurveID != tc.want {
						t.Errorf("%s, key exchange %v; want TLS 1.3 and %v", tls.VersionName(st.Version), st.CurveID, tc.want)
					}
					return
				}
				select {
				case code := <-done:
					done <- code // for the clean-up
					t.Fatalf("serve exited with %d: %s", code, stderr.String())
				default:
				}
			}
			t.Fatalf("no handshake within 60 s: %v\n%s", err, stderr.String())
		})
	}
}
