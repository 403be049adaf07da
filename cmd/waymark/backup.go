package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/waymark/waymark/stats"
)

// runBackup copies the scan counts while the server runs. Scan counts are
// the only state Waymark keeps; config and locales are the operator's own
// files, and certificates (with --domain) are obtained again if lost.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	set := flags("backup", "", stderr)
	dir := set.String("data-dir", "", "folder holding scans.db (the serve command's --data-dir)")
	scans := set.String("scans", "", "copy the counts of this PostgreSQL database (postgres://…, the serve command's --scans) instead: the sums over every copy, into a file in scans.db's format (restore with `waymark stats import`)")
	out := set.String("o", "", "file to write the copy to (restore: stop the server, copy it to DATA-DIR/scans.db, start)")
	if _, err := parse(set, args); err != nil {
		return err
	}
	if stats.IsPostgres(*scans) && *out != "" {
		n, err := stats.BackupPostgresFile(*scans, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d counts per venue per day, a consistent copy of the database's\n", *out, n)
		return nil
	}
	if *dir == "" || *out == "" {
		set.Usage()
		return errUsage
	}
	n, err := stats.BackupFile(*dir, *out)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no scan counts in %s yet (no %s): nothing to back up", *dir, stats.FileName)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d bytes, a consistent copy of %s\n", *out, n, stats.FileName)
	return nil
}
