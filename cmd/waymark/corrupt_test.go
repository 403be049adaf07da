package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A corrupt scan-count file is reported, naming the file, and the public
// site still serves help pages.
func TestServeWithCorruptScanFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "scans.db"), bytes.Repeat([]byte("not a database "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, admin := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--admin-addr", admin, "--data-dir", dir}, &stderr, &stderr)
	}()
	var resp *http.Response
	var err error
	// Start-up renders every page (about 3 s of CPU): on a loaded 2-core
	// CI machine that has taken over 5 s, so the wait is generous.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if resp, err = http.Get("http://" + addr + "/K7Q2M"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server did not answer: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("help page status %d, want 200", resp.StatusCode)
	}
	if log := stderr.String(); !strings.Contains(log, filepath.Join(dir, "scans.db")) {
		t.Errorf("log does not name the corrupt file:\n%s", log)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d", code)
	}
}
