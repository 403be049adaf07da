package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// runVenues prints one venue a line, starting with its code and with no
// header line, so that scripts can read it: code, region, languages, name.
func runVenues(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("venues", "", stderr)
	config := fs.String("config", "", "config file (TOML); empty reads the embedded demo")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return err
	}
	for _, v := range cfg.Venues {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", v.Code, v.Region, strings.Join(v.Languages, ","), v.Name)
	}
	return nil
}

// loadConfig reads a config file, or the embedded demo, against the
// embedded locales.
func loadConfig(path string) (*site.Config, error) {
	cat, err := lang.Load(locales.FS())
	if err != nil {
		return nil, err
	}
	if path == "" {
		return site.Demo(cat)
	}
	return site.LoadFile(path, cat)
}

// loadSite reads a config (or the demo) with the embedded locales and
// assets, and renders every page: what every command but serve needs.
func loadSite(config string) (*pages.Site, error) {
	return pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: config})
}
