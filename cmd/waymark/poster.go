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
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "", "public origin printed and encoded in the QR code, e.g. https://help.example.org (required)")
	allowLocal := fs.Bool("allow-local", false, "allow a local --base-url (default http://localhost:8080), for test prints only")
	discreet := fs.Bool("discreet", false, "neutral headline, and tear-off strips with the short address only (no helpline number)")
	size := fs.String("size", "A4", "paper size: A5, A4 or A3")
	langs := fs.String("langs", "", "comma-separated languages, in order, at most 6, any letter case (default: the venue's)")
	out := fs.String("o", "", "output file (default: CODE-SIZE.pdf; - for standard output)")
	asHTML := fs.Bool("html", false, "write the print-ready HTML instead of a PDF")
	arg, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	base, err := posterBase(*baseURL, *allowLocal)
	if err != nil {
		return err
	}
	s, err := from.load()
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
	fonts, err := from.posterFonts(assets.FS())
	if err != nil {
		return err
	}
	o := poster.Options{Size: sz, BaseURL: base, Langs: splitList(*langs), Discreet: *discreet, Fonts: fonts}
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
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "", "public origin printed and encoded in the QR codes, e.g. https://help.example.org (required)")
	allowLocal := fs.Bool("allow-local", false, "allow a local --base-url (default http://localhost:8080), for test prints only")
	discreet := fs.Bool("discreet", false, "neutral headline, and tear-off strips with the short address only (no helpline number)")
	size := fs.String("size", "A4", "paper size: A5, A4 or A3")
	outDir := fs.String("out", "posters", "folder to write CODE-SIZE.pdf files into")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	base, err := posterBase(*baseURL, *allowLocal)
	if err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	sz, err := poster.SizeByName(*size)
	if err != nil {
		return err
	}
	fonts, err := from.posterFonts(assets.FS())
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
		html, err := poster.Render(s, assets.FS(), []*site.Venue{v}, poster.Options{Size: sz, BaseURL: base, Discreet: *discreet, Fonts: fonts})
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

// localBase is what --allow-local prints when no --base-url is given.
const localBase = "http://localhost:8080"

// posterBase refuses to print a poster whose QR code and address lead
// nowhere: a local address works only on the computer that printed it.
func posterBase(baseURL string, allowLocal bool) (string, error) {
	if baseURL == "" {
		if !allowLocal {
			return "", fmt.Errorf("no --base-url: set it to the public address people will open, e.g. --base-url https://help.example.org (the one `waymark serve` is reached at); --allow-local prints %s for a test", localBase)
		}
		baseURL = localBase
	}
	if poster.IsLocal(baseURL) && !allowLocal {
		return "", fmt.Errorf("--base-url %s is a local address that phones cannot reach: set --base-url to the public address, e.g. https://help.example.org (--allow-local prints it anyway, for a test)", baseURL)
	}
	return baseURL, nil
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
