package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// MakeTokenHint is how an operator makes a good staff token; every refusal
// prints it.
const MakeTokenHint = "make one with: openssl rand -base64 32   (or: head -c 32 /dev/urandom | base64)"

// minTokenBits is the least a staff token must carry: a token on a
// listener reachable from a network is guessed offline-fast if it is short.
const minTokenBits = 128

// placeholders are values people paste from examples. Compared without
// case and punctuation.
var placeholders = []string{"changeme", "changemenow", "replaceme", "secret", "password", "token", "admintoken",
	"staff", "stafftoken", "example", "placeholder", "yourtoken", "yourtokenhere", "todo", "fixme", "default",
	"waymark", "waymarkadmintoken", "letmein"}

// CheckToken refuses a staff token that is blank, a known placeholder, or
// carries less than 128 bits by any estimate we can make without knowing
// how it was made: its length over the character classes it uses, and the
// variety of its characters (a random base64 token of 22 characters has
// about 19 distinct ones; "aaaa..." has one).
func CheckToken(tok string) error {
	bad := func(why string) error {
		return fmt.Errorf("WAYMARK_ADMIN_TOKEN %s; it needs at least %d random bits (22 or more random base64 characters): %s", why, minTokenBits, MakeTokenHint)
	}
	if strings.TrimSpace(tok) == "" {
		return bad("is blank")
	}
	var norm strings.Builder
	for _, r := range strings.ToLower(tok) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			norm.WriteRune(r)
		}
	}
	n := norm.String()
	if slices.Contains(placeholders, n) || strings.Contains(n, "changeme") || strings.Contains(n, "replaceme") {
		return bad("is a placeholder from an example")
	}
	if len(tok) < 22 {
		return bad(fmt.Sprintf("is %d characters long", len(tok)))
	}
	var lower, upper, digit, other bool
	seen := map[rune]int{}
	steps := 0
	prev := rune(-10)
	for _, r := range tok {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
		if r == prev+1 || r == prev-1 || r == prev {
			steps++
		}
		prev = r
		seen[r]++
	}
	alphabet := 0
	if lower && upper {
		// Mixed case reads as base64, which a random token of 22
		// characters may happen to draw without a digit.
		digit = true
	}
	for _, c := range []struct {
		used bool
		n    int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 32}} {
		if c.used {
			alphabet += c.n
		}
	}
	length := len([]rune(tok))
	if bits := float64(length) * math.Log2(float64(alphabet)); bits < minTokenBits {
		return bad(fmt.Sprintf("has about %.0f bits (%d characters from %d possible)", bits, length, alphabet))
	}
	// A word, a run or a repeat is worth about one random character.
	if parts := tokenParts(tok); float64(parts)*math.Log2(float64(alphabet)) < minTokenBits {
		return bad("is made of words, runs or repeats (\"Password123...\", \"abcabc\")")
	}
	// Shannon entropy of the characters as they occur: low for repeats and
	// for words; a random token of 22+ characters is well above 60.
	var h float64
	for _, c := range seen {
		p := float64(c) / float64(length)
		h -= p * math.Log2(p)
	}
	if h*float64(length) < 60 || steps*4 > length*3 {
		return bad("repeats or runs through characters (low variety)")
	}
	return nil
}

// commonWords are words people build passwords from (in lower case, with
// 0 1 3 4 5 7 @ $ read as o l e a s t a s). It is no dictionary: only the
// commonest, long enough that a random token does not hold one by chance.
var commonWords = []string{"password", "passwort", "passw", "admin", "welcome", "qwerty", "asdfgh", "zxcvbn",
	"letmein", "dragon", "monkey", "master", "sunshine", "princess", "football", "baseball", "shadow",
	"superman", "batman", "trustno", "iloveyou", "secret", "login", "hello", "freedom", "whatever",
	"starwars", "computer", "michael", "jennifer", "charlie", "summer", "winter", "spring", "autumn",
	"troubador", "troubadour", "correct", "horse", "battery", "staple", "waymark", "staff", "token",
	"change", "default", "example", "access", "server", "secure", "safety"}

// leet reads the digits and signs people put for letters.
var leet = strings.NewReplacer("0", "o", "1", "l", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")

// tokenParts counts a token's parts the way one would guess it: each
// common word, each run of 4 or more characters with the same step of -1,
// 0 or +1 ("1234", "aaaa", "dcba"), and each repeat of 4 or more characters seen
// before ("Tr0ub4dor&3" twice) counts as one part; every other character
// as one.
func tokenParts(tok string) int {
	rs := []rune(tok)
	// Words are looked for in ASCII tokens only (random ones are ASCII).
	var low []byte
	if len(rs) == len(tok) {
		low = []byte(leet.Replace(strings.ToLower(tok)))
	}
	parts := 0
	for i := 0; i < len(rs); parts++ {
		n := 1
		if len(low) == len(rs) {
			for _, w := range commonWords {
				if bytes.HasPrefix(low[i:], []byte(w)) {
					n = max(n, len(w))
				}
			}
		}
		run := 1
		if i+1 < len(rs) {
			if step := int(rs[i+1]) - int(rs[i]); abs(step) <= 1 {
				for i+run < len(rs) && int(rs[i+run])-int(rs[i+run-1]) == step {
					run++
				}
			}
		}
		if run >= 4 {
			n = max(n, run)
		}
		for j := 0; j < i; j++ {
			k := 0
			for i+k < len(rs) && j+k < i && rs[j+k] == rs[i+k] {
				k++
			}
			if k >= 4 {
				n = max(n, k)
			}
		}
		i += n
	}
	return parts
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// keyedLimiter is a token bucket per key with a bound on the keys it
// remembers: past the bound, it forgets arbitrary keys. Forgetting resets a
// bucket, which an attacker with many addresses could use; that is why
// failed authentication is also limited globally.
type keyedLimiter struct {
	mu        sync.Mutex
	limit     rate.Limit
	burst     int
	maxKeys   int
	keys      map[string]*keyed
	lastSweep time.Time
}

type keyed struct {
	*rate.Limiter
	seen time.Time
}

// limiterMemory is how long an address is remembered after its last
// request (docs/privacy.md promises three minutes).
const limiterMemory = 3 * time.Minute

func newKeyedLimiter(r rate.Limit, burst, maxKeys int) *keyedLimiter {
	return &keyedLimiter{limit: r, burst: burst, maxKeys: maxKeys, keys: map[string]*keyed{}, lastSweep: time.Now()}
}

func (k *keyedLimiter) get(key string) *keyed {
	now := time.Now()
	if now.Sub(k.lastSweep) > limiterMemory/3 {
		k.lastSweep = now
		for old, l := range k.keys {
			if now.Sub(l.seen) > limiterMemory {
				delete(k.keys, old)
			}
		}
	}
	l, ok := k.keys[key]
	if ok {
		l.seen = now
	}
	if !ok {
		if len(k.keys) >= k.maxKeys {
			// Forget a tenth, so that the next misses do not each pay
			// for an eviction.
			n := max(1, k.maxKeys/10)
			for old := range k.keys {
				delete(k.keys, old)
				if n--; n == 0 {
					break
				}
			}
		}
		l = &keyed{Limiter: rate.NewLimiter(k.limit, k.burst), seen: now}
		k.keys[key] = l
	}
	return l
}

// Allow takes one token from key's bucket (echo's RateLimiterStore).
func (k *keyedLimiter) Allow(key string) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.get(key).Allow(), nil
}

// ok reports whether key has a token left, without taking one.
func (k *keyedLimiter) ok(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.get(key).Tokens() >= 1
}

func (k *keyedLimiter) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// maxLimiterKeys bounds the addresses a staff limiter remembers (about
// 200 bytes each).
const maxLimiterKeys = 10000

// authLimiter limits failed authentications per client and in total, so
// that rotating source addresses (an IPv6 /64 has 2^64 of them) gains
// nothing. A correct token costs nothing and is let in even while a
// client, or everyone, is over the limit: the token is compared first.
type authLimiter struct {
	perClient *keyedLimiter
	global    *rate.Limiter
}

func newAuthLimiter() *authLimiter {
	return &authLimiter{
		// 30 failures at once (a person retyping), then one every 2 s
		// per client...
		perClient: newKeyedLimiter(rate.Every(2*time.Second), 30, maxLimiterKeys),
		// ...and 60 at once, then one a second from everyone together.
		global: rate.NewLimiter(rate.Every(time.Second), 60),
	}
}

func (a *authLimiter) allowed(key string) bool {
	return a.global.Tokens() >= 1 && a.perClient.ok(key)
}

func (a *authLimiter) failed(key string) {
	a.global.Allow()
	a.perClient.Allow(key)
}

// limitKey is the client's address, IPv6 cut to its /64 (one household or
// one server holds a whole /64).
func limitKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return host
}

// tooManyFailures is the answer while authentication is paused.
func tooManyFailures(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "10")
	return echo.NewHTTPError(http.StatusTooManyRequests, "Too many wrong tokens; wait a little.")
}

// renderGate bounds expensive staff work (PNG encoding, PDF printing,
// batch posters): at most slots run at once, at most queue more wait for
// a slot (for up to wait), and the rest get 429 with Retry-After. Each
// render can hold tens of megabytes (a 4096-pixel PNG is a 16 MiB image
// before compression) and a browser tab, and the public listener shares
// the process.
type renderGate struct {
	slots   chan struct{}
	waiting chan struct{}
	wait    time.Duration
}

func newRenderGate(slots, queue int, wait time.Duration) *renderGate {
	return &renderGate{slots: make(chan struct{}, slots), waiting: make(chan struct{}, queue), wait: wait}
}

var errBusy = errors.New("busy")

// acquire takes a slot, or returns errBusy; release it with the returned
// function.
func (g *renderGate) acquire(ctx context.Context) (func(), error) {
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	default:
	}
	select {
	case g.waiting <- struct{}{}:
	default:
		return nil, errBusy
	}
	defer func() { <-g.waiting }()
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *renderGate) release() { <-g.slots }

// gated runs an expensive handler under the render gate.
func (s *Staff) gated(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		release, err := s.renders.acquire(c.Request().Context())
		if err != nil {
			c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(s.renders.wait/time.Second))))
			return echo.NewHTTPError(http.StatusTooManyRequests, "Busy printing; try again in a few seconds.")
		}
		defer release()
		return next(c)
	}
}

// StaffHosts are the Host names the staff listener answers to.
type StaffHosts struct {
	names map[string]bool
	ips   map[string]bool
	anyIP bool
}

// NewStaffHosts derives the accepted Host names from the staff listener's
// address and extra names: loopback names and addresses always; the
// address's own host; every local address when it listens on all of them
// (0.0.0.0, ::); and each extra name (--admin-hosts). A page on a hostile
// domain that a DNS server rebinds to this machine sends its own name as
// Host, so it is refused.
func NewStaffHosts(adminAddr string, extra []string) *StaffHosts {
	h := &StaffHosts{names: map[string]bool{"localhost": true}, ips: map[string]bool{}}
	host, _, err := net.SplitHostPort(adminAddr)
	if err != nil {
		host = adminAddr
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsUnspecified() {
			h.anyIP = true
		}
		h.ips[ip.String()] = true
	} else if host != "" {
		h.names[strings.ToLower(strings.TrimSuffix(host, "."))] = true
	} else {
		h.anyIP = true // ":8081" listens on every address
	}
	for _, e := range extra {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if ip := net.ParseIP(strings.Trim(e, "[]")); ip != nil {
			h.ips[ip.String()] = true
			continue
		}
		h.names[strings.ToLower(strings.TrimSuffix(e, "."))] = true
	}
	if h.anyIP {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					h.ips[n.IP.String()] = true
				}
			}
		}
	}
	return h
}

// Allowed reports whether a request's Host names this listener.
func (h *StaffHosts) Allowed(hostport string) bool {
	host := hostport
	if hh, _, err := net.SplitHostPort(hostport); err == nil {
		host = hh
	}
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || h.ips[ip.String()]
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return h.names[host] || strings.HasSuffix(host, ".localhost")
}

// GuardStaff wraps the staff router: requests for another Host name (DNS
// rebinding) and requests a browser marks as coming from another site
// (Sec-Fetch-Site: cross-site) are refused before any route runs.
func GuardStaff(next http.Handler, hosts *StaffHosts) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg := ""
		switch {
		case !hosts.Allowed(r.Host):
			msg = "This staff listener does not answer to that host name; add it with --admin-hosts (WAYMARK_ADMIN_HOSTS).\n"
		case strings.EqualFold(r.Header.Get("Sec-Fetch-Site"), "cross-site"):
			msg = "Staff pages do not answer requests from other sites.\n"
		default:
			next.ServeHTTP(w, r)
			return
		}
		hdr := w.Header()
		setStaffHeaders(hdr)
		hdr.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(msg))
	})
}

// renderPNG returns a QR PNG from the cache, or renders it under the
// render gate: a cached PNG costs nothing and needs no slot.
func (s *Staff) renderPNG(c echo.Context, payload string, px int) ([]byte, error) {
	if b, ok := s.qr.CachedPNG(payload, px); ok {
		return b, nil
	}
	release, err := s.renders.acquire(c.Request().Context())
	if err != nil {
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(s.renders.wait/time.Second))))
		return nil, echo.NewHTTPError(http.StatusTooManyRequests, "Busy drawing QR codes; try again in a few seconds.")
	}
	defer release()
	b, err := s.qr.PNG(payload, px)
	if px > bigPNG {
		// The image was px*px bytes of garbage; give it back now rather
		// than let the heap target grow with it, since the public
		// listener shares this process.
		debug.FreeOSMemory()
	}
	return b, err
}

// bigPNG is the size above which a render returns its memory at once.
const bigPNG = 2048
