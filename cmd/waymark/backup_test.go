package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark/waymark/stats"
)

// `waymark backup` copies the scan counts while the server runs and counts:
// every copy opens as a counts file, holds whole flushes only (never more
// scans than were made, never fewer than an earlier copy), and restoring
// the last one after a stop gives back every scan.
func TestBackupWhileServing(t *testing.T) {
	clearServeEnv(t)
	dataDir := t.TempDir()
	s := startServe(t, "--data-dir", dataDir, "--flush-interval", "100ms")

	var scans atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(s.public + "/K7Q2M")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				scans.Add(1)
			}
		})
	}
	out := t.TempDir()
	var last uint64
	for i := range 6 {
		time.Sleep(150 * time.Millisecond)
		file := filepath.Join(out, "scans-"+itoa(i)+".db")
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"backup", "--data-dir", dataDir, "-o", file}, &stdout, &stderr); code != 0 {
			t.Fatalf("backup %d: exit %d: %s", i, code, stderr.String())
		}
		n := restoredScans(t, file)
		if n < last || n > uint64(scans.Load()) {
			t.Errorf("backup %d holds %d scans; the one before held %d, and %d were made", i, n, last, scans.Load())
		}
		last = n
		if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
			t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	close(stop)
	wg.Wait()
	if last == 0 {
		t.Error("no backup held any scan")
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	final := filepath.Join(out, "final.db")
	if code := run(context.Background(), []string{"backup", "--data-dir", dataDir, "-o", final}, io.Discard, io.Discard); code != 0 {
		t.Fatal("backup after stop failed")
	}
	if n := restoredScans(t, final); n != uint64(scans.Load()) {
		t.Errorf("backup after a clean stop holds %d scans, %d were made", n, scans.Load())
	}
}

func TestBackupErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no data yet": {"backup", "--data-dir", t.TempDir(), "-o", filepath.Join(t.TempDir(), "x.db")},
		"no output":   {"backup", "--data-dir", t.TempDir()},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, io.Discard, &stderr); code == 0 {
			t.Errorf("%s: exit 0", name)
		} else if strings.Contains(stderr.String(), "panic") {
			t.Errorf("%s: %s", name, stderr.String())
		}
	}
}

// restoredScans restores a backup as docs/deploy.md says (copy it to
// DATA/scans.db) and reads K7Q2M's scans from it.
func restoredScans(t *testing.T, backup string) uint64 {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, stats.FileName), b, 0o600)
	st, err := stats.OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	rows, err := st.Daily("", "")
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, r := range rows {
		if r.Code == "K7Q2M" {
			n += r.Count
		}
	}
	return n
}

// The container's health check fails when the data folder cannot be
// written, though the pages still answer: scan counts and certificate
// renewals would be lost without a sign.
func TestHealthcheckFailsWhenDataFolderCannotBeWritten(t *testing.T) {
	clearServeEnv(t)
	dataDir := t.TempDir()
	s := startServe(t, "--data-dir", dataDir)
	addr := strings.TrimPrefix(s.public, "http://")
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o600)
	for _, c := range []struct {
		dir  string
		want int
	}{
		{dataDir, 0},
		{"/proc", 1}, // not writable even by root
		{file, 1},
		{filepath.Join(dataDir, "missing"), 1},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), []string{"healthcheck", "--addr", addr, "--data-dir", c.dir}, io.Discard, &stderr); code != c.want {
			t.Errorf("healthcheck --data-dir %s: exit %d, want %d (%s)", c.dir, code, c.want, stderr.String())
		}
	}
	if entries, _ := os.ReadDir(dataDir); len(entries) != 1 {
		t.Errorf("healthcheck left files in the data folder: %v", entries)
	}
}
