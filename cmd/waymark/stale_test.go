package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `check` names every number whose verified date is over a year old, and
// --strict fails on it: the yearly re-check that docs/deploy.md asks for.
func TestCheckWarnsOnNumbersNotVerifiedForAYear(t *testing.T) {
	demo, err := os.ReadFile("../../site/demo.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Every number verified today, but one in 2020.
	today := regexp.MustCompile(`verified = \d{4}-\d{2}-\d{2}`).ReplaceAllString(string(demo), "verified = "+time.Now().Format("2006-01-02"))
	old := strings.Replace(today, "verified = ", "verified = 2020-02-03 # was ", 1)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "waymark.toml")
	os.WriteFile(cfg, []byte(old), 0o644)

	var out bytes.Buffer
	if code := run(context.Background(), []string{"check", "--config", cfg}, &out, io.Discard); code != 0 {
		t.Fatalf("check: exit %d\n%s", code, out.String())
	}
	if n := strings.Count(out.String(), "verified 2020-02-03 is more than 12 months ago"); n != 1 {
		t.Errorf("%d warnings about the old date, want 1:\n%s", n, out.String())
	}
	// Confirmed numbers, so that --strict fails on the date alone.
	confirmed := strings.ReplaceAll(old, "confirmed = false", "confirmed = true")
	os.WriteFile(cfg, []byte(confirmed), 0o644)
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "--config", cfg, "--strict"}, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "1 date to re-check") {
		t.Errorf("check --strict passed with a number not verified for years: %s", stderr.String())
	}

	// Only that number: the others were verified within the year.
	if strings.Count(out.String(), "more than 12 months ago") != 1 {
		t.Errorf("other numbers reported stale:\n%s", out.String())
	}
}
