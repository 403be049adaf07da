package qr

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
)

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	return img
}

func isBlack(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r == 0 && g == 0 && b == 0
}

func TestPNGGeometry(t *testing.T) {
	tests := []struct {
		payload    string
		targetPx   int
		wantModule int
	}{
		{samplePayloads[0], MinPNG, 1}, // 33 modules
		{samplePayloads[1], 300, 8},    // 37 modules, 296 px
		{samplePayloads[1], 296, 8},    // an exact fit
		{samplePayloads[3], 200, 3},    // 57 modules, 171 px
		{samplePayloads[2], 1000, 27},  // 37 modules, 999 px
		{samplePayloads[4], MinPNG, 1}, // 101 modules: wider than asked
	}
	for _, tt := range tests {
		s := mustEncode(t, tt.payload)
		b, err := s.PNG(tt.targetPx)
		if err != nil {
			t.Fatalf("PNG(%d): %v", tt.targetPx, err)
		}
		img := decodePNG(t, b)
		m := tt.wantModule
		side := s.Size() * m
		if got := img.Bounds(); got != image.Rect(0, 0, side, side) {
			t.Fatalf("%d px target: image is %v, want %dx%d (%d px modules)", tt.targetPx, got, side, side, m)
		}
		if side > tt.targetPx && m > 1 {
			t.Errorf("image %d px exceeds target %d px", side, tt.targetPx)
		}
		for y := 0; y < side; y++ {
			checkRuns(t, img, y, m)
			for x := 0; x < side; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if black := r == 0 && g == 0 && b == 0; !black && (r != 0xffff || g != 0xffff || b != 0xffff) {
					t.Fatalf("pixel (%d,%d) is neither black nor white", x, y)
				}
				if isBlack(img, x, y) != s.Dark(x/m, y/m) {
					t.Fatalf("%d px target: pixel (%d,%d) disagrees with module (%d,%d)", tt.targetPx, x, y, x/m, y/m)
				}
			}
		}
		// The quiet zone in pixels: the outer 4 modules' worth of every edge.
		for i := 0; i < QuietZone*m; i++ {
			for j := 0; j < side; j++ {
				for _, p := range [][2]int{{i, j}, {j, i}, {side - 1 - i, j}, {j, side - 1 - i}} {
					if isBlack(img, p[0], p[1]) {
						t.Fatalf("quiet-zone pixel (%d,%d) is black", p[0], p[1])
					}
				}
			}
		}
	}
}

// checkRuns asserts that every run of same-coloured pixels in row y is a
// whole number of modules long, i.e. no module was stretched or squeezed.
func checkRuns(t *testing.T, img image.Image, y, m int) {
	t.Helper()
	w := img.Bounds().Dx()
	start := 0
	for x := 1; x <= w; x++ {
		if x < w && isBlack(img, x, y) == isBlack(img, start, y) {
			continue
		}
		if start%m != 0 || (x-start)%m != 0 {
			t.Fatalf("row %d: run [%d,%d) is not aligned to %d px modules", y, start, x, m)
		}
		start = x
	}
}

func TestPNGBounds(t *testing.T) {
	s := mustEncode(t, samplePayloads[1])
	for _, px := range []int{-1, 0, MinPNG - 1, MaxPNG + 1, 1 << 30} {
		if b, err := s.PNG(px); err == nil || !strings.Contains(err.Error(), "outside [64, 4096]") {
			t.Errorf("PNG(%d) = %d bytes, %v; want an out-of-range error", px, len(b), err)
		}
	}
	for _, px := range []int{MinPNG, MaxPNG} {
		if _, err := s.PNG(px); err != nil {
			t.Errorf("PNG(%d): %v", px, err)
		}
	}
}
