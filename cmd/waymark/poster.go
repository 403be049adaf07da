package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	size := fs.String("size", "", "paper size: A5, A4 or A3 (default: the venue's paper, else A4)")
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
	sz, err := poster.SizeByName(cmp.Or(*size, v.PaperOrDefault()))
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
// Each venue is printed at its own paper size (--size overrides), into a
// folder per region and area, with a print list for the print shop; and
// nothing is printed while `check --strict` fails, unless --draft marks
// every sheet as a draft.
func runPosters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("posters", "", stderr)
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "", "public origin printed and encoded in the QR codes, e.g. https://help.example.org (required)")
	allowLocal := fs.Bool("allow-local", false, "allow a local --base-url (default http://localhost:8080), for test prints only")
	discreet := fs.Bool("discreet", false, "neutral headline, and tear-off strips with the short address only (no helpline number)")
	size := fs.String("size", "", "paper size for every venue: A5, A4 or A3 (default: each venue's paper, else A4)")
	outDir := fs.String("out", "posters", "folder to write REGION/AREA/CODE-SIZE.pdf files and print-run.csv into")
	draft := fs.Bool("draft", false, "print even while `waymark check --strict` fails, with DRAFT in every sheet's margin")
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
	var override *poster.Size
	if *size != "" {
		sz, err := poster.SizeByName(*size)
		if err != nil {
			return err
		}
		override = &sz
	}
	// docs/deploy.md: print only once every number is confirmed. A
	// poster on a wall outlives any later correction.
	if err := strictCheck(s.Config, io.Discard, false); err != nil && !*draft {
		return fmt.Errorf("not printing: %v (`waymark check --strict` lists each); --draft prints proofs marked DRAFT", err)
	}
	runs, err := printRuns(s.Config.Venues, override)
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
	var list bytes.Buffer
	lw := csv.NewWriter(&list)
	lw.Write([]string{"file", "code", "region", "area", "paper", "copies", "name"})
	var p poster.Printer
	defer p.Close()
	start := time.Now()
	n := len(runs)
	for i, r := range runs {
		v := r.venue
		html, err := poster.Render(s, assets.FS(), []*site.Venue{v}, poster.Options{Size: r.size, BaseURL: base, Discreet: *discreet, Draft: *draft, Fonts: fonts})
		if err != nil {
			return err
		}
		pdf, err := p.PDF(ctx, html)
		if err != nil {
			return fmt.Errorf("venue %s: %w", v.Code, err)
		}
		rel := filepath.Join(r.folder, fmt.Sprintf("%s-%s.pdf", v.Code, r.size.Name))
		name := filepath.Join(*outDir, rel)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, pdf, 0o644); err != nil {
			return err
		}
		lw.Write([]string{filepath.ToSlash(rel), v.Code, v.Region, v.Area, r.size.Name, strconv.Itoa(v.CopiesOrOne()), v.Name})
		// Progress on stderr, so that a campaign's thousand posters (a
		// few minutes) show how far they are and how long is left.
		done := i + 1
		rate := float64(done) / time.Since(start).Seconds()
		left := time.Duration(float64(n-done) / rate * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(stderr, "[%d/%d] %s (%.1f posters/s, about %v left)\n", done, n, name, rate, left)
	}
	lw.Flush()
	if err := os.WriteFile(filepath.Join(*outDir, "print-run.csv"), list.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d posters in %s; %s lists each file with its paper and copies\n", n, time.Since(start).Round(time.Millisecond), filepath.Join(*outDir, "print-run.csv"))
	return nil
}

// printRun is one venue's place in a print run.
type printRun struct {
	venue  *site.Venue
	size   poster.Size
	folder string // REGION or REGION/AREA
}

// printRuns orders the venues by region and area (and as the config lists
// them within one), each with its paper size and folder: a field team
// takes one folder to one place.
func printRuns(venues []site.Venue, override *poster.Size) ([]printRun, error) {
	runs := make([]printRun, len(venues))
	for i := range venues {
		v := &venues[i]
		r := printRun{venue: v, folder: folderName(v.Region)}
		if v.Area != "" {
			r.folder = filepath.Join(r.folder, folderName(v.Area))
		}
		if override != nil {
			r.size = *override
		} else {
			sz, err := poster.SizeByName(v.PaperOrDefault())
			if err != nil {
				return nil, fmt.Errorf("venue %s: %w", v.Code, err)
			}
			r.size = sz
		}
		runs[i] = r
	}
	slices.SortStableFunc(runs, func(a, b printRun) int {
		return cmp.Or(cmp.Compare(a.venue.Region, b.venue.Region), cmp.Compare(a.venue.Area, b.venue.Area))
	})
	return runs, nil
}

// folderName keeps a region or area ID to a plain folder name: region
// IDs are free text in the config, and "../x" must not write outside --out.
func folderName(id string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
	if name == "" {
		return "_"
	}
	return name
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
