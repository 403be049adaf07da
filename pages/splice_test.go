package pages

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark/waymark/audio"
)

// A spliced gzip stream must decompress (CRC and length checked by the
// reader) to exactly the plain page, for any slot, whether its length's
// CRC terms were precomputed or not.
func TestSpliceGzip(t *testing.T) {
	for _, lens := range []slotLengths{everySlot, 1 << len("/K7Q2M"), 0} {
		spliceGzip(t, lens)
	}
}

func spliceGzip(t *testing.T, lens slotLengths) {
	rendered := "<a href=\"" + slotMarker + "/ar\">x</a>" + strings.Repeat("body text ", 500) +
		"<a href=\"" + slotMarker + "/fa\">" + slotMarker + "</a>end"
	p := newPage([]byte(rendered), lens)
	for _, slot := range []string{"", "/K7Q2M", "/A", strings.Repeat("Z", 24), strings.Repeat("Y", 40), "/\x00\xff"} {
		plain := p.AppendPlain(nil, slot)
		want := strings.ReplaceAll(rendered, slotMarker, slot)
		if string(plain) != want {
			t.Fatalf("slot %q: plain page wrong", slot)
		}
		if p.PlainLen(slot) != len(want) {
			t.Errorf("slot %q: PlainLen %d, want %d", slot, p.PlainLen(slot), len(want))
		}
		if got, want := p.crcFor(slot), crc32.ChecksumIEEE(plain); got != want {
			t.Errorf("slot %q: crc %08x, want %08x", slot, got, want)
		}
		zr, err := gzip.NewReader(bytes.NewReader(p.AppendGzip(nil, slot)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("slot %q: %v", slot, err)
		}
		if string(got) != want {
			t.Errorf("slot %q: gunzipped page differs", slot)
		}
	}
}

func BenchmarkAppendGzip(b *testing.B) {
	p := newPage([]byte(strings.Repeat("<a href=\""+slotMarker+"/ar\">x</a>"+strings.Repeat("text ", 100), 16)), everySlot)
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = p.AppendGzip(buf[:0], "/K7Q2M")
	}
}

// The Content-Length of every slot length is the length of the body sent,
// for a page and a venue page (counted, not built: gzipLength).
func TestContentLengthMatchesBody(t *testing.T) {
	rendered := []byte("<a href=\"" + slotMarker + "/ar\">x</a>" + strings.Repeat("body text ", 500) +
		"<a href=\"" + slotMarker + "/fa\">" + slotMarker + "</a>end")
	for _, p := range []*Page{newPage(rendered, everySlot), newVenuePage(rendered, everySlot), newPage(rendered, 1<<6)} {
		for n := 0; n <= maxFastSlot; n++ {
			slot := strings.Repeat("K", n)
			cl := p.ContentLength(true, slot)
			if cl == nil {
				// Counted per request: a length no venue's path has.
				if p.fast.has(n) && (n > 0 || p.gzipEmpty != nil) {
					t.Errorf("slot %q: no gzip Content-Length, though the length is a venue path's", slot)
				}
				continue
			}
			if got, want := cl[0], strconv.Itoa(len(p.AppendGzip(nil, slot))); got != want {
				t.Errorf("gzip, slot %q: Content-Length %s, body %s bytes", slot, got, want)
			}
			if got, want := p.ContentLength(false, slot)[0], strconv.Itoa(len(p.AppendPlain(nil, slot))); got != want {
				t.Errorf("plain, slot %q: Content-Length %s, body %s bytes", slot, got, want)
			}
		}
	}
}

// A static page (a lesson) keeps its gzip form only: its plain form,
// inflated per request, and its lengths are the page's own.
func TestStaticPage(t *testing.T) {
	html := []byte(strings.Repeat("<p>lesson step</p>\n", 500))
	p := newStaticPage(html)
	for _, slot := range []string{"", "/K7Q2M"} { // a slot is ignored
		if got := p.AppendPlain([]byte("x"), slot); !bytes.Equal(got[1:], html) || got[0] != 'x' {
			t.Errorf("slot %q: plain form differs from the page", slot)
		}
		zr, err := gzip.NewReader(bytes.NewReader(p.AppendGzip(nil, slot)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, html) {
			t.Errorf("slot %q: gzip form does not read back as the page: %v", slot, err)
		}
		if cl := p.ContentLength(false, slot); cl[0] != strconv.Itoa(len(html)) {
			t.Errorf("plain Content-Length %v, want %d", cl, len(html))
		}
		if cl := p.ContentLength(true, slot); cl[0] != strconv.Itoa(len(p.AppendGzip(nil, slot))) {
			t.Errorf("gzip Content-Length %v", cl)
		}
	}
}

// Renders on several cores meet sections in any order; learnt lists them
// where one core would have met them first: by render, then by call.
func TestLearntOrdersSectionsAsOneCore(t *testing.T) {
	s := &Site{
		Sections:  []audio.Section{{Key: "lesson-b"}, {Key: "helplines"}, {Key: "lesson-a"}, {Key: "emergency"}},
		sectionAt: []renderPos{{render: 90, call: 1}, {render: 0, call: 2}, {render: 31, call: 4}, {render: 0, call: 1}},
	}
	s.learnt()
	var got []string
	for _, sec := range s.Sections {
		got = append(got, sec.Key)
	}
	if want := []string{"emergency", "helplines", "lesson-a", "lesson-b"}; !slices.Equal(got, want) {
		t.Errorf("sections %v, want %v", got, want)
	}
}

// A page with no slot (no language links) is the same page whatever slot
// a request brings, in one form.
func TestPageWithoutSlot(t *testing.T) {
	rendered := []byte(strings.Repeat("no slot here ", 300))
	for _, p := range []*Page{newPage(rendered, 1<<6), newVenuePage(rendered, 1<<6)} {
		for _, slot := range []string{"", "/K7Q2M", strings.Repeat("Y", 40)} {
			zr, err := gzip.NewReader(bytes.NewReader(p.AppendGzip(nil, slot)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, rendered) {
				t.Errorf("slot %q: the gzip page does not read back as the page (%v)", slot, err)
			}
			if cl := p.ContentLength(true, slot); cl != nil && cl[0] != strconv.Itoa(len(p.AppendGzip(nil, slot))) {
				t.Errorf("slot %q: Content-Length %s, body %d bytes", slot, cl[0], len(p.AppendGzip(nil, slot)))
			}
		}
	}
}
