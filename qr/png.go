package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// Bounds on the requested PNG size in pixels. MaxPNG caps the memory one
// request can make the server spend: the image is built at a byte per
// pixel, 16 MiB at MaxPNG. MinPNG turns away sizes too small to be useful.
const (
	MinPNG = 64
	MaxPNG = 4096
)

// Light is index 0 so a freshly allocated image is already all background,
// and a two-colour palette lets image/png write 1 bit per pixel.
var palette = color.Palette{color.White, color.Black}

// Speed over size: a 1-bit QR image compresses well at any level. The pool
// recycles the encoder's deflate state, which otherwise costs over a
// megabyte per image.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(pngBuffers)}

type pngBuffers struct{ pool sync.Pool }

func (p *pngBuffers) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBuffers) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

// PNG renders the symbol as a black-on-white PNG of about targetPx square.
//
// Every module is the same whole number of pixels, targetPx/Size() but at
// least 1, because scaling by a fraction blurs or unevenly widens modules
// and hurts scanning. The image is therefore Size()*modulePx square: at
// most targetPx, unless the symbol has more modules than targetPx pixels.
// Below 2 pixels per module (e.g. MinPNG for any typical symbol) decoders
// such as zbar give up, so callers rendering for screens should ask for at
// least 2*Size().
func (s *Symbol) PNG(targetPx int) ([]byte, error) {
	if err := checkPNGSize(targetPx); err != nil {
		return nil, err
	}
	m := max(targetPx/s.size, 1)
	side := s.size * m
	img := image.NewPaletted(image.Rect(0, 0, side, side), palette)
	for y := 0; y < s.size; y++ {
		first := img.Pix[y*m*img.Stride : y*m*img.Stride+side]
		for x, dark := range s.row(y) {
			if dark {
				px := first[x*m : (x+1)*m]
				for i := range px {
					px[i] = 1
				}
			}
		}
		// The remaining pixel rows of this module row are identical.
		for i := 1; i < m; i++ {
			copy(img.Pix[(y*m+i)*img.Stride:], first)
		}
	}
	var b bytes.Buffer
	if err := pngEncoder.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("qr: write PNG: %w", err)
	}
	return b.Bytes(), nil
}

func checkPNGSize(px int) error {
	if px < MinPNG || px > MaxPNG {
		return fmt.Errorf("qr: PNG size %d px is outside [%d, %d]", px, MinPNG, MaxPNG)
	}
	return nil
}
