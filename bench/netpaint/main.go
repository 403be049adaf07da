// Command netpaint measures what a person on a bad connection waits for:
// the time from tapping the poster's link until the page's first
// emergency number is painted, in headless Chromium, on a cold phone (a
// new browser context each time: a new connection, a full TLS handshake,
// nothing cached), through emulated mobile links (link.go). It loads the
// same page from each server it is given, alternating, and prints a
// Markdown table of medians per link profile. bench/run network starts
// the servers and runs it. Benchmark tooling only.
//
//	netpaint -host travel-info.example -path /K7Q2M \
//	  -server waymark=127.0.0.1:8443 -server nginx=127.0.0.1:9443 [-runs 7] [-profiles 2g,3g,4g]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/browser"
)

type serverFlag []string

func (s *serverFlag) String() string     { return strings.Join(*s, ",") }
func (s *serverFlag) Set(v string) error { *s = append(*s, v); return nil }

// paintJS runs before the page's own bytes: it marks the first emergency
// call button (and the number in it) for the Element Timing API as soon as
// the parser inserts it, and records when the browser reports it painted.
const paintJS = `(() => {
  const mark = () => { const a = document.querySelector("a.sos"); if (!a) return false;
    a.setAttribute("elementtiming", "number"); for (const el of a.querySelectorAll("*")) el.setAttribute("elementtiming", "number"); return true; };
  const mo = new MutationObserver(() => { if (mark()) mo.disconnect(); });
  mo.observe(document, {childList: true, subtree: true});
  new PerformanceObserver(list => { for (const e of list.getEntries())
    if (e.identifier === "number" && !window.__painted) window.__painted = e.renderTime || e.loadTime; })
    .observe({type: "element", buffered: true});
})()`

func main() {
	var servers serverFlag
	host := flag.String("host", "travel-info.example", "the domain the certificates are for")
	path := flag.String("path", "/K7Q2M", "the page to load")
	runs := flag.Int("runs", 7, "cold loads per server per profile")
	only := flag.String("profiles", "2g,3g,4g", "link profiles to run, in order")
	flag.Var(&servers, "server", "name=host:port of a TLS server (repeat)")
	flag.Parse()
	if len(servers) == 0 {
		log.Fatal("netpaint: give at least one -server name=host:port")
	}

	// Every name resolves to loopback: the link proxies listen there.
	bctx, cancel, err := browser.Start(context.Background(),
		chromedp.Flag("host-resolver-rules", "MAP "+*host+" 127.0.0.1"),
		// The ACME test server's root and nginx's self-signed certificate
		// are not in the system store; the handshake is the same.
		chromedp.IgnoreCertErrors,
		chromedp.Flag("disable-http2", false),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer cancel()
	v, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`navigator.userAgent`))
	fmt.Printf("Browser: %s\n\n", v)

	// One load per server first, not counted: the browser's first
	// navigation starts its network service and the servers' first
	// handshake warms their caches; neither is what a phone waits for.
	// The key exchange each server agrees on with this browser decides
	// the size of its first flight (a post-quantum hybrid's key share is
	// about 1 KB more), so the warm-up says which it was.
	var groups []string
	for _, s := range servers {
		name, addr, _ := strings.Cut(s, "=")
		l, err := newLink(profile{Name: "warm-up", DownKbit: 1 << 20, UpKbit: 1 << 20}, addr, 0)
		if err != nil {
			log.Fatal(err)
		}
		_, _, group, err := coldLoad(bctx, fmt.Sprintf("https://%s:%d%s", *host, l.Port(), *path), time.Minute)
		if err != nil {
			log.Fatalf("netpaint: warm-up %s: %v", s, err)
		}
		groups = append(groups, name+" "+group)
		l.Close()
	}
	fmt.Printf("Key exchange: %s\n\n", strings.Join(groups, ", "))

	fmt.Println("| profile | RTT ms | loss | down/up kbit/s | server | median ms to painted number | min | max | network ms: connect to last byte before the paint (median) | min | round trips before the paint (median) | connections | KB down | loads (failed) |")
	fmt.Println("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, pn := range strings.Split(*only, ",") {
		i := slices.IndexFunc(profiles, func(p profile) bool { return p.Name == pn })
		if i < 0 {
			log.Fatalf("netpaint: no profile %q", pn)
		}
		p := profiles[i]
		type result struct {
			ms, net, rtts, conns, kb []float64
			failed                   int
		}
		res := make([]result, len(servers))
		links := make([]*link, len(servers))
		for si, s := range servers {
			_, addr, ok := strings.Cut(s, "=")
			if !ok {
				log.Fatalf("netpaint: -server %q: want name=host:port", s)
			}
			links[si], err = newLink(p, addr, uint64(si+1))
			if err != nil {
				log.Fatal(err)
			}
			defer links[si].Close()
		}
		// Alternate servers, so a busy moment costs both alike.
		for r := 0; r < *runs; r++ {
			for si := range servers {
				l := links[si]
				c0, b0 := l.conns.Load(), l.bytesDown.Load()
				url := fmt.Sprintf("https://%s:%d%s", *host, l.Port(), *path)
				ms, win, _, err := coldLoad(bctx, url, p.RTT*40+30*time.Second)
				if err != nil {
					// Once, on this loaded machine, a load never reported
					// its paint: say so and try that load again, once.
					fmt.Fprintf(os.Stderr, "netpaint: %s %s run %d: %v; trying again\n", p.Name, servers[si], r+1, err)
					c0, b0 = l.conns.Load(), l.bytesDown.Load()
					ms, win, _, err = coldLoad(bctx, url, p.RTT*40+30*time.Second)
				}
				if err != nil {
					// Counted and shown in the table, not hidden.
					fmt.Fprintf(os.Stderr, "netpaint: %s %s run %d failed again: %v\n", p.Name, servers[si], r+1, err)
					res[si].failed++
					continue
				}
				time.Sleep(p.RTT) // the last bytes (a close) settle
				res[si].ms = append(res[si].ms, ms)
				if d, ok := l.network(win[0], win[1]); ok {
					res[si].net = append(res[si].net, float64(d.Milliseconds()))
				}
				res[si].conns = append(res[si].conns, float64(l.conns.Load()-c0))
				res[si].rtts = append(res[si].rtts, float64(l.conns.Load()-c0)+float64(l.flightsBetween(win[0], win[1])))
				res[si].kb = append(res[si].kb, float64(l.bytesDown.Load()-b0)/1000)
				fmt.Fprintf(os.Stderr, "netpaint: %s %s run %d: %.0f ms\n", p.Name, servers[si], r+1, ms)
			}
		}
		for si, s := range servers {
			name, _, _ := strings.Cut(s, "=")
			r := res[si]
			if len(r.ms) == 0 {
				fmt.Printf("| %s | | | | %s | no load painted (%d failed) | | | | | | | | |\n", p.Name, name, r.failed)
				continue
			}
			netMin := 0.0
			if len(r.net) > 0 {
				netMin = slices.Min(r.net)
			}
			fmt.Printf("| %s | %d | %.1f %% | %d/%d | %s | **%.0f** | %.0f | %.0f | **%.0f** | %.0f | %.0f | %.0f | %.1f | %d (%d) |\n",
				p.Name, p.RTT.Milliseconds(), p.Loss*100, p.DownKbit, p.UpKbit, name,
				median(r.ms), slices.Min(r.ms), slices.Max(r.ms), median(r.net), netMin, median(r.rtts), median(r.conns), median(r.kb), len(r.ms), r.failed)
		}
	}
}

// coldLoad opens url in a new browser context (no connection, session
// ticket or cache from before) and returns the milliseconds from the start
// of the navigation to the painted emergency number, and the TLS key
// exchange group the page came over.
func coldLoad(bctx context.Context, url string, limit time.Duration) (ms float64, window [2]time.Time, group string, err error) {
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, limit)
	defer cancelT()
	var mu sync.Mutex
	var seen string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Type == network.ResourceTypeDocument && e.Response.SecurityDetails != nil {
			mu.Lock()
			seen = e.Response.SecurityDetails.KeyExchangeGroup
			mu.Unlock()
		}
	}); err != nil {
		return 0, window, "", err
	}
	groupOf := func() string { mu.Lock(); defer mu.Unlock(); return seen }
	if err := chromedp.Do(ctx); err != nil {
		return 0, window, "", err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return 0, window, "", err
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return 0, window, "", err
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: paintJS}); err != nil {
		return 0, window, "", err
	}
	// A tab that is not in front is not rendered, and then nothing is
	// ever painted: bring it there, and let it believe it has the focus.
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		return 0, window, "", err
	}
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		return 0, window, "", err
	}
	// The window on this process's clock, from just before the navigation
	// to when the paint was seen: the link's records are read inside it
	// (Chromium's performance.timeOrigin can be hundreds of milliseconds
	// off this clock on a busy machine).
	window[0] = time.Now()
	if _, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url}); err != nil {
		return 0, window, "", err
	}
	start := time.Now()
	var last error
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__painted || 0`))
		if err == nil && v > 0 {
			window[1] = time.Now()
			return v, window, groupOf(), nil
		}
		if err != nil {
			last = err
		}
		if ctx.Err() != nil {
			// What the page looked like, from a fresh context (ctx is spent).
			dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			state, _ := chromedp.Run(dctx, chromedp.Evaluate[string](`document.readyState + ", a.sos: " + !!document.querySelector("a.sos") + ", hidden: " + document.hidden`))
			dcancel()
			return 0, window, "", fmt.Errorf("the emergency number was not painted after %v (page: %s; last error: %v)",
				time.Since(start).Round(time.Millisecond), state, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
