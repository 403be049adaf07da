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
	size := fs.Int("size", 0, fmt.Sprintf("width in pixels, %d to %d: a PNG is at least this wide (whole modules; default 1024), an SVG gets it as width and height (default: none, it scales to its box)", qr.MinPNG, qr.MaxPNG))
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
	if *size != 0 && (*size < qr.MinPNG || *size > qr.MaxPNG) {
		return fmt.Errorf("--size %d is outside [%d, %d] pixels", *size, qr.MinPNG, qr.MaxPNG)
	}
	var data []byte
	switch *format {
	case "svg":
		if *size == 0 {
			data = sym.SVG()
		} else if data, err = sym.SVGWithSize(fmt.Sprintf("%dpx", *size)); err != nil {
			return err
		}
	case "png":
		px := *size
		if px == 0 {
			px = 1024
		}
		if data, err = sym.PNG(pngTarget(px, sym.Size())); err != nil {
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

// pngTarget is the size to ask qr.PNG for so that the image is at least px
// wide. qr.PNG draws whole pixels per module and rounds down, which turned
// --size 64 into a 33-pixel image: round up to the next whole module
// instead, unless that passes the maximum.
func pngTarget(px, modules int) int {
	up := (px + modules - 1) / modules * modules
	if up > qr.MaxPNG {
		return px
	}
	return up
}
