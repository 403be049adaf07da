package main

import (
	"context"
	"fmt"
	"io"
	"path"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
)

// runCheck validates a config and the locales, and renders every page, so
// that an operator learns of every problem before deploying.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", "", stderr)
	config := fs.String("config", "", "config file (TOML); empty checks the embedded demo")
	strict := fs.Bool("strict", false, "also fail while any number is not yet confirmed by the operator")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := loadSite(*config)
	if err != nil {
		return err
	}
	unconfirmed := 0
	for _, r := range s.Config.Regions {
		for _, e := range r.Emergency {
			if !e.Confirmed {
				unconfirmed++
			}
		}
		for _, h := range r.Helplines {
			if !h.Confirmed {
				unconfirmed++
			}
		}
	}
	fmt.Fprintf(stdout, "%s: %d regions, %d venues, %d languages: OK\n", s.Config.Source, len(s.Config.Regions), len(s.Config.Venues), len(s.Locales))

	// The same check as `waymark i18n`: errors fail, the rest is a count.
	ids, err := pages.UsedIDs(assets.FS(), s.Catalog.English())
	if err != nil {
		return err
	}
	report := s.Catalog.Check(ids)
	fmt.Fprintln(stdout, summary(report))
	for _, l := range report.Languages {
		for _, p := range l.Problems {
			if p.Severity == lang.SeverityError {
				p.File = path.Join("locales", p.File)
				fmt.Fprintf(stdout, "  ERROR   %s\n", p)
			}
		}
	}

	if unconfirmed > 0 {
		fmt.Fprintf(stdout, "warning: %d numbers are not yet confirmed by their operator (confirmed = false); pages say so\n", unconfirmed)
	}
	if report.Errors > 0 {
		return fmt.Errorf("%s in the translations", plural(report.Errors, "error"))
	}
	if unconfirmed > 0 && *strict {
		return fmt.Errorf("%d unconfirmed numbers (--strict)", unconfirmed)
	}
	return nil
}
