package qr

import (
	"errors"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// DefaultLevel is the error correction used by Encode. skip2 calls it High;
// in ISO 18004 terms it is level Q, which survives about 25% damage — enough
// for torn or defaced posters without the size cost of level H.
const DefaultLevel = qrcode.High

// QuietZone is the light margin, in modules, drawn around every symbol. ISO
// 18004 requires 4; scanners struggle to find the finder patterns without it
// when a poster sits on a busy background.
const QuietZone = 4

// Symbol is an encoded QR code as a square grid of modules, quiet zone
// included, ready to render. It is immutable and safe for concurrent use.
type Symbol struct {
	size  int
	dark  []bool // row-major, size*size
	level qrcode.RecoveryLevel
}

// Encode encodes payload at DefaultLevel.
func Encode(payload string) (*Symbol, error) {
	return EncodeLevel(payload, DefaultLevel)
}

// EncodeLevel encodes payload at the given error correction level.
func EncodeLevel(payload string, level qrcode.RecoveryLevel) (*Symbol, error) {
	if payload == "" {
		return nil, errors.New("qr: empty payload")
	}
	if level < qrcode.Low || level > qrcode.Highest {
		return nil, fmt.Errorf("qr: unknown recovery level %d", level)
	}
	// A *qrcode.QRCode mutates itself while encoding (Bitmap is not even
	// idempotent), so each call gets its own and nothing of it escapes.
	q, err := qrcode.New(payload, level)
	if err != nil {
		return nil, fmt.Errorf("qr: encode %d-byte payload: %w", len(payload), err)
	}
	// skip2's border is also 4 modules today, but the quiet zone is a print
	// requirement of ours, so we draw it ourselves rather than rely on that.
	q.DisableBorder = true
	return newSymbol(q.Bitmap(), level), nil
}

func newSymbol(bitmap [][]bool, level qrcode.RecoveryLevel) *Symbol {
	n := len(bitmap) + 2*QuietZone
	s := &Symbol{size: n, dark: make([]bool, n*n), level: level}
	for y, row := range bitmap {
		copy(s.dark[(y+QuietZone)*n+QuietZone:], row)
	}
	return s
}

// Size returns the width and height of the symbol in modules, quiet zone
// included.
func (s *Symbol) Size() int { return s.size }

// Dark reports whether the module at column x, row y is dark. Coordinates
// outside the symbol are light, like the paper around it.
func (s *Symbol) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= s.size || y >= s.size {
		return false
	}
	return s.dark[y*s.size+x]
}

// row returns row y of the module grid without copying.
func (s *Symbol) row(y int) []bool { return s.dark[y*s.size : (y+1)*s.size] }
