package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// runHealthcheck asks the local public listener for the generic page, for
// container health checks in images without a shell or curl, and checks
// that the data folder can still be written: a full disk or a volume gone
// read-only loses scan counts (and certificate renewals) silently.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("healthcheck", "", stderr)
	addr := fs.String("addr", ":8080", "address of the public listener to check (with serve --domain: its --http-addr, which answers with a redirect)")
	dataDir := fs.String("data-dir", "", "also fail unless this folder can be written (the serve command's --data-dir; the image sets WAYMARK_DATA_DIR=/data)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *dataDir != "" && *dataDir != "off" {
		if err := writable(*dataDir); err != nil {
			return fmt.Errorf("data folder %s cannot be written: %w", *dataDir, err)
		}
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v", *addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, "http://"+net.JoinHostPort(host, port)+"/", nil)
	if err != nil {
		return err
	}
	// Never follow a redirect: with --domain, the plain listener answers
	// 301 to the public name, which is no business of a local check.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusMovedPermanently {
		return fmt.Errorf("status %s", resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// writable writes, syncs and removes a small file in dir.
func writable(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a folder")
	}
	f, err := os.CreateTemp(dir, ".healthcheck-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString("ok\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
