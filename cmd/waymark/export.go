package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/waymark/waymark/export"
)

// runExport writes the public site as static files with host configs. It
// refuses a folder that holds anything but an earlier export, so that a
// mistyped folder (the Go package site/, say) is never filled with pages.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("export", " DIR", stderr)
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "http://localhost:8080", "public origin (used in kiosk QR codes)")
	kiosk := fs.Bool("kiosk", false, "also export every venue's kiosk pages")
	root := fs.String("root", export.DefaultRoot, "folder the web server reads the export from, written into the nginx and Caddy configs")
	arg, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := export.Write(s, arg, export.Options{BaseURL: *baseURL, Kiosk: *kiosk, Root: *root, Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d pages (%.1f MB with .gz) in %s, %s\n", len(res.Pages), float64(res.Bytes)/1e6, arg, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "host configuration (root %[2]s): %[1]s/nginx/waymark.conf, %[1]s/Caddyfile, %[1]s/_headers and _redirects (Netlify), %[1]s/static/ (hosts that cannot choose a language); see %[1]s/README.md\n", arg, *root)
	return nil
}
