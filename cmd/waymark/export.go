package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/waymark/waymark/export"
)

// runExport writes the public site as static files with host configs.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("export", " DIR", stderr)
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "http://localhost:8080", "public origin (used in kiosk QR codes)")
	kiosk := fs.Bool("kiosk", false, "also export every venue's kiosk pages")
	arg, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := export.Write(s, arg, export.Options{BaseURL: *baseURL, Kiosk: *kiosk, Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d pages (%.1f MB with .gz) in %s, %s\n", len(res.Pages), float64(res.Bytes)/1e6, arg, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "host configuration: %[1]s/_headers, %[1]s/_redirects, %[1]s/nginx/waymark.conf, %[1]s/Caddyfile\n", arg)
	return nil
}
