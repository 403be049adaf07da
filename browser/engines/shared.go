package engines

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"
)

// One browser process per engine per test binary: starting WebKit under
// Xvfb or a Firefox profile costs seconds, and the machine has two cores.
var shared struct {
	mu      sync.Mutex
	started map[string]*startResult
	spent   map[string]time.Duration
}

type startResult struct {
	e   Engine
	err error
}

// Need returns the shared running engine name, starting it on first use.
// When the engine's package is not installed the test is skipped with a
// message naming the Debian package, except in CI (CI=true), where that
// is a failure: a check that quietly stops running proves nothing. Any
// other start error fails the test.
func Need(t testing.TB, name string) Engine {
	t.Helper()
	shared.mu.Lock()
	if shared.started == nil {
		shared.started = map[string]*startResult{}
	}
	r := shared.started[name]
	if r == nil {
		e, err := Start(context.Background(), name)
		r = &startResult{e, err}
		shared.started[name] = r
		if err == nil {
			t.Logf("%s: %s", name, e.Version())
		}
	}
	shared.mu.Unlock()
	if r.err != nil {
		if IsMissing(r.err) && os.Getenv("CI") != "true" {
			t.Skipf("%v (skipped here; in CI this fails)", r.err)
		}
		t.Fatalf("start %s: %v", name, r.err)
	}
	return r.e
}

// Each runs fn as a subtest per engine, named by the engine
// (TestExit/webkit), one engine after another.
func Each(t *testing.T, fn func(t *testing.T, e Engine)) {
	for _, name := range All {
		start := time.Now()
		t.Run(name, func(t *testing.T) { fn(t, Need(t, name)) })
		shared.mu.Lock()
		if shared.spent == nil {
			shared.spent = map[string]time.Duration{}
		}
		shared.spent[name] += time.Since(start)
		shared.mu.Unlock()
	}
}

// Spent is the time Each has spent in each engine's subtests (engine
// start included), for the log: the suite's cost per engine.
func Spent() map[string]time.Duration {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	out := map[string]time.Duration{}
	for k, v := range shared.spent {
		out[k] = v
	}
	return out
}

// CloseAll stops every engine Need started; TestMain calls it.
func CloseAll() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, r := range shared.started {
		if r.e != nil {
			r.e.Close()
		}
	}
	shared.started = nil
}
