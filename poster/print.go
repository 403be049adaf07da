package poster

import (
	"context"
	"fmt"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/browser"
)

// Printer prints HTML to PDF in one headless browser, started on first use
// and shared by every print, so that a hundred posters pay for one start.
type Printer struct {
	mu      sync.Mutex
	browser context.Context
	stop    context.CancelFunc
}

// PDF prints a poster document. Its @page rule sets the paper size.
func (p *Printer) PDF(ctx context.Context, html []byte) ([]byte, error) {
	bctx, err := p.start()
	if err != nil {
		return nil, err
	}
	tab, closeTab := chromedp.NewContext(bctx)
	defer closeTab()
	// A print must not outlive its request, but cancelling the tab's own
	// context would close the tab from under chromedp: stop on ctx instead.
	stop := context.AfterFunc(ctx, closeTab)
	defer stop()
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	tree, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	if _, err := chromedp.Call(tab, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)}); err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	// Fonts are inline, but decoding them is asynchronous.
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("print: waiting for fonts: %w", err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground(), chromedp.PDFMargin(0)))
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	return pdf, nil
}

func (p *Printer) start() (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil {
		if p.browser.Err() == nil {
			return p.browser, nil
		}
		p.stop() // the browser died; start another
	}
	bctx, stop, err := browser.Start(context.Background())
	if err != nil {
		return nil, err
	}
	p.browser, p.stop = bctx, stop
	return bctx, nil
}

// Close stops the browser, if it was started.
func (p *Printer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
		p.browser, p.stop = nil, nil
	}
}
