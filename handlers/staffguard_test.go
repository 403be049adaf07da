package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/stats"
)

func TestCheckToken(t *testing.T) {
	for _, tok := range []string{
		"", "   ", "a", "change-me", "CHANGE_ME", "changeme-please-0123456789", "s3cret-token",
		"a-long-staff-token",                         // 18 characters
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // one character
		"abcdefghijklmnopqrstuvwxyzabcdefghij",       // a run
		"0123456789012345678901234567",               // digits only: 93 bits
		"abababababababababababababababab",           // two characters
		"Password1234567890123456",                   // a word and a run (issue 22)
		"Tr0ub4dor&3xyzTr0ub4dor&3xyz",               // a repeat (issue 22)
		"correct-horse-battery-staple-2024",          // words
		"Welcome2025!Welcome2025!",                   // a word, repeated
	} {
		err := CheckToken(tok)
		if err == nil {
			t.Errorf("CheckToken(%q) = nil, want a refusal", tok)
			continue
		}
		if !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("CheckToken(%q) = %q: the message does not say how to make a good one", tok, err)
		}
	}
	for _, tok := range []string{
		"q1w8Z0aXbVt3kR9mPzL2eA",                       // 22 base64 characters: 132 bits
		"3Jx9kQpZ0c1mV7bN2rT5yW8uHfLgDsAe4oIiKjMnBv0=", // openssl rand -base64 32
		"9f86d081884c7d659a2feaa0c55ad015",             // openssl rand -hex 16
		"qWbXzRtKpLmNvYhGfDsJaQ",                       // 22 base64 letters that drew no digit
	} {
		if err := CheckToken(tok); err != nil {
			t.Errorf("CheckToken(%q) = %v, want nil", tok, err)
		}
	}
}

// Failed authentications are limited per client and globally: an attacker
// who rotates source addresses is stopped by the global bound, and the
// limiter's memory stays bounded however many addresses it sees.
func TestStaffAuthFailuresLimitedGlobally(t *testing.T) {
	const token = "q1w8Z0aXbVt3kR9mPzL2eA"
	st, _ := stats.Open("")
	staff, h := staffWith(t, StaffOptions{Token: token, Stats: st, Metrics: NewMetrics(st)})
	wrong := map[string]string{"Authorization": "Bearer wrong"}
	right := map[string]string{"Authorization": "Bearer " + token}

	// One address: 401s, then 429 before the comparison.
	codes := map[int]int{}
	for range 100 {
		codes[staffGet(h, "/", "192.0.2.7:1000", wrong).Code]++
	}
	if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusUnauthorized] > 40 {
		t.Errorf("100 wrong tokens from one address: %v, want at most 40 compared (401) and the rest 429", codes)
	}

	// Rotating addresses, one failure each: the global bound stops them.
	staff, h = staffWith(t, StaffOptions{Token: token, Stats: st, Metrics: NewMetrics(st)})
	compared := 0
	for i := range 30000 {
		addr := fmt.Sprintf("[2001:db8:%x:%x::1]:1000", i>>16, i&0xffff)
		if staffGet(h, "/", addr, wrong).Code == http.StatusUnauthorized {
			compared++
		}
	}
	if compared > 100 {
		t.Errorf("30,000 wrong tokens from 30,000 addresses: %d compared, want at most 100 (global limit)", compared)
	}
	if n := staff.auth.perClient.size(); n > maxLimiterKeys {
		t.Errorf("the failure limiter remembers %d addresses, want at most %d", n, maxLimiterKeys)
	}
	// Addresses of one /64 are one client.
	if limitKey("[2001:db8::1]:1") != limitKey("[2001:db8::ffff:2]:2") {
		t.Error("two addresses of one IPv6 /64 count as different clients")
	}
	// A right token is let in even while wrong ones are paused.
	if code := staffGet(h, "/", "192.0.2.99:1", right).Code; code != http.StatusOK {
		t.Errorf("right token during the attack: %d, want 200", code)
	}
}

// TestStaffRightTokenDuringGuessing (issue 22, finding 7): after 72 wrong
// tokens from 41 addresses, the right token gets in on 10 of 10 tries,
// from a guessing address too; the wrong ones are still paused. Before,
// it got 429: the limiter was asked before the token was compared.
func TestStaffRightTokenDuringGuessing(t *testing.T) {
	const token = "q1w8Z0aXbVt3kR9mPzL2eA"
	_, h := staffWith(t, StaffOptions{Token: token})
	wrong := map[string]string{"Authorization": "Bearer wrong"}
	right := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("staff:"+token))}
	for i := range 72 {
		staffGet(h, "/", fmt.Sprintf("198.51.100.%d:1000", i%41), wrong)
	}
	if code := staffGet(h, "/", "198.51.100.1:1000", wrong).Code; code != http.StatusTooManyRequests {
		t.Errorf("a wrong token after 72: %d, want 429", code)
	}
	ok := 0
	for i := range 10 {
		addr := "192.0.2.50:1000"
		if i%2 == 1 {
			addr = "198.51.100.3:1000" // an address that guessed too
		}
		if staffGet(h, "/", addr, right).Code == http.StatusOK {
			ok++
		}
	}
	if ok != 10 {
		t.Errorf("the right token after 72 wrong ones from 41 addresses: %d of 10 let in", ok)
	}
}

// staffWith is newStaffRouter that also returns the Staff.
func staffWith(t testing.TB, o StaffOptions) (*Staff, http.Handler) {
	t.Helper()
	d := demo(t)
	o.Site = func() *pages.Site { return d }
	o.Assets = assets.FS()
	o.BaseURL = staffBase
	o.RateLimit, o.RateBurst = 1e6, 1e6
	o.Log = slog.New(slog.DiscardHandler)
	s := NewStaff(o)
	return s, StaffRouter(s)
}

// The real staff router behind its guard: other host names (DNS
// rebinding) and cross-site requests are refused, loopback and configured
// names are served.
func TestStaffGuardHosts(t *testing.T) {
	h := GuardStaff(newStaffRouter(t, StaffOptions{}), NewStaffHosts("127.0.0.1:8081", []string{"staff.example.org"}))
	for _, tt := range []struct {
		host, site string
		want       int
	}{
		{"127.0.0.1:8081", "", http.StatusOK},
		{"localhost:8081", "", http.StatusOK},
		{"LOCALHOST.:8081", "", http.StatusOK},
		{"[::1]:8081", "", http.StatusOK},
		{"127.0.0.2:8081", "", http.StatusOK},
		{"staff.example.org", "", http.StatusOK},
		{"staff.example.org:8081", "same-origin", http.StatusOK},
		{"127.0.0.1:8081", "none", http.StatusOK},
		{"evil.example:8081", "", http.StatusForbidden},
		{"rebind.attacker.example", "same-origin", http.StatusForbidden},
		{"", "", http.StatusForbidden},
		{"192.0.2.1:8081", "", http.StatusForbidden},
		{"127.0.0.1:8081", "cross-site", http.StatusForbidden},
		{"127.0.0.1:8081", "Cross-Site", http.StatusForbidden},
	} {
		req := httpRequest(http.MethodGet, "/", nil)
		req.Host = tt.host
		if tt.site != "" {
			req.Header.Set("Sec-Fetch-Site", tt.site)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("Host %q, Sec-Fetch-Site %q: %d, want %d", tt.host, tt.site, rec.Code, tt.want)
		}
		if rec.Code == http.StatusForbidden {
			assertStaffHeaders(t, "403", rec.Header())
			if strings.Contains(rec.Body.String(), "K7Q2M") {
				t.Errorf("Host %q: the refusal leaks content", tt.host)
			}
		}
	}
	// Listening on every address: the machine's addresses are its names.
	all := NewStaffHosts("0.0.0.0:8081", nil)
	if !all.Allowed("127.0.0.1:8081") || all.Allowed("evil.example") {
		t.Error("0.0.0.0: want loopback allowed and other names refused")
	}
}

// At most two renders run at once and a few wait; the rest get 429 with
// Retry-After, and a cached PNG needs no slot.
func TestRenderGate(t *testing.T) {
	g := newRenderGate(2, 3, 200*time.Millisecond)
	ctx := context.Background()
	var held []func()
	for range 2 {
		r, err := g.acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, r)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy := 0
	for range 10 {
		wg.Go(func() {
			if _, err := g.acquire(ctx); err != nil {
				mu.Lock()
				busy++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if busy != 10 {
		t.Errorf("with both slots held, %d of 10 were turned away, want 10 (3 after waiting)", busy)
	}
	held[0]()
	if r, err := g.acquire(ctx); err != nil {
		t.Errorf("after a release: %v", err)
	} else {
		r()
	}
}

// Tokens made as the refusal message says (and as hex) are accepted:
// 20,000 random ones of each.
func TestCheckTokenAcceptsRandomTokens(t *testing.T) {
	for range 20000 {
		b := make([]byte, 32)
		rand.Read(b)
		// Hex of 32 bytes, as `openssl rand -hex 32` makes: 16 bytes give
		// exactly 128 bits, and a run such as "fedcba" in one (about one
		// token in ten thousand) rightly leaves it short of them.
		for _, tok := range []string{base64.StdEncoding.EncodeToString(b), hex.EncodeToString(b)} {
			if err := CheckToken(tok); err != nil {
				t.Fatalf("%q: %v", tok, err)
			}
		}
	}
}
