package handlers

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/browser"
)

// TestStaffVenueLinkInBrowser follows, in Chromium, the staff list's link
// to a venue's public page: it must land on the public listener at the
// venue's own page. The short address alone (no scheme) was a relative
// link that 404s on the staff listener, or with a local base address a
// link html/template refuses (#ZgotmplZ).
func TestStaffVenueLinkInBrowser(t *testing.T) {
	bctx, cancel, err := browser.Start(context.Background())
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		t.Fatalf("start browser: %v", err)
	}
	t.Cleanup(cancel)
	public := httptest.NewServer(PublicRouter(NewPublic(demo(t), PublicOptions{})))
	t.Cleanup(public.Close)
	// Both addresses the staff may give: a local one (the public
	// listener itself) and one with a path prefix behind a proxy.
	for _, base := range []string{public.URL, public.URL + "/"} {
		staff := httptest.NewServer(newStaffRouter(t, StaffOptions{BaseURL: base}))
		t.Cleanup(staff.Close)
		ctx := newBrowserTab(t, bctx)
		tabDo(t, ctx, "open the staff venue list", chromedp.Navigate(staff.URL+"/"))
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('td a[rel=noreferrer]').href`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(href, "ZgotmplZ") {
			t.Fatalf("base %s: the venue link is %q: html/template refused it", base, href)
		}
		tabDo(t, ctx, "follow the venue link", chromedp.Click(chromedp.CSS(`td a[rel=noreferrer]`)))
		waitTab(t, ctx, "the venue's public page", func(loc string) bool { return loc == public.URL+"/K7Q2M" })
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "999") {
			t.Errorf("base %s: the venue's page lacks the UK emergency number:\n%.300s", base, text)
		}
	}
}
