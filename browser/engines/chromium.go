package engines

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	wmbrowser "github.com/waymark/waymark/browser"
)

// chromium is the headless Chromium that the rest of Waymark's browser
// tests use (browser.Start), driven through the DevTools protocol.
type chromium struct {
	bctx    context.Context
	cancel  context.CancelFunc
	version string
}

func startChromium(ctx context.Context) (Engine, error) {
	bctx, cancel, err := wmbrowser.Start(context.Background(), chromedp.IgnoreCertErrors)
	if err != nil {
		if errors.Is(err, wmbrowser.ErrNotFound) {
			return nil, &Missing{Chromium, Packages[Chromium]}
		}
		return nil, err
	}
	v, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		cancel()
		return nil, err
	}
	return &chromium{bctx: bctx, cancel: cancel, version: "Chromium " + v.Product[strings.IndexByte(v.Product, '/')+1:]}, nil
}

func (c *chromium) Name() string    { return Chromium }
func (c *chromium) Version() string { return c.version }
func (c *chromium) Close() error    { c.cancel(); return nil }

func (c *chromium) NewPage(ctx context.Context, o Options) (Page, error) {
	// A browser context of its own: no cookies, storage or cache shared.
	tab, cancel := chromedp.NewContext(c.bctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		cancel()
		return nil, err
	}
	p := &crPage{ctx: tab, cancel: cancel}
	// Tabs may run side by side and only one has the focus: let each
	// page believe it has it, so that key events reach it.
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		cancel()
		return nil, err
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(o.Width), int64(o.Height), chromedp.EmulateMobile)); err != nil {
		cancel()
		return nil, err
	}
	if o.NoJS {
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			cancel()
			return nil, err
		}
	}
	return p, nil
}

type crPage struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (p *crPage) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, 60*time.Second)
}

func (p *crPage) Navigate(url string) error {
	ctx, cancel := p.timeout()
	defer cancel()
	if _, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url}); err != nil {
		return err
	}
	_, err := WaitDocument(p, 30*time.Second, func(u string) bool { return u == url || u != "about:blank" })
	return err
}

func (p *crPage) URL() (string, error) {
	var u string
	err := p.Eval("location.href", &u)
	return u, err
}

func (p *crPage) Eval(expr string, out any) error {
	ctx, cancel := p.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](wrapJSON(expr), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	return decodeJSON([]byte(s), out)
}

// keyDefs are what the DevTools protocol needs to type a key as a
// keyboard would.
func keyDef(name string) input.DispatchKeyEventParams {
	if name == "Shift" {
		return input.DispatchKeyEventParams{Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, NativeVirtualKeyCode: 16, Location: 1}
	}
	up := strings.ToUpper(name)
	return input.DispatchKeyEventParams{Key: name, Code: "Key" + up, Text: name, UnmodifiedText: name,
		WindowsVirtualKeyCode: int64(up[0]), NativeVirtualKeyCode: int64(up[0])}
}

func (p *crPage) Keys(keys ...Key) error {
	ctx, cancel := p.timeout()
	defer cancel()
	var mods int64
	for _, k := range keys {
		d := keyDef(k.Name)
		if k.Name == "Shift" && k.Down {
			mods |= 8
		}
		d.Modifiers = mods
		if mods&8 != 0 && d.Text != "" {
			d.Key, d.Text = strings.ToUpper(d.Key), strings.ToUpper(d.Text)
		}
		if k.Name == "Shift" && !k.Down {
			mods &^= 8
			d.Modifiers = mods
		}
		if k.Down {
			d.Type = input.DispatchKeyEventTypeKeyDown
			if d.Text == "" {
				d.Type = input.DispatchKeyEventTypeRawKeyDown
			}
		} else {
			d.Type = input.DispatchKeyEventTypeKeyUp
			d.Text, d.UnmodifiedText = "", ""
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, d); err != nil {
			return err
		}
	}
	return nil
}

func (p *crPage) Click(x, y float64) error {
	ctx, cancel := p.timeout()
	defer cancel()
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: typ, X: x, Y: y, Button: input.MouseButtonLeft, ClickCount: 1}); err != nil {
			return err
		}
	}
	return nil
}

func (p *crPage) Back() error {
	ctx, cancel := p.timeout()
	defer cancel()
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return err
	}
	if h.CurrentIndex < 1 {
		return errors.New("no history entry before this one")
	}
	_, err = chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
	return err
}

func (p *crPage) Screenshot() ([]byte, error) {
	ctx, cancel := p.timeout()
	defer cancel()
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

func (p *crPage) Close() error { p.cancel(); return nil }
