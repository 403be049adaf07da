package main

import (
	"context"
	"fmt"
	"io"

	"github.com/waymark/waymark/qr"
)

// runQR writes a venue's QR code alone, for staff's own designs.
func runQR(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("qr", " CODE", stderr)
	from := addDataFlags(fs)
	baseURL := fs.String("base-url", "http://localhost:8080", "public origin encoded in the QR code")
	format := fs.String("format", "svg", "svg (vector, for print) or png")
	size := fs.Int("size", 1024, fmt.Sprintf("PNG width in pixels, %d to %d (rounded down to whole modules)", qr.MinPNG, qr.MaxPNG))
	out := fs.String("o", "", "output file (default: standard output)")
	arg, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	s, err := from.load()
	if err != nil {
		return err
	}
	cfg := s.Config
	v, err := findVenue(cfg, arg)
	if err != nil {
		return err
	}
	payload, err := qr.Payload(*baseURL, v.Code)
	if err != nil {
		return err
	}
	sym, err := qr.Encode(payload)
	if err != nil {
		return err
	}
	var data []byte
	switch *format {
	case "svg":
		data = sym.SVG()
	case "png":
		if data, err = sym.PNG(*size); err != nil {
			return err
		}
	default:
		return fmt.Errorf("--format %q: choose svg or png", *format)
	}
	name := *out
	if name == "" {
		name = "-"
	}
	return writeOutput(name, data, stdout)
}
