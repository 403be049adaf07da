package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/site"
)

// runScreens takes phone-sized screenshots of a venue's page in every
// language, and one of each poster size, so that people can see the
// product (the README shows some) and reviewers can check every script.
func runScreens(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("screens", "", stderr)
	from := addDataFlags(fs)
	out := fs.String("out", "screens", "folder to write PNG files into")
	code := fs.String("venue", "K7Q2M", "venue whose pages and posters to capture")
	width := fs.Int("width", 360, "viewport width in CSS pixels")
	height := fs.Int("height", 740, "viewport height in CSS pixels")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	v, err := findVenue(s.Config, *code)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	srv := httptest.NewServer(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{})))
	defer srv.Close()
	bctx, stop, err := browser.Start(ctx)
	if err != nil {
		return err
	}
	defer stop()

	shoot := func(name string, w, h int, load chromedp.Action[chromedp.Void]) error {
		tab, cancel := chromedp.NewContext(bctx)
		defer cancel()
		if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(w), int64(h), chromedp.EmulateScale(2)), load); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path := filepath.Join(*out, name)
		fmt.Fprintln(stderr, path)
		return os.WriteFile(path, png, 0o644)
	}
	for _, l := range s.Locales {
		if err := shoot(fmt.Sprintf("page-%s.png", l.ID), *width, *height, chromedp.Navigate(srv.URL+v.Path()+"/"+l.ID)); err != nil {
			return err
		}
	}
	if err := shoot("kiosk-en.png", 800, 1280, chromedp.Navigate(srv.URL+v.Path()+"/kiosk/en")); err != nil {
		return err
	}
	fonts, err := from.posterFonts(assets.FS())
	if err != nil {
		return err
	}
	for _, sz := range poster.Sizes {
		html, err := poster.Render(s, assets.FS(), []*site.Venue{v}, poster.Options{Size: sz, BaseURL: "https://example.org", Fonts: fonts})
		if err != nil {
			return err
		}
		// The sheet at 96 CSS pixels to the inch.
		w, h := int(sz.W/25.4*96+0.5), int(sz.H/25.4*96+0.5)
		// poster.Load waits for the fonts and fits the type, as a print does.
		load := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			return poster.Load(ctx, html)
		})
		if err := shoot(fmt.Sprintf("poster-%s.png", sz.Name), w, h, load); err != nil {
			return err
		}
	}
	return nil
}
