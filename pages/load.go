package pages

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Sources are where a site's parts come from: the embedded files in
// production, the folders on disk with --dev.
type Sources struct {
	Locales fs.FS
	Assets  fs.FS
	// ConfigPath is the deployment's config file; "" is the embedded demo.
	ConfigPath string
	// LocalesDir is the deployment's own texts (--locales): a folder of
	// active.<tag>.json files whose messages add to and override Locales.
	// It is read from disk at every load, so a reload sees its edits.
	LocalesDir string
	// ConfigData, when set, is the config's text, read instead of the
	// file at ConfigPath (which still names it): an edit is checked
	// before it replaces the file (`waymark venues import`).
	ConfigData []byte
}

// Load is the one way every command and event (serve, --dev, SIGHUP,
// check, i18n, export, poster, screens) reads a deployment's data: the
// locales with the deployment's texts over them, the config, the
// translators' checks for exactly the messages the config's pages use, and
// every page rendered. It returns a site only when all of that passes;
// otherwise every problem, each naming its file (and line and message
// where it has them).
func Load(src Sources) (*Site, error) {
	s, _, report, err := LoadReport(src)
	if err != nil {
		return nil, err
	}
	if report.Errors > 0 {
		return nil, ReportError{report}
	}
	return s, nil
}

// LoadReport is Load for the translators' report: it returns the site and
// the report even when the report has errors, so that `waymark i18n` can
// show all of them. A locale file that cannot be read at all is in the
// report too (kind "broken"), beside every other file's problems; the site
// is then nil. A broken English file or config is still an error. The
// catalog of every readable file comes back too, for checks of the
// translations that only the report makes (the poster fonts).
//
// The pages are rendered only when the report has no error, and a message
// that cannot be rendered (a placeholder the page does not supply) joins
// the report as a "render" error: the site is then nil.
func LoadReport(src Sources) (*Site, *lang.Catalog, *lang.Report, error) {
	layers := []lang.Layer{{FS: src.Locales, Name: "locales"}}
	if src.LocalesDir != "" {
		st, err := os.Stat(src.LocalesDir)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--locales: %w", err)
		}
		if !st.IsDir() {
			return nil, nil, nil, fmt.Errorf("--locales %s: not a folder", src.LocalesDir)
		}
		layers = append(layers, lang.Layer{FS: os.DirFS(src.LocalesDir), Name: filepath.ToSlash(filepath.Clean(src.LocalesDir))})
	}
	cat, loadErrs := lang.LoadLayersAll(layers...)
	if cat == nil {
		return nil, nil, nil, errors.Join(loadErrs...)
	}
	var cfg *site.Config
	var err error
	switch {
	case src.ConfigData != nil:
		cfg, err = site.Parse(src.ConfigPath, src.ConfigData, cat)
	case src.ConfigPath == "":
		cfg, err = site.Demo(cat)
	default:
		cfg, err = site.LoadFile(src.ConfigPath, cat)
	}
	if err != nil && len(loadErrs) == 0 {
		return nil, nil, nil, err
	}
	var ids []string
	if err == nil {
		if ids, err = UsedIDs(src.Assets, cat.English(), cfg); err != nil {
			return nil, nil, nil, err
		}
	} else {
		// The config names a language whose file is broken: report every
		// file's problems over all English messages, and the config's error
		// after them (it is often a consequence of the broken file).
		loadErrs = append(loadErrs, err)
	}
	report := cat.Check(ids)
	if len(loadErrs) > 0 {
		// A file could not be read: show every other file's problems too,
		// but build no site from the rest.
		report.AddLoadErrors(loadErrs)
		return nil, cat, report, nil
	}
	if report.Errors > 0 {
		return nil, cat, report, nil
	}
	// Recordings are translations in another form: read from the same
	// layers (audio/<tag>/), checked into the same report, so a broken one
	// refuses the data on every path as a broken text does.
	rec, err := audio.Load(layers...)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := build(cfg, cat, src.Assets, rec, ids)
	var te *lang.TranslateError
	if errors.As(err, &te) {
		report.Add(te.Lang, lang.Problem{Severity: lang.SeverityError, Kind: lang.KindRender,
			File: te.File, Line: te.Line, ID: te.ID, Explain: te.Why()})
		return nil, cat, report, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	audio.Check(report, rec, cat, s.Sections)
	for _, err := range s.spokenErrs {
		report.Add(lang.Source, lang.Problem{Severity: lang.SeverityWarning, Kind: audio.KindDigits,
			Explain: "a recording cannot say its numbers: " + err.Error()})
	}
	s.Report = report
	return s, cat, report, nil
}

// ReportError is a translators' report with errors: the pages would show
// something wrong or unsafe, so no path that serves or prints them may
// use the files.
type ReportError struct{ Report *lang.Report }

func (e ReportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "translations: %d errors (run `waymark i18n` for the whole report):", e.Report.Errors)
	shown := 0
	for _, l := range e.Report.Languages {
		for _, p := range l.Problems {
			if p.Severity == lang.SeverityError {
				// A hostile file must not make a log line of megabytes.
				if shown++; shown > 100 {
					fmt.Fprintf(&b, "\n  ... and %d more", e.Report.Errors-100)
					return b.String()
				}
				b.WriteString("\n  ")
				b.WriteString(p.String())
			}
		}
	}
	return b.String()
}
