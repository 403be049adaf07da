package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
)

// dataFlags are where a command reads the deployment's data: its config
// file and its own texts (--locales) over the embedded ones. Every command
// that reads data takes both, and loads them through pages.Load, so that
// every path runs the same checks.
type dataFlags struct {
	config, locales, fonts string
}

// addDataFlags adds --config, --locales and --fonts to a command's flags.
func addDataFlags(fs *flag.FlagSet) *dataFlags {
	d := &dataFlags{}
	fs.StringVar(&d.config, "config", "", "config file (TOML); empty uses the embedded demo")
	fs.StringVar(&d.locales, "locales", "", "folder of the deployment's own texts (active.<tag>.json), which add to and override the built-in ones")
	fs.StringVar(&d.fonts, "fonts", "", "folder of TrueType fonts (.ttf, .woff) that posters may embed besides the built-in ones, for a script none of them covers (TRANSLATING.md, section 10)")
	return d
}

// posterFonts are the built-in poster fonts and the deployment's --fonts.
func (d *dataFlags) posterFonts(assets fs.FS) (*poster.Fonts, error) {
	return poster.LoadFonts(assets, d.fonts)
}

// sources are the embedded locales and assets, or with dev the folders
// ./locales and ./assets, plus the deployment's config and texts.
func (d *dataFlags) sources(dev bool) pages.Sources {
	src := pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: d.config, LocalesDir: d.locales}
	if dev {
		src.Locales, src.Assets = os.DirFS("locales"), os.DirFS("assets")
	}
	return src
}

// load reads and checks everything and renders every page.
func (d *dataFlags) load() (*pages.Site, error) { return pages.Load(d.sources(false)) }

// loadCtx is pages.Load that gives up when ctx ends (SIGTERM, Ctrl-C). A
// load is bounded (internal/safefile) but may take seconds at 100,000
// venues, and a signal must be answered meanwhile; the abandoned load
// ends with the process.
func loadCtx(ctx context.Context, src pages.Sources) (*pages.Site, error) {
	type result struct {
		s   *pages.Site
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := pages.Load(src)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("stopped while loading: %w", context.Cause(ctx))
	}
}
