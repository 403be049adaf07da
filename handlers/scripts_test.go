package handlers

// Page text in every script renders on a cheap phone without web fonts
// (issue 23): Chromium at 320 CSS px, with only the fonts a stock Android
// phone has (the Noto families; Android has no other fonts for most
// scripts), shows every character of every language's page with a real
// glyph, never a missing-glyph box ("tofu"); and right-to-left pages lay
// out as the Arabic page does.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/browser"
)

// notoOnly is a fontconfig configuration with the Noto fonts alone, as an
// Android phone has them: no DejaVu or Liberation to hide a gap.
const notoOnly = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/noto</dir>
  <dir>/usr/share/fonts/opentype/noto</dir>
  <cachedir>/var/cache/fontconfig</cachedir>
  <cachedir>%s</cachedir>
  <alias><family>sans-serif</family><prefer><family>Noto Sans</family></prefer></alias>
  <alias><family>system-ui</family><prefer><family>Noto Sans</family></prefer></alias>
</fontconfig>
`

// tofuJS draws each character of the page's text, alone, on a canvas in
// the page's own font list, and compares its pixels with those of two
// unassigned code points, which no font has: Chromium draws those as the
// missing-glyph box. A character drawn exactly like them is tofu. Returns
// the tofu characters, or an error string when the method cannot tell (the
// box is blank, or the two references differ).
const tofuJS = `(() => {
  document.querySelectorAll("details").forEach(d => d.open = true);
  const text = document.body.innerText + " " + document.title;
  const font = "32px " + getComputedStyle(document.body).fontFamily;
  const c = document.createElement("canvas"); c.width = 96; c.height = 64;
  const g = c.getContext("2d", {willReadFrequently: true});
  const draw = ch => { g.clearRect(0, 0, 96, 64); g.font = font; g.fillStyle = "#000"; g.fillText(ch, 16, 44);
    return Array.from(g.getImageData(0, 0, 96, 64).data).join(","); };
  const box = draw("\u0378"), box2 = draw("\u0379");
  if (box !== box2) return {error: "the two unassigned code points draw differently"};
  if (!box.split(",").some(v => v !== "0")) return {error: "the missing-glyph box draws nothing"};
  const seen = new Set(), tofu = [];
  for (const ch of text) {
    if (seen.has(ch) || /\s|\p{Cf}|\p{Cc}/u.test(ch)) continue;
    seen.add(ch);
    if (draw(ch) === box) tofu.push(ch);
  }
  return {chars: seen.size, tofu: tofu, control: draw("\u0380") === box && draw("A") !== box, font: font};
})()`

type tofuResult struct {
	Chars   int      `json:"chars"`
	Tofu    []string `json:"tofu"`
	Control bool     `json:"control"`
	Error   string   `json:"error"`
	Font    string   `json:"font"`
}

// rtlJS measures, at 320 px, which side each landmark of the page hangs on
// and whether anything overflows sideways.
const rtlJS = `(() => {
  const w = document.documentElement.clientWidth;
  const side = sel => { const e = document.querySelector(sel); if (!e) return "none";
    const r = e.getBoundingClientRect(); if (r.width === 0) return "hidden";
    const left = r.left, right = w - r.right;
    return Math.abs(left - right) < 2 ? "centre" : (left < right ? "left" : "right"); };
  // The side the first line of a block's text starts on.
  const line = sel => { const e = document.querySelector(sel); if (!e) return "none";
    const rg = document.createRange(); rg.selectNodeContents(e); const r = rg.getClientRects()[0];
    if (!r) return "hidden"; const b = e.getBoundingClientRect();
    return (r.left - b.left) < (b.right - r.right) ? "left" : "right"; };
  return {dir: document.documentElement.dir, overflow: document.documentElement.scrollWidth > w + 1,
    sides: ["#exit", ".toplangs li:first-child"].map(s => s + ":" + side(s)).join(" ") + " " +
      ["#h-sos", "#h-sos + p"].map(s => s + " text:" + line(s)).join(" ")};
})()`

type rtlResult struct {
	Dir      string `json:"dir"`
	Overflow bool   `json:"overflow"`
	Sides    string `json:"sides"`
}

// TestScriptsWithoutTofu opens every language's page in a Chromium that
// has only the Noto fonts and finds no character drawn as a missing-glyph
// box; the right-to-left pages hang their landmarks on the sides the
// Arabic page does, with nothing overflowing at 320 px.
func TestScriptsWithoutTofu(t *testing.T) {
	for _, dir := range []string{"/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"} {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("%v: install fonts-noto-core and fonts-noto-cjk (test.sh does)", err)
		}
	}
	tmp := t.TempDir()
	conf := filepath.Join(tmp, "fonts.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(notoOnly, filepath.Join(tmp, "cache"))), 0o644); err != nil {
		t.Fatal(err)
	}
	bctx, cancel, err := browser.Start(context.Background(), chromedp.Env("FONTCONFIG_FILE="+conf))
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		t.Fatalf("start browser: %v", err)
	}
	t.Cleanup(cancel)
	f := newBrowserFixture(t, bctx)
	e := f.env(t)

	var mu sync.Mutex
	layouts := map[string]rtlResult{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, loc := range f.site.Locales {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t.Run(loc.ID, func(t *testing.T) {
				ctx := newBrowserTab(t, bctx)
				tabDo(t, ctx, "set the viewport", emulateViewport(reflowW, reflowH, true))
				resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(e.ours.URL+"/K7Q2M/"+loc.ID))
				if err != nil || resp.Status != http.StatusOK {
					t.Fatalf("open %s: %v %v", loc.ID, resp, err)
				}
				r := tabEvalJSON[tofuResult](t, ctx, tofuJS)
				if r.Error != "" {
					t.Fatalf("cannot detect tofu: %s", r.Error)
				}
				if !r.Control {
					t.Fatal("an unassigned code point is not detected as tofu: the check could not fail")
				}
				if r.Chars < 40 {
					t.Fatalf("only %d distinct characters on the page", r.Chars)
				}
				if len(r.Tofu) > 0 {
					var names []string
					for _, c := range r.Tofu {
						names = append(names, fmt.Sprintf("%s U+%04X", c, []rune(c)[0]))
					}
					t.Errorf("%s: %d characters have no glyph in any Noto font (%s): %s", loc.ID, len(r.Tofu), r.Font, strings.Join(names, ", "))
				}
				// Layout is measured with the details closed again.
				tabEvalVoid(t, ctx, `document.querySelectorAll("details").forEach(d => d.open = false); window.scrollTo(0, 0)`)
				l := tabEvalJSON[rtlResult](t, ctx, rtlJS)
				if l.Dir != loc.Dir {
					t.Errorf("dir=%q, want %q", l.Dir, loc.Dir)
				}
				if l.Overflow {
					t.Errorf("the page overflows sideways at %d px", reflowW)
				}
				mu.Lock()
				layouts[loc.ID] = l
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	ar, ok := layouts["ar"]
	if !ok {
		t.Fatal("no Arabic page measured")
	}
	for _, id := range []string{"ps", "prs", "ur", "ckb", "fa"} {
		l, ok := layouts[id]
		if !ok {
			if id == "fa" {
				t.Errorf("no %s page measured", id)
			}
			continue // a language still being drafted
		}
		if l.Sides != ar.Sides {
			t.Errorf("%s lays out as %s, Arabic as %s", id, l.Sides, ar.Sides)
		}
	}
	if !strings.Contains(ar.Sides, "#exit:right") {
		t.Errorf("the Arabic page's exit is not on the right: %s", ar.Sides)
	}
}
