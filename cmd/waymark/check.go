package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
	"github.com/waymark/waymark/site"
)

// runCheck validates a config and the locales, and renders every page, so
// that an operator learns of every problem before deploying.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", "", stderr)
	from := addDataFlags(fs)
	strict := fs.Bool("strict", false, "also fail while any number is not yet confirmed by the operator (listing each with its line) or its verified date is over a year old or in the future")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := loadCtx(ctx, from.sources(false))
	if err != nil {
		return err
	}
	// Posters print every language with their own fonts only: the
	// built-in ones and --fonts.
	fonts, err := from.posterFonts(assets.FS())
	if err != nil {
		return err
	}
	poster.CheckFonts(fonts, s.Catalog, s.Report)
	if s.Report.Errors > 0 {
		return pages.ReportError{Report: s.Report}
	}
	cfg := s.Config
	fmt.Fprintf(stdout, "%s: %d regions, %d areas, %d venues, %d languages: OK\n", cfg.Source, len(cfg.Regions), len(cfg.Areas), len(cfg.Venues), len(s.Locales))
	fmt.Fprintln(stdout, summary(s.Report))

	// Dates are checked against today: a number checked more than a
	// year ago, or "verified" in the future, needs the operator's
	// attention (docs/deploy.md asks for a yearly call to each).
	err = strictCheck(cfg, stdout, *strict)
	if !*strict {
		return nil
	}
	return err
}

// strictCheck is `waymark check --strict` over a loaded config: the
// warnings (dates over a year old or in the future, numbers not yet
// confirmed) go to w, with each unconfirmed number when list is set, and
// the error says why the config is not ready to print or deploy.
// `waymark posters` refuses to print on it.
func strictCheck(cfg *site.Config, w io.Writer, list bool) error {
	warnings := cfg.Warnings(time.Now())
	for _, ww := range warnings {
		fmt.Fprintf(w, "warning: %s\n", ww)
	}
	var unconfirmed []site.FactRef
	for _, f := range cfg.Facts() {
		if !f.Confirmed {
			unconfirmed = append(unconfirmed, f)
		}
	}
	if len(unconfirmed) > 0 {
		fmt.Fprintf(w, "warning: %s (numbers and the regions' guides) not yet confirmed by their operator (confirmed = false); pages say so of the numbers\n", plural(len(unconfirmed), "fact"))
	}
	if list {
		for _, f := range unconfirmed {
			fmt.Fprintf(w, "  %s: %s %s\n", site.Error{File: cfg.Source, Line: f.Line}.Where(), f.Where, f.Number)
		}
	}
	switch {
	case len(unconfirmed) > 0:
		return fmt.Errorf("%s unconfirmed (--strict): confirm each with its operator, then set confirmed = true", plural(len(unconfirmed), "number"))
	case len(warnings) > 0:
		return fmt.Errorf("%s to re-check (--strict): call each again and update verified", plural(len(warnings), "date"))
	}
	return nil
}

// summary is the one line `waymark check` prints about the translations.
func summary(r *lang.Report) string {
	s := fmt.Sprintf("translations: %d languages: %s, %s", len(r.Languages), plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	if r.Errors > 0 || r.Warnings > 0 {
		s += " (run `waymark i18n` for details)"
	}
	return s
}
