package poster_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/site"
)

// geometryJS lists every way the laid-out poster hides or cuts text, from
// the DOM geometry of the page Chromium would print. It reads every text
// node's line boxes (Range.getClientRects), not the elements', so a word
// that overflows its box is seen where it is drawn.
const geometryJS = `(() => {
  const bad = [];
  const px = 0.75; // tolerance for sub-pixel rounding, in CSS px
  const name = el => el.className ? el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] : el.tagName.toLowerCase();
  const inside = (r, b) => r.left >= b.left - px && r.right <= b.right + px && r.top >= b.top - px && r.bottom <= b.bottom + px;
  const meets = (r, b) => r.left < b.right - px && r.right > b.left + px && r.top < b.bottom - px && r.bottom > b.top + px;
  const sheets = document.querySelectorAll('.sheet');
  if (sheets.length === 0) return ['no .sheet in the document'];
  for (const sheet of sheets) {
    const page = sheet.getBoundingClientRect();
    const qrEl = sheet.querySelector('.qr');
    if (!qrEl) { bad.push('no .qr'); continue; }
    const qr = qrEl.getBoundingClientRect();
    // Regions hold text and must not overlap each other or the code.
    const regions = [...sheet.querySelectorAll('.block, .url, .sos, .tears li')];
    for (let i = 0; i < regions.length; i++) {
      const a = regions[i].getBoundingClientRect();
      if (meets(a, qr)) bad.push(name(regions[i]) + ' ' + (i+1) + ' overlaps the QR code');
      if (!inside(a, page)) bad.push(name(regions[i]) + ' ' + (i+1) + ' is off the page');
      for (let j = i + 1; j < regions.length; j++) {
        if (meets(a, regions[j].getBoundingClientRect())) bad.push(name(regions[i]) + ' ' + (i+1) + ' overlaps ' + name(regions[j]) + ' ' + (j+1));
      }
    }
    const walker = document.createTreeWalker(sheet, NodeFilter.SHOW_TEXT);
    for (let n; (n = walker.nextNode());) {
      if (!n.data.trim() || n.parentElement.closest('svg, style, script, title')) continue;
      const region = n.parentElement.closest('.block, .url, .sos, .tears li');
      const what = JSON.stringify(n.data.trim().slice(0, 40));
      if (!region) { bad.push('text outside any region: ' + what); continue; }
      const rb = region.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(n);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (rects.length === 0) bad.push('text not drawn: ' + what);
      for (const r of rects) {
        if (!inside(r, page)) bad.push('text off the page: ' + what);
        if (meets(r, qr)) bad.push('text under the QR code or its quiet zone: ' + what);
        if (!inside(r, rb)) bad.push('text outside its ' + name(region) + ': ' + what);
      }
      // Words marked whole (the venue code, the host) must not break.
      const whole = n.parentElement.closest('.nobr');
      if (whole) {
        const vertical = getComputedStyle(whole).writingMode.startsWith('vertical');
        const lines = new Set(rects.map(r => Math.round(vertical ? r.left : r.top)));
        if (lines.size > 1) bad.push('broken across ' + lines.size + ' lines: ' + what);
      }
    }
    for (const el of [sheet, ...sheet.querySelectorAll('*')]) {
      if (el.closest('svg')) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden') { if (el.textContent.trim()) bad.push('hidden text in ' + name(el)); continue; }
      const clipsX = cs.overflowX !== 'visible', clipsY = cs.overflowY !== 'visible';
      if ((clipsX && el.scrollWidth > el.clientWidth + 1) || (clipsY && el.scrollHeight > el.clientHeight + 1)) {
        bad.push(name(el) + ' clips its content: scroll ' + el.scrollWidth + 'x' + el.scrollHeight + ' > client ' + el.clientWidth + 'x' + el.clientHeight);
      }
      if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) bad.push(name(el) + ' cuts text with an ellipsis');
    }
  }
  return bad;
})()`

// layoutTab is one tab of the shared printer in which the layout tests load
// poster after poster.
func layoutTab(t *testing.T) context.Context {
	t.Helper()
	requireBrowser(t)
	// A guard against a hung browser, not a speed test: a poster with
	// Chinese carries 2.6 MB of fonts and takes seconds on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	tab, closeTab, err := printer.Tab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeTab)
	return tab
}

// layoutProblems loads html into tab and returns geometryJS's findings.
func layoutProblems(t *testing.T, tab context.Context, html []byte) []string {
	t.Helper()
	var fitErr *poster.FitError
	loadErr := poster.Load(tab, html)
	if loadErr != nil && !errors.As(loadErr, &fitErr) {
		t.Fatal(loadErr)
	}
	bad, err := chromedp.Run(tab, chromedp.Evaluate[[]string](geometryJS))
	if err != nil {
		t.Fatal(err)
	}
	if loadErr != nil {
		bad = append(bad, loadErr.Error())
	}
	return bad
}

func renderWith(t *testing.T, v *site.Venue, o poster.Options) ([]byte, error) {
	t.Helper()
	return poster.Render(demo(t), assets.FS(), []*site.Venue{v}, o)
}

// hardSets are language sets that stress the layout: the longest
// translations together, six languages, right-to-left first and last,
// Chinese and Ethiopic with long Cyrillic, and one long language alone.
var hardSets = [][]string{
	{"bg", "es", "uk", "fa", "so", "sq"},
	{"uk", "ro", "sq", "bg", "es", "so"},
	{"es", "bg", "so", "uk", "nl", "ro"},
	{"sq", "nl", "pl", "bg", "es", "uk"},
	{"so", "uk", "bg", "es", "ro", "en"},
	{"vi", "bg", "es", "uk", "so", "nl"},
	{"ar", "uk", "ro", "sq", "bg", "es"},
	{"fa", "es", "bg", "so", "uk", "ro"},
	{"ar", "fa", "uk", "es", "bg", "so"},
	{"fa", "ar", "es", "bg", "uk", "sq"},
	{"uk", "ro", "sq", "bg", "es", "ar"},
	{"es", "bg", "so", "uk", "ro", "fa"},
	{"uk", "es", "bg", "so", "fa", "ar"},
	{"zh-Hans", "am", "ti", "ar", "fa", "uk"},
	{"am", "ti", "uk", "es", "ro", "bg"},
	{"ti", "zh-Hans", "bg", "es", "so", "fa"},
	{"uk", "am", "es", "zh-Hans", "bg", "ti"},
	{"ar", "ti", "am", "zh-Hans", "es", "bg"},
	{"bg", "es", "uk", "fa", "so"},
	{"ar", "bg", "es", "uk", "so"},
	{"es", "bg", "uk", "sq", "fa"},
	{"ti", "es", "bg", "uk", "ro"},
	{"bg", "es", "uk", "fa"},
	{"fa", "bg", "es", "uk"},
	{"zh-Hans", "uk", "es", "bg"},
	{"am", "so", "sq", "es"},
	{"bg", "es", "uk"},
	{"ar", "en", "ti"},
	{"fa", "es", "bg"},
	{"uk", "es", "ar"},
	{"zh-Hans", "am", "ti"},
	{"bg", "es"},
	{"ar", "uk"},
	{"es", "fa"},
	{"ti", "am"},
	{"zh-Hans", "uk"},
	{"uk"},
	{"bg"},
	{"es"},
	{"ar"},
	{"fa"},
	{"ti"},
	{"zh-Hans"},
}

// longBase is a 40-character domain, longer than a tear-off strip's line.
const longBase = "https://help-and-advice-for-everyone.example.org"

// TestLayoutFits renders, in Chromium, every demo venue's default poster
// and every hard language set at every size, and reads back from the page's
// geometry that no text is off the page, under the QR code or its quiet
// zone, over other text or clipped. The same for a 40-character domain,
// whose every strip and main address must still carry the whole code.
func TestLayoutFits(t *testing.T) {
	if len(hardSets) < 40 {
		t.Fatalf("only %d hard sets", len(hardSets))
	}
	if n := len([]rune("help-and-advice-for-everyone.example.org")); n != 40 {
		t.Fatalf("the long domain has %d characters, want 40", n)
	}
	tab := layoutTab(t)
	s := demo(t)
	type job struct {
		v     *site.Venue
		langs []string
		base  string
	}
	var jobs []job
	for i := range s.Config.Venues {
		jobs = append(jobs, job{&s.Config.Venues[i], nil, testBase}, job{&s.Config.Venues[i], nil, longBase})
	}
	for _, langs := range hardSets {
		jobs = append(jobs, job{venue(t, "N3VB7"), langs, testBase})
	}
	for _, langs := range hardSets[:8] {
		jobs = append(jobs, job{venue(t, "K7Q2M"), langs, longBase})
	}
	start, loads := time.Now(), 0
	defer func() {
		t.Logf("TIMING %d posters laid out and checked in %v (%v each)", loads, time.Since(start).Round(time.Millisecond),
			(time.Since(start) / time.Duration(max(loads, 1))).Round(time.Millisecond))
	}()
	for _, sz := range poster.Sizes {
		for _, j := range jobs {
			for _, discreet := range []bool{false, true} {
				if discreet && (j.langs != nil || j.base != longBase) { // discreet changes the headline and strips: the default posters with the long domain
					continue
				}
				html, err := renderWith(t, j.v, poster.Options{Size: sz, Langs: j.langs, BaseURL: j.base, Discreet: discreet})
				if err != nil {
					t.Fatal(err)
				}
				label := fmt.Sprintf("%s %s %v %s discreet=%v", sz.Name, j.v.Code, j.langs, j.base, discreet)
				bad := layoutProblems(t, tab, html)
				bad = append(bad, checkCodes(t, tab, j.v.Code, sz)...)
				loads++
				if len(bad) > 0 {
					t.Errorf("%s:\n  %s", label, strings.Join(bad, "\n  "))
				}
			}
		}
	}
}

// codesJS reports, for the page in the tab, the venue code as each strip
// and the main address print it, and the smallest font size of any text.
const codesJS = `(() => {
  const u = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u'));
  const codes = [...document.querySelectorAll('.url .code, .tears .code')].map(e => e.textContent);
  const strips = document.querySelectorAll('.tears li').length;
  let minPx = 1e9, minText = '';
  const walker = document.createTreeWalker(document.querySelector('.sheet'), NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    if (!n.data.trim() || n.parentElement.closest('svg, style, script, title')) continue;
    const px = parseFloat(getComputedStyle(n.parentElement).fontSize);
    if (px < minPx) { minPx = px; minText = n.data.trim(); }
  }
  // Cut lines: the row of strips has a dashed top edge, and each strip
  // but the first (in reading order) a dashed vertical edge towards it;
  // no strip has a top border of its own (which doubled the row's).
  const cuts = [];
  const ul = document.querySelector('.tears');
  if (getComputedStyle(ul).borderTopStyle !== 'dashed') cuts.push('the strips have no dashed top edge');
  const rtl = getComputedStyle(ul).direction === 'rtl';
  document.querySelectorAll('.tears li').forEach((li, i) => {
    const cs = getComputedStyle(li);
    if (cs.borderTopStyle !== 'none' || cs.borderBottomStyle !== 'none') cuts.push('strip ' + (i+1) + ' has a horizontal border');
    const start = rtl ? cs.borderRightStyle : cs.borderLeftStyle, end = rtl ? cs.borderLeftStyle : cs.borderRightStyle;
    if (end !== 'none' || (i === 0) !== (start === 'none') || (i > 0 && (start !== 'dashed' || parseFloat(rtl ? cs.borderRightWidth : cs.borderLeftWidth) < 1))) {
      cuts.push('strip ' + (i+1) + ' has borders ' + cs.borderLeftStyle + '/' + cs.borderRightStyle + ', want a dashed cut line towards the previous strip only');
    }
  });
  return {codes, strips, minPx, minText, uPx: u / 25.4 * 96, cuts};
})()`

type codesResult struct {
	Codes   []string
	Strips  int
	MinPx   float64
	MinText string
	UPx     float64
	Cuts    []string
}

// checkCodes: the main address and every strip carry the whole code, and no
// text is smaller than half the size's type unit (A5: 1.6 mm, about 4.5
// pt, for the strips' host name; the language blocks' minimum is larger).
func checkCodes(t *testing.T, tab context.Context, code string, sz poster.Size) []string {
	t.Helper()
	r, err := chromedp.Run(tab, chromedp.Evaluate[codesResult](codesJS))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	if len(r.Codes) != sz.TearStrips+1 {
		bad = append(bad, fmt.Sprintf("%d places print the code, want %d strips and the address", len(r.Codes), sz.TearStrips))
	}
	for _, c := range r.Codes {
		if c != code {
			bad = append(bad, fmt.Sprintf("code printed as %q, want %q", c, code))
		}
	}
	if r.Strips != sz.TearStrips {
		bad = append(bad, fmt.Sprintf("%d strips, want %d", r.Strips, sz.TearStrips))
	}
	bad = append(bad, r.Cuts...)
	if r.UPx <= 0 || r.MinPx < r.UPx*0.5-0.01 {
		bad = append(bad, fmt.Sprintf("text %q is %.1f px, below the legible minimum %.1f px", r.MinText, r.MinPx, r.UPx*0.5))
	}
	return bad
}

// TestLayoutWithoutJavaScript: with scripts off, the poster keeps the
// minimum type of poster.css, and even the hardest sets fit at it.
func TestLayoutWithoutJavaScript(t *testing.T) {
	tab := layoutTab(t)
	if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	for _, sz := range poster.Sizes {
		for _, langs := range hardSets[:3] {
			html, err := renderWith(t, venue(t, "N3VB7"), poster.Options{Size: sz, Langs: langs, BaseURL: longBase})
			if err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
				t.Fatal(err)
			}
			tree, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(tab, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)}); err != nil {
				t.Fatal(err)
			}
			fit, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.fonts.ready.then(() => document.querySelector('.sheet').dataset.fit || 'unfitted')`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			if fit != "unfitted" {
				t.Fatalf("the fitting script ran (data-fit=%q) with scripts disabled", fit)
			}
			bad, err := chromedp.Run(tab, chromedp.Evaluate[[]string](geometryJS))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) > 0 {
				t.Errorf("%s %v without JavaScript:\n  %s", sz.Name, langs, strings.Join(bad, "\n  "))
			}
		}
	}
}

// TestLayoutRefuses: a set that cannot fit, here six long languages on an
// A6 sheet with A5's QR code and strips, is refused with an error naming
// the venue, the languages and the size, and no PDF.
func TestLayoutRefuses(t *testing.T) {
	requireBrowser(t)
	a6 := poster.Size{Name: "A6", W: 105, H: 148, QR: 72, Margin: 8, Unit: 3.2, Tear: 42, TearStrips: 3}
	langs := hardSets[0]
	html, err := renderWith(t, venue(t, "N3VB7"), poster.Options{Size: a6, Langs: langs, BaseURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pdf, err := printer.PDF(ctx, html)
	var fit *poster.FitError
	if !errors.As(err, &fit) || pdf != nil {
		t.Fatalf("PDF of six languages on A6: %d bytes, err %v; want a FitError", len(pdf), err)
	}
	for _, want := range []string{"N3VB7", strings.Join(langs, ","), "A6", "--langs", "--size"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// newSets are the hard sets of the languages issue 23 added: Nastaliq
// (Urdu, tall) with Malayalam (long words) and other Indic scripts, the
// Afghan pair with English, three Indian scripts with English, Thai (no
// spaces between words) with Tagalog (fil), six right-to-left languages, and six
// long Latin ones.
var newSets = [][]string{
	{"ur", "ml", "bn", "pa", "hi", "th"},
	{"ur", "ml", "de"},
	{"ml", "ur", "ta-like"},
	{"ps", "prs", "en"},
	{"hi", "pa", "bn", "en"},
	{"th", "fil", "en"},
	{"ur", "ps", "prs", "ckb", "fa", "ar"},
	{"de", "fr", "pt", "lt", "tr", "fil"},
	{"ckb", "ur", "en", "ml"},
	{"ur", "zh-Hans", "am", "ml", "th", "uk"},
	{"ml", "ur"},
	{"ur"},
	{"ml"},
	{"de"},
}

// TestLayoutNewLanguages lays out the new languages' hard sets at every
// size, as TestLayoutFits does the others. "ta-like" stands for a third
// long South Asian script: Bengali, the longest after Malayalam here.
func TestLayoutNewLanguages(t *testing.T) {
	tab := layoutTab(t)
	s := demo(t)
	for _, sz := range poster.Sizes {
		for _, set := range newSets {
			langs := make([]string, len(set))
			for i, id := range set {
				if id == "ta-like" {
					id = "bn"
				}
				if _, ok := s.Locale(id); !ok {
					t.Fatalf("the demo has no %s", id)
				}
				langs[i] = id
			}
			html, err := renderWith(t, venue(t, "N3VB7"), poster.Options{Size: sz, Langs: langs, BaseURL: testBase})
			if err != nil {
				t.Fatal(err)
			}
			bad := layoutProblems(t, tab, html)
			bad = append(bad, checkCodes(t, tab, "N3VB7", sz)...)
			if len(bad) > 0 {
				t.Errorf("%s %v:\n  %s", sz.Name, langs, strings.Join(bad, "\n  "))
			}
		}
	}
}
