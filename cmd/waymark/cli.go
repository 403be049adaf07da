package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. Each is a function of its arguments and
// output streams, so that tests run the CLI in-process.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the public site and the staff listener (the default)", runServe},
		{"venues", "print one venue a line: code, region, languages, name; `venues import FILE.csv` adds and updates venues from a sheet, `venues export` writes the sheet back with codes", runVenues},
		{"check", "validate a config file and the locale files", runCheck},
		{"qr", "write a venue's QR code as SVG or PNG", runQR},
		{"poster", "print a venue's poster to PDF (A5, A4, A3; chosen languages)", runPoster},
		{"posters", "print every venue's poster to PDF at its own paper size, into a folder per region and area with a print list; refused while `check --strict` fails unless --draft", runPosters},
		{"screens", "take phone-sized screenshots of every language and each poster size", runScreens},
		{"stats", "print scan counts per venue per completed day from a data folder, small counts hidden (--csv for CSV; --quiet [DAYS] lists quiet posters)", runStats},
		{"backup", "copy the scan counts to a file while the server runs (-o FILE)", runBackup},
		{"export", "write the public site as static files, with nginx, Caddy and Netlify configs", runExport},
		{"healthcheck", "exit 0 if the local public listener answers (for containers)", runHealthcheck},
		{"i18n", "report on every translation: missing, stale, broken (--json for tools; --to-po/--from-po for PO tools)", runI18n},
		{"audio", "recorded sections: `audio script` prints the text to read, `audio import FILE` adds a recording", runAudio},
	}
}

// errUsage marks an error already explained to the user (bad flags).
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 {
		switch {
		case args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help":
			usage(stdout)
			return 0
		case !strings.HasPrefix(args[0], "-"):
			name, args = args[0], args[1:]
		}
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, args, stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "waymark %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "waymark: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: waymark [command] [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `waymark COMMAND --help` for a command's flags. Every flag can also be\n"+
		"set by an environment variable: --base-url is WAYMARK_BASE_URL, and so on.\n")
}

// flags returns a flag set whose usage names the command and the
// environment variable of each flag.
func flags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("waymark "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: waymark %s [flags]%s\n\nFlags (each also read from the environment variable shown):\n", name, args)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		sort.Strings(names)
		for _, n := range names {
			f := fs.Lookup(n)
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(stderr, "  --%s  [%s]\n      %s%s\n", n, envName(n), f.Usage, def)
		}
	}
	return fs
}

func envName(flagName string) string {
	return "WAYMARK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads flags: the environment first, then the command line, which
// wins. Positional arguments may come before or after flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", envName(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseOne is parse for commands that take exactly one argument (a venue
// code, a folder).
func parseOne(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", errUsage
	}
	return pos[0], nil
}
