package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// runVenues prints one venue a line, starting with its code and with no
// header line, so that scripts can read it: code, region, languages, name.
// `venues import FILE` and `venues export` are the field team's sheet.
func runVenues(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return runVenuesImport(args[1:], stdout, stderr)
		case "export":
			return runVenuesExport(args[1:], stdout, stderr)
		}
	}
	fs := flags("venues", " [import FILE.csv | export]", stderr)
	from := addDataFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	for _, v := range s.Config.Venues {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", v.Code, v.Region, strings.Join(v.Languages, ","), v.Name)
	}
	return nil
}

// runVenuesImport adds and updates venues in the config file from a
// spreadsheet saved as CSV or TSV, editing the file in place: its
// comments and everything else stay as they were.
func runVenuesImport(args []string, stdout, stderr io.Writer) error {
	fs := flags("venues import", " FILE.csv|FILE.tsv\n\nColumns (first row): name, region, languages; optional area, paper size (A5, A4, A3),\ncopies, own id, code (empty for a new venue). Rows are matched to venues by code,\nown id, or name and region.", stderr)
	from := addDataFlags(fs)
	dryRun := fs.Bool("dry-run", false, "report what the import would do, and write nothing")
	file, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	if from.config == "" {
		return fmt.Errorf("no --config: the import edits a config file, and the embedded demo cannot be edited; start from a copy of it (cp site/demo.toml waymark.toml, docs/deploy.md section 3)")
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	sheet, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	cfg := s.Config
	imp, err := cfg.ImportSheet(bytes.NewReader(sheet), site.Comma(file, sheet), site.NewCodeMaker(cfg, s.Catalog))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for _, e := range imp.Refused {
		fmt.Fprintf(stderr, "%s: %v\n", file, e)
	}
	if len(imp.Changes) > 0 {
		old, err := os.ReadFile(from.config)
		if err != nil {
			return err
		}
		text, err := site.EditVenues(old, len(cfg.Venues), imp.Changes)
		if err != nil {
			return fmt.Errorf("%s: %w", from.config, err)
		}
		// The edited file goes through every check before it replaces
		// the old one: a server reloading it must never meet a half-made
		// import.
		src := from.sources(false)
		src.ConfigData = text
		if _, err := pages.Load(src); err != nil {
			return fmt.Errorf("the imported config would not load, so %s is left as it was:\n%w", from.config, err)
		}
		if !*dryRun {
			if err := replaceFile(from.config, text); err != nil {
				return err
			}
		}
	}
	verb := "wrote"
	if *dryRun {
		verb = "would write (--dry-run)"
	}
	fmt.Fprintf(stdout, "%s: %d added, %d updated, %d unchanged, %d refused\n", file, imp.Added, imp.Updated, imp.Unchanged, len(imp.Refused))
	if len(imp.Changes) > 0 {
		fmt.Fprintf(stdout, "%s %s\n", verb, from.config)
	}
	if len(imp.Refused) > 0 {
		return fmt.Errorf("%s refused: fix them in the sheet and import it again (the other rows are in; a second import changes nothing for them)", plural(len(imp.Refused), "row"))
	}
	return nil
}

// replaceFile writes data to path through a temporary file in the same
// folder, so that the file is never half written, keeping its mode.
func replaceFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// runVenuesExport writes the venues as the sheet `venues import` reads,
// with each venue's code and the address its poster carries.
func runVenuesExport(args []string, stdout, stderr io.Writer) error {
	fs := flags("venues export", "", stderr)
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "", "public origin of the poster addresses, e.g. https://help.example.org (required)")
	allowLocal := fs.Bool("allow-local", false, "allow a local --base-url (default http://localhost:8080), for tests only")
	out := fs.String("o", "-", "output file: .csv, or .tsv for tabs (- for standard output, CSV)")
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
	var b bytes.Buffer
	// The address as a link that opens in the sheet, in the case people
	// read (the QR code carries it in upper case).
	err = s.Config.WriteSheet(&b, site.Comma(*out, nil), func(code string) string {
		return strings.TrimRight(base, "/") + "/" + code
	})
	if err != nil {
		return err
	}
	return writeOutput(*out, b.Bytes(), stdout)
}
