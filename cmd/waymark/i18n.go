package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
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
	toPO := fs.String("to-po", "", "write the translation of the language FILE is named after (ar.po: Arabic) as a gettext PO file, for PO tools (TRANSLATING.md, section 11); then exit")
	fromPO := fs.String("from-po", "", "with --write-canonical DIR: put the translations of a PO file made by --to-po back into DIR/active.<tag>.json first")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *updated != "" && *canonical == "" {
		return fmt.Errorf("--updated needs --write-canonical DIR")
	}
	if *fromPO != "" && *canonical == "" {
		return fmt.Errorf("--from-po needs --write-canonical DIR: the folder whose locale file gets the translations (locales, or a deployment's texts)")
	}
	if *toPO != "" {
		return writePO(from, *toPO)
	}
	if *fromPO != "" {
		tag, err := lang.ReadPO(*fromPO, *canonical)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "read %s into %s\n", *fromPO, filepath.Join(*canonical, "active."+tag+".json"))
	}
	if *canonical != "" {
		var list []string
		if *updated != "" {
			list = strings.Split(*updated, ",")
		}
		// A deployment's texts are read over the built-in locales, whose
		// English most of their translations come from; the built-in
		// folder itself (the one with locales.go, in the source tree)
		// stands alone.
		builtin := isBuiltinLocales(*canonical)
		var base []lang.Layer
		if !builtin {
			base = []lang.Layer{{FS: locales.FS(), Name: "locales"}}
		}
		changed, err := lang.WriteCanonical(*canonical, list, base...)
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
	if *canonical != "" {
		// The report shows the files as just written, not the copies
		// built into the program (nor a run without them).
		if isBuiltinLocales(*canonical) {
			src.Locales = os.DirFS(*canonical)
		} else if src.LocalesDir == "" {
			src.LocalesDir = *canonical
		}
	}
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

// isBuiltinLocales reports whether dir is the source of the built-in
// locales: the folder beside locales.go that embeds them.
func isBuiltinLocales(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "locales.go"))
	return err == nil
}

// writePO writes one language's PO file, its tag taken from the file name
// (ar.po, texts/fr.po), from the locales as the deployment has them.
func writePO(from *dataFlags, file string) error {
	tag := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	src := from.sources(false)
	layers := []lang.Layer{{FS: src.Locales, Name: "locales"}}
	if src.LocalesDir != "" {
		layers = append(layers, lang.Layer{FS: os.DirFS(src.LocalesDir), Name: filepath.ToSlash(filepath.Clean(src.LocalesDir))})
	}
	cat, err := lang.LoadLayers(layers...)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := cat.WritePO(&b, tag); err != nil {
		return fmt.Errorf("--to-po %s: %w (name the file after the language: ar.po)", file, err)
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}
