package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path"
	"time"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
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
	stale := staleNumbers(s.Config, time.Now())
	for _, n := range stale {
		fmt.Fprintf(stdout, "warning: %s\n", n)
	}
	if report.Errors > 0 {
		return fmt.Errorf("%s in the translations", plural(report.Errors, "error"))
	}
	if unconfirmed > 0 && *strict {
		return fmt.Errorf("%d unconfirmed numbers (--strict)", unconfirmed)
	}
	if len(stale) > 0 && *strict {
		return fmt.Errorf("%d numbers not verified for over a year (--strict)", len(stale))
	}
	return nil
}

// staleAfter is how long a verified number is trusted: helplines change
// numbers, hours and languages, and a wrong number on a poster is worse
// than none. docs/deploy.md asks for a yearly call to each.
const staleAfter = 365 * 24 * time.Hour

// staleNumbers describes each number whose verified date is over a year old.
func staleNumbers(c *site.Config, now time.Time) []string {
	var out []string
	check := func(region, what string, f site.Fact) {
		if !f.Verified.IsZero() && now.Sub(f.Verified) > staleAfter {
			out = append(out, fmt.Sprintf("region %s: %s was last verified on %s, more than a year ago: call it again and update verified",
				region, what, f.Verified.Format("2006-01-02")))
		}
	}
	for _, r := range c.Regions {
		for _, e := range r.Emergency {
			check(r.ID, "emergency number "+e.Number, e.Fact)
		}
		for _, h := range r.Helplines {
			check(r.ID, "helpline "+h.Name+" ("+cmp.Or(h.Call, h.Text)+")", h.Fact)
		}
	}
	return out
}
