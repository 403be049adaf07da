package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
)

// runI18n reports on every translation: one row per language, then each
// problem with its file, line and message. It fails only on errors, not on
// drafts or on missing or stale messages (the page shows English there).
func runI18n(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("i18n", "", stderr)
	from := addDataFlags(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON, for tools")
	canonical := fs.String("write-canonical", "", "rewrite the locale files of this folder in the exact form goi18n merge writes, and record each translation's source hash in its hashes.toml (TRANSLATING.md, section 6); then report as usual")
	updated := fs.String("updated", "", "with --write-canonical: tag:id,... of stale translations that were updated outside goi18n, to record as current")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *updated != "" && *canonical == "" {
		return fmt.Errorf("--updated needs --write-canonical DIR")
	}
	if *canonical != "" {
		var list []string
		if *updated != "" {
			list = strings.Split(*updated, ",")
		}
		changed, err := lang.WriteCanonical(*canonical, list)
		if err != nil {
			return err
		}
		for _, p := range changed {
			fmt.Fprintf(stderr, "wrote %s\n", p)
		}
		if len(changed) == 0 {
			fmt.Fprintf(stderr, "%s: already canonical\n", *canonical)
		}
	}
	src := from.sources(false)
	_, cat, report, err := pages.LoadReport(src)
	if err != nil {
		return err
	}
	// Posters print every language with their own fonts only: the
	// built-in ones and --fonts.
	fonts, err := from.posterFonts(src.Assets)
	if err != nil {
		return err
	}
	poster.CheckFonts(fonts, cat, report)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		printReport(stdout, report)
	}
	if report.Errors > 0 {
		return fmt.Errorf("%s in the translations", plural(report.Errors, "error"))
	}
	return nil
}

// printReport writes the table and then each language's problems.
func printReport(w io.Writer, r *lang.Report) {
	fmt.Fprintf(w, "Translations: %d languages, %d English messages\n\n", len(r.Languages), r.Messages)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tSTATUS\tDONE\tMISSING\tSTALE\tNO HASH\tERRORS\tWARNINGS\tLANGUAGE")
	for _, l := range r.Languages {
		// The name goes last: right-to-left and wide letters would
		// otherwise push the columns out of line.
		fmt.Fprintf(tw, "%s\t%s\t%d%%\t%d\t%d\t%d\t%d\t%d\t%s (%s)\n", l.Tag, l.Status, l.Percent,
			len(l.Missing), len(l.Stale), len(l.NoHash), l.Errors, l.Warnings, l.Name, l.EnglishName)
	}
	tw.Flush()
	for _, l := range r.Languages {
		fmt.Fprintf(w, "\n%s  %s (%s), %s, %d%% translated\n", l.Tag, l.Name, l.EnglishName, l.Status, l.Percent)
		if len(l.Problems) == 0 {
			fmt.Fprintln(w, "  no problems")
			continue
		}
		ps := slices.Clone(l.Problems)
		slices.SortStableFunc(ps, func(a, b lang.Problem) int { return rank(a) - rank(b) })
		for _, p := range ps {
			fmt.Fprintf(w, "  %-7s %s\n", label(p.Severity), p)
		}
	}
	fmt.Fprintf(w, "\n%s, %s.", plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	if r.Errors > 0 {
		fmt.Fprint(w, " Errors must be fixed: the page would show something wrong or unsafe.")
	}
	fmt.Fprintln(w, " TRANSLATING.md explains each check.")
}

// rank orders a language's problems: errors, then warnings, then the
// (often long) list of missing messages, then notes.
func rank(p lang.Problem) int {
	switch {
	case p.Severity == lang.SeverityError:
		return 0
	case p.Kind == lang.KindMissing:
		return 2
	case p.Severity == lang.SeverityWarning:
		return 1
	}
	return 3
}

func label(s lang.Severity) string {
	switch s {
	case lang.SeverityError:
		return "ERROR"
	case lang.SeverityWarning:
		return "warning"
	}
	return "note"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
