// Package browser starts the local headless Chromium that prints posters,
// takes screenshots and runs the browser tests. Chromium shapes every
// script correctly (Arabic joining, Ethiopic, Vietnamese stacking), which
// is why posters are printed by a browser rather than drawn by hand.
package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// candidates are the names Chromium and Chrome go by on Linux and macOS.
var candidates = []string{
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
}

// ErrNotFound explains what to install when no browser is found.
var ErrNotFound = errors.New("no Chromium or Chrome found: install one (Debian/Ubuntu: sudo apt-get install chromium; " +
	"macOS: install Google Chrome) or set WAYMARK_CHROME to the browser's path")

// Find returns the path of a local Chromium or Chrome.
func Find() (string, error) {
	if p := os.Getenv("WAYMARK_CHROME"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", errors.New("WAYMARK_CHROME=" + p + ": " + err.Error())
		}
		return p, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Start launches one headless browser. Every tab (chromedp.NewContext of
// the returned context) shares it, so a hundred posters or pages pay for
// one start. The flags keep Chromium from calling home: Waymark machines,
// and staff laptops on venue Wi-Fi, should see no traffic but our own.
func Start(ctx context.Context, extra ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc, error) {
	path, err := Find()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in containers and CI; pages are our own
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("font-render-hinting", "none"),
	)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Start the browser now, so that a missing or broken one fails here.
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, nil, err
	}
	return bctx, func() { cancelBrowser(); cancelAlloc() }, nil
}
