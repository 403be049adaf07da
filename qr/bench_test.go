package qr

import "testing"

const benchPayload = "HTTPS://WAYMARK.EXAMPLE/ABC123"

func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(benchPayload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSVG and BenchmarkPNG measure a cold request: encode and render.
func BenchmarkSVG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := Encode(benchPayload)
		if err != nil {
			b.Fatal(err)
		}
		s.SVG()
	}
}

func BenchmarkPNG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := Encode(benchPayload)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.PNG(512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(16)
	if _, err := c.PNG(benchPayload, 512); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PNG(benchPayload, 512); err != nil {
			b.Fatal(err)
		}
	}
}
