package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/site"
)

// runPoster prints one venue's poster to PDF (or its HTML with --html).
func runPoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("poster", " CODE", stderr)
	config := fs.String("config", "", "config file (TOML); empty uses the embedded demo")
	baseURL := fs.String("base-url", "http://localhost:8080", "public origin printed and encoded in the QR code")
	size := fs.String("size", "A4", "paper size: A5, A4 or A3")
	langs := fs.String("langs", "", "comma-separated languages, in order (default: the venue's)")
	out := fs.String("o", "", "output file (default: CODE-SIZE.pdf; - for standard output)")
	asHTML := fs.Bool("html", false, "write the print-ready HTML instead of a PDF")
	arg, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	s, err := loadSite(*config)
	if err != nil {
		return err
	}
	v, err := findVenue(s.Config, arg)
	if err != nil {
		return err
	}
	sz, err := poster.SizeByName(*size)
	if err != nil {
		return err
	}
	o := poster.Options{Size: sz, BaseURL: *baseURL, Langs: splitList(*langs)}
	html, err := poster.Render(s, assets.FS(), []*site.Venue{v}, o)
	if err != nil {
		return err
	}
	name := *out
	if name == "" {
		name = fmt.Sprintf("%s-%s.pdf", v.Code, sz.Name)
		if *asHTML {
			name = strings.TrimSuffix(name, ".pdf") + ".html"
		}
	}
	data := html
	if !*asHTML {
		var p poster.Printer
		defer p.Close()
		if data, err = p.PDF(ctx, html); err != nil {
			return err
		}
	}
	return writeOutput(name, data, stdout)
}

// runPosters prints every venue's poster into a folder, in one browser,
// one poster at a time: each PDF is written as soon as it is printed and
// nothing is kept, so memory stays the same for five posters or 100,000.
func runPosters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("posters", "", stderr)
	config := fs.String("config", "", "config file (TOML); empty uses the embedded demo")
	baseURL := fs.String("base-url", "http://localhost:8080", "public origin printed and encoded in the QR codes")
	size := fs.String("size", "A4", "paper size: A5, A4 or A3")
	outDir := fs.String("out", "posters", "folder to write CODE-SIZE.pdf files into")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := loadSite(*config)
	if err != nil {
		return err
	}
	sz, err := poster.SizeByName(*size)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	var p poster.Printer
	defer p.Close()
	start := time.Now()
	n := len(s.Config.Venues)
	for i := range s.Config.Venues {
		v := &s.Config.Venues[i]
		html, err := poster.Render(s, assets.FS(), []*site.Venue{v}, poster.Options{Size: sz, BaseURL: *baseURL})
		if err != nil {
			return err
		}
		pdf, err := p.PDF(ctx, html)
		if err != nil {
			return fmt.Errorf("venue %s: %w", v.Code, err)
		}
		name := filepath.Join(*outDir, fmt.Sprintf("%s-%s.pdf", v.Code, sz.Name))
		if err := os.WriteFile(name, pdf, 0o644); err != nil {
			return err
		}
		// Progress on stderr, so that a campaign's thousand posters (a
		// few minutes) show how far they are and how long is left.
		done := i + 1
		rate := float64(done) / time.Since(start).Seconds()
		left := time.Duration(float64(n-done) / rate * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(stderr, "[%d/%d] %s (%.1f posters/s, about %v left)\n", done, n, name, rate, left)
	}
	fmt.Fprintf(stderr, "%d posters in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

func findVenue(cfg *site.Config, raw string) (*site.Venue, error) {
	code, ok := site.NormalizeCode(raw)
	if !ok {
		return nil, fmt.Errorf("%q is not a venue code (run `waymark venues` for the list)", raw)
	}
	v, ok := cfg.Venue(code)
	if !ok {
		return nil, fmt.Errorf("no venue %s in %s (run `waymark venues` for the list)", code, cfg.Source)
	}
	return v, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeOutput writes to a file, or to standard output for "-".
func writeOutput(name string, data []byte, stdout io.Writer) error {
	if name == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return os.WriteFile(name, data, 0o644)
}
