package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// runVenues prints one venue a line, starting with its code and with no
// header line, so that scripts can read it: code, region, languages, name.
func runVenues(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("venues", "", stderr)
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
