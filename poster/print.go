package poster

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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

// Tab opens a tab in the shared browser. Cancelling ctx closes it, as does
// the returned function. Tests reuse one tab for many posters with Load.
func (p *Printer) Tab(ctx context.Context) (context.Context, func(), error) {
	bctx, err := p.start()
	if err != nil {
		return nil, nil, err
	}
	tab, closeTab := chromedp.NewContext(bctx)
	// A print must not outlive its request, but cancelling the tab's own
	// context would close the tab from under chromedp: stop on ctx instead.
	stop := context.AfterFunc(ctx, closeTab)
	return tab, func() { stop(); closeTab() }, nil
}

// Load puts a poster document into a tab and waits until its fonts are
// decoded and its type is fitted, so that the tab shows what would print.
func Load(tab context.Context, html []byte) error {
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	tree, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return err
	}
	if _, err := chromedp.Call(tab, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)}); err != nil {
		return err
	}
	// Fonts are inline, but decoding them is asynchronous; the type can be
	// fitted only once they are.
	// Reading offsetHeight lays the page out, which starts the font loads.
	failed, err := chromedp.Run(tab, chromedp.Evaluate[[]FitSheet](
		`(void document.body.offsetHeight, document.fonts.ready).then(() => window.waymarkFit ? window.waymarkFit() : [{venue: '?', langs: 'the poster has no fitting script', size: '?'}])`, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("fitting the type: %w", err)
	}
	if len(failed) > 0 {
		return &FitError{Sheets: failed}
	}
	return nil
}

// FitError names the posters whose text does not fit their paper even at
// the smallest legible type.
type FitError struct {
	Sheets []FitSheet
}

// FitSheet is one poster that does not fit, as poster.js reports it.
type FitSheet struct {
	Venue string `json:"venue"`
	Langs string `json:"langs"` // comma-separated, as --langs takes them
	Size  string `json:"size"`
}

func (e *FitError) Error() string {
	var b strings.Builder
	for i, s := range e.Sheets {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "venue %s: the languages %s do not fit on %s even at the smallest legible type; choose fewer or other languages (--langs) or a larger size (--size)", s.Venue, s.Langs, s.Size)
	}
	return b.String()
}

// PDF prints a poster document. Its @page rule sets the paper size.
func (p *Printer) PDF(ctx context.Context, html []byte) ([]byte, error) {
	tab, closeTab, err := p.Tab(ctx)
	if err != nil {
		return nil, err
	}
	defer closeTab()
	if err := Load(tab, html); err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground(), chromedp.PDFMargin(0)))
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	w, h, err := pageSize(tab)
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	if pdf, err = setMediaBox(pdf, w, h); err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	stripMetadata(pdf)
	return pdf, nil
}

// metadataKeys are the document information entries the browser fills in:
// its own version and the operating system (/Creator), its PDF library
// (/Producer), and when the poster was printed. A poster passed around
// must not say what printed it, where or when.
var metadataKeys = [][]byte{[]byte("/Creator"), []byte("/Producer"), []byte("/CreationDate"), []byte("/ModDate"), []byte("/Author")}

// stripMetadata blanks the values of metadataKeys in place, with spaces
// of the same length, so that every offset in the cross-reference table
// stays right.
func stripMetadata(pdf []byte) {
	for _, key := range metadataKeys {
		for off := 0; ; {
			i := bytes.Index(pdf[off:], key)
			if i < 0 {
				break
			}
			j := off + i + len(key)
			off = j
			for j < len(pdf) && (pdf[j] == ' ' || pdf[j] == '\r' || pdf[j] == '\n') {
				j++
			}
			if j >= len(pdf) {
				break
			}
			switch pdf[j] {
			case '(': // a literal string: balanced parentheses, \ escapes
				depth := 0
				for k := j; k < len(pdf); k++ {
					switch pdf[k] {
					case '\\':
						pdf[k] = ' '
						if k+1 < len(pdf) {
							k++
							pdf[k] = ' '
						}
						continue
					case '(':
						depth++
						if depth == 1 {
							continue
						}
					case ')':
						if depth--; depth == 0 {
							off = k
							goto next
						}
					}
					pdf[k] = ' '
				}
			case '<': // a hex string: spaces inside are ignored
				for k := j + 1; k < len(pdf) && pdf[k] != '>'; k++ {
					pdf[k] = ' '
					off = k
				}
			}
		next:
		}
	}
}

// pageSize reads the paper size, in points, from the loaded document's
// @page rule (the variables --w and --h, in mm).
func pageSize(tab context.Context) (w, h float64, err error) {
	mm, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](
		`['--w','--h'].map(v => parseFloat(getComputedStyle(document.documentElement).getPropertyValue(v)))`))
	if err != nil || len(mm) != 2 || !(mm[0] > 0 && mm[1] > 0) {
		return 0, 0, fmt.Errorf("the document has no paper size (--w, --h): %v %v", mm, err)
	}
	return mm[0] * ptPerMM, mm[1] * ptPerMM, nil
}

const ptPerMM = 72 / 25.4

var mediaBoxRE = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+[0-9.]+\s+[0-9.]+\s*\]`)

// setMediaBox sets every page's MediaBox to exactly w x h points.
// Chromium rounds the paper size to its device units, which makes an A4
// page 0.1 mm narrow and an A5 page 0.2 mm wide; print shops and
// imposition tools check ISO sizes more strictly. The layout is unchanged:
// the difference is a fraction of a point at the page's edge. The classic
// cross-reference table that Chromium writes is shifted to match.
func setMediaBox(pdf []byte, w, h float64) ([]byte, error) {
	box := []byte(fmt.Sprintf("/MediaBox [0 0 %s %s]", strconv.FormatFloat(w, 'f', 4, 64), strconv.FormatFloat(h, 'f', 4, 64)))
	locs := mediaBoxRE.FindAllIndex(pdf, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("the PDF has no MediaBox")
	}
	xref := bytes.LastIndex(pdf, []byte("\nxref\n"))
	start := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if xref < 0 || start < xref || locs[len(locs)-1][1] > xref {
		return nil, fmt.Errorf("the PDF has no classic cross-reference table after its pages")
	}
	// shift is how far an offset in the old file moves in the new one.
	shift := func(off int) int {
		d := 0
		for _, l := range locs {
			if l[1] <= off {
				d += len(box) - (l[1] - l[0])
			}
		}
		return d
	}
	var out bytes.Buffer
	out.Grow(len(pdf) + len(locs)*len(box))
	prev := 0
	for _, l := range locs {
		out.Write(pdf[prev:l[0]])
		out.Write(box)
		prev = l[1]
	}
	out.Write(pdf[prev : xref+1])
	// The table: "xref", then subsections "first count" each followed by
	// count entries "oooooooooo ggggg n \n" of 20 bytes.
	lines := strings.Split(string(pdf[xref+1:start+1]), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) == 3 && len(f[0]) == 10 && f[2] == "n" {
			off, err := strconv.Atoi(f[0])
			if err != nil {
				return nil, fmt.Errorf("bad cross-reference entry %q", line)
			}
			lines[i] = fmt.Sprintf("%010d %s n ", off+shift(off), f[1])
		}
	}
	out.WriteString(strings.Join(lines, "\n"))
	rest := pdf[start+1:] // "startxref\nNNN\n%%EOF\n"
	f := strings.Fields(string(rest))
	if len(f) < 3 || f[0] != "startxref" {
		return nil, fmt.Errorf("bad startxref")
	}
	off, err := strconv.Atoi(f[1])
	if err != nil {
		return nil, fmt.Errorf("bad startxref %q", f[1])
	}
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", off+shift(off))
	return out.Bytes(), nil
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
