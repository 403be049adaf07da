package pages

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A Page is one pre-rendered page shared by every venue of a region in one
// language. Venue pages differ only in their own path ("/K7Q2M") inside the
// language links, so the page is kept as static segments with a slot
// between each pair, and memory grows with regions × languages, not venues.
//
// The gzip form is spliced without compressing anything per request. The
// page was deflated once per slot length a request can fill (the lengths
// of the config's venue paths), as one stream: after each segment a sync
// flush ends its output on a byte boundary, then as many filler bytes as
// the slot holds are compressed and their output dropped, where the slot
// goes in as a tiny stored block. So each segment's back-references reach
// over the slots to the segments before, at the distances the real slot
// keeps: the filler is a byte the page never has, so no reference can
// point into a slot. (Deflating each segment on its own made venue pages
// 38 % larger than one stream; this way they are within 8 %.) The gzip
// trailer's CRC-32 is combined from the segments' precomputed CRCs in a
// few hundred operations, instead of hashing the whole page again.
type Page struct {
	segs [][]byte // uncompressed, len(slots)+1
	// forms are the segments deflated, for each slot length (form).
	forms []form
	crcs  []uint32
	ops   []uint32 // x^(8·len) mod P for each segment, for crcCombine
	size  int      // uncompressed bytes without slots

	// The page with an empty slot (the generic page), ready as it is.
	plainEmpty, gzipEmpty []byte

	// For each slot length n, the gzip trailer's CRC is
	// k[n] ^ multmodp(q[n], crc32(slot) ^ z[n]): CRC-32 is affine, so the
	// page with slot S differs from the page with n zero bytes in each slot
	// by the raw CRC of S shifted to each slot's place. See crcFor.
	k, q, z []uint32
	fast    slotLengths // the lengths k, q and z hold
	// Content-Length header values per slot length, plain and gzip, so
	// that a response formats no number.
	plainLen, gzipLen [][]string
}

var flateWriters = sync.Pool{New: func() any {
	zw, _ := flate.NewWriter(nil, flate.BestCompression)
	return zw
}}

// maxFastSlot bounds the slot lengths whose CRC terms are precomputed; a
// venue path is "/" and at most 12 characters.
const maxFastSlot = 24

// slotMarker is rendered where a venue's path goes. It is made of letters
// that no escaper changes, and never occurs in real content.
const slotMarker = "/WmSlotQx9"

// slotLengths is a set of slot lengths (bit n: length n) whose CRC terms
// a page precomputes: those of the config's venue paths, and 0. A request
// can only fill a slot with a venue's path, so every one it makes is fast;
// precomputing every length to maxFastSlot cost a tenth of start-up.
type slotLengths uint32

// everySlot is every length up to maxFastSlot.
const everySlot slotLengths = 1<<(maxFastSlot+1) - 1

func (l slotLengths) has(n int) bool { return n <= maxFastSlot && l&(1<<n) != 0 }

func newPage(rendered []byte, lens slotLengths) *Page {
	p := newVenuePage(rendered, lens)
	p.plainEmpty = p.AppendPlain(nil, "")
	p.gzipEmpty = bytes.Clone(p.gzipWhole(nil, ""))
	p.gzipLen[0] = []string{strconv.Itoa(len(p.gzipEmpty))}
	return p
}

// newVenuePage is newPage for a page served only with a venue's path in
// its slot (a featured variant): it keeps no copy of the page with an
// empty slot, which no request of it uses.
func newVenuePage(rendered []byte, lens slotLengths) *Page {
	parts := bytes.Split(rendered, []byte(slotMarker))
	p := &Page{fast: lens | 1}
	for _, seg := range parts {
		p.segs = append(p.segs, seg)
		p.crcs = append(p.crcs, crc32.ChecksumIEEE(seg))
		p.ops = append(p.ops, x2nmodp(uint64(len(seg)), 3))
		p.size += len(seg)
	}
	switch filler, ok := absentByte(rendered); {
	case len(parts) == 1:
		// No slot: one form serves any.
		p.forms = []form{deflateForm(parts, 0, 0)}
	case ok:
		for n := 1; n <= maxFastSlot; n++ {
			if lens.has(n) {
				p.forms = append(p.forms, deflateForm(parts, n, filler))
			}
		}
	}
	p.precomputeCRC()
	zeros := strings.Repeat("\x00", maxFastSlot)
	for n := 0; n <= maxFastSlot; n++ {
		p.plainLen = append(p.plainLen, []string{strconv.Itoa(p.PlainLen(zeros[:n]))})
		var gl []string
		if f := p.form(n); f != nil {
			gl = []string{strconv.Itoa(p.gzipLength(f, n))}
		}
		p.gzipLen = append(p.gzipLen, gl)
	}
	return p
}

// A form is a page's segments deflated for slots of n bytes.
type form struct {
	n     int
	parts [][]byte // the last one ends the stream
	size  int      // their bytes together
}

// form returns the page's form for a slot of n bytes, or nil. A page with
// no slot has one form, for any slot.
func (p *Page) form(n int) *form {
	if len(p.segs) == 1 && len(p.forms) == 1 {
		return &p.forms[0]
	}
	for i := range p.forms {
		if p.forms[i].n == n {
			return &p.forms[i]
		}
	}
	return nil
}

// deflateForm deflates parts as one stream with n filler bytes between
// each, which it drops (see Page).
func deflateForm(parts [][]byte, n int, filler byte) form {
	// A flate writer holds about a megabyte: the pool serves every page
	// (start-up renders hundreds).
	zw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(zw)
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer renderBuffers.Put(buf)
	buf.Reset()
	zw.Reset(buf)
	fill := bytes.Repeat([]byte{filler}, n)
	var spans [][2]int
	for i, seg := range parts {
		start := buf.Len()
		zw.Write(seg)
		if i == len(parts)-1 {
			zw.Close()
		} else {
			zw.Flush()
		}
		spans = append(spans, [2]int{start, buf.Len()})
		if i < len(parts)-1 {
			zw.Write(fill)
			zw.Flush()
		}
	}
	f := form{n: n}
	for _, sp := range spans {
		f.size += sp[1] - sp[0]
	}
	// One block of exactly their size: kept for as long as the page is
	// served.
	all := make([]byte, 0, f.size)
	for _, sp := range spans {
		all = append(all, buf.Bytes()[sp[0]:sp[1]]...)
		f.parts = append(f.parts, all[len(all)-(sp[1]-sp[0]):len(all):len(all)])
	}
	return f
}

// absentByte returns a byte the page does not contain. 0xFF is never in
// UTF-8 text; a page that somehow has it has another missing, or (with
// every byte value in it) no form: its gzip is then made per request.
func absentByte(page []byte) (byte, bool) {
	if bytes.IndexByte(page, 0xff) < 0 {
		return 0xff, true
	}
	var seen [256]bool
	for _, b := range page {
		seen[b] = true
	}
	for b, in := range seen {
		if !in {
			return byte(b), true
		}
	}
	return 0, false
}

// newStaticPage is newPage for a page with no slot (a lesson, whose links
// are relative). It keeps the gzip form only: every browser asks for it,
// and hundreds of lessons are kept, so the rare client that does not gets
// the page decompressed (AppendPlain). Compressed at the default level,
// not the best: a lesson is far under the byte budget, and start-up
// compresses hundreds of them.
func newStaticPage(rendered []byte) *Page {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer renderBuffers.Put(buf)
	buf.Reset()
	buf.Write(gzipHeader)
	zw := staticWriters.Get().(*flate.Writer)
	defer staticWriters.Put(zw)
	zw.Reset(buf)
	zw.Write(rendered)
	zw.Close()
	gz := binary.LittleEndian.AppendUint32(buf.Bytes(), crc32.ChecksumIEEE(rendered))
	gz = binary.LittleEndian.AppendUint32(gz, uint32(len(rendered)))
	// A copy of exactly its size: the buffer has grown past what it holds.
	gz = bytes.Clone(gz)
	return &Page{size: len(rendered), gzipEmpty: gz,
		plainLen: [][]string{{strconv.Itoa(len(rendered))}}, gzipLen: [][]string{{strconv.Itoa(len(gz))}}}
}

// static reports whether the page has no slot (newStaticPage): any slot
// given is ignored.
func (p *Page) static() bool { return p.segs == nil }

var (
	gzipReaders   sync.Pool
	staticWriters = sync.Pool{New: func() any {
		zw, _ := flate.NewWriter(nil, flate.DefaultCompression)
		return zw
	}}
)

// appendInflated appends a static page's plain form, from its gzip form.
func (p *Page) appendInflated(dst []byte) []byte {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(p.gzipEmpty))
	} else {
		err = zr.Reset(bytes.NewReader(p.gzipEmpty))
	}
	if err != nil {
		panic("pages: a static page's own gzip form does not read: " + err.Error())
	}
	defer gzipReaders.Put(zr)
	dst = slices.Grow(dst, p.size)
	n, err := io.ReadFull(zr, dst[len(dst):len(dst)+p.size])
	if err != nil || n != p.size {
		panic("pages: a static page's own gzip form does not read")
	}
	return dst[:len(dst)+p.size]
}

// ContentLength returns the Content-Length header value of the page with
// a slot of this length, or nil if it was not precomputed.
func (p *Page) ContentLength(gzip bool, slot string) []string {
	if p.static() {
		slot = ""
	}
	if len(slot) > maxFastSlot {
		return nil
	}
	if gzip {
		return p.gzipLen[len(slot)]
	}
	return p.plainLen[len(slot)]
}

func (p *Page) precomputeCRC() {
	// The term of segment i is x^(8·(its bytes to the end + n·the slots
	// after it)): the first factor is the same for every n, the second a
	// power of one per n. Two multiplications a segment, instead of a
	// power each (start-up does this for hundreds of pages).
	shift := make([]uint32, len(p.segs))
	after := 0
	for i := len(p.segs) - 1; i > 0; i-- {
		after += len(p.segs[i])
		shift[i] = x2nmodp(uint64(after), 3)
	}
	zeros := make([]byte, maxFastSlot)
	for n := 0; n <= maxFastSlot; n++ {
		if !p.fast.has(n) {
			p.k, p.z, p.q = append(p.k, 0), append(p.z, 0), append(p.q, 0)
			continue
		}
		slot := zeros[:n]
		p.k = append(p.k, p.crcSlow(slot))
		p.z = append(p.z, crc32.ChecksumIEEE(slot))
		slotOp := x2nmodp(uint64(n), 3)
		var q uint32
		pow := uint32(1) << 31 // x^0
		for i := len(p.segs) - 1; i > 0; i-- {
			q ^= multmodp(shift[i], pow)
			pow = multmodp(slotOp, pow)
		}
		p.q = append(p.q, q)
	}
}

// crcFor returns the CRC-32 of the page with slot filled in.
func (p *Page) crcFor(slot string) uint32 {
	n := len(slot)
	if !p.fast.has(n) {
		return p.crcSlow([]byte(slot))
	}
	d := crcString(slot) ^ p.z[n]
	if d == 0 || p.q[n] == 0 {
		return p.k[n]
	}
	return p.k[n] ^ multmodp(p.q[n], d)
}

var ieeeTable = crc32.MakeTable(crc32.IEEE)

// crcString is crc32.ChecksumIEEE for a short string, without the slice
// conversion that would put it on the heap.
func crcString(s string) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(s); i++ {
		crc = ieeeTable[byte(crc)^s[i]] ^ crc>>8
	}
	return ^crc
}

// crcSlow combines the segments' CRCs one by one.
func (p *Page) crcSlow(slot []byte) uint32 {
	slotCRC := crc32.ChecksumIEEE(slot)
	slotOp := x2nmodp(uint64(len(slot)), 3)
	var crc uint32
	for i := range p.segs {
		if i > 0 {
			crc = multmodp(slotOp, crc) ^ slotCRC
		}
		crc = multmodp(p.ops[i], crc) ^ p.crcs[i]
	}
	return crc
}

// PlainLen is the length of the page with the given slot.
func (p *Page) PlainLen(slot string) int {
	if p.static() {
		return p.size
	}
	return p.size + len(slot)*(len(p.segs)-1)
}

// AppendPlain appends the uncompressed page with slot filled in.
func (p *Page) AppendPlain(dst []byte, slot string) []byte {
	if p.static() {
		return p.appendInflated(dst)
	}
	if slot == "" && p.plainEmpty != nil {
		return append(dst, p.plainEmpty...)
	}
	for i, seg := range p.segs {
		if i > 0 {
			dst = append(dst, slot...)
		}
		dst = append(dst, seg...)
	}
	return dst
}

// AppendGzip appends the gzip-compressed page with slot filled in.
func (p *Page) AppendGzip(dst []byte, slot string) []byte {
	if (slot == "" || p.static()) && p.gzipEmpty != nil {
		return append(dst, p.gzipEmpty...)
	}
	return p.appendGzip(dst, slot)
}

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipLength is len(appendGzip(nil, slot)) for a slot of n bytes in form
// f, counted rather than built.
func (p *Page) gzipLength(f *form, n int) int {
	l := len(gzipHeader) + f.size + 8
	if n > 0 {
		l += (len(f.parts) - 1) * (5 + n) // a stored block per slot
	}
	return l
}

func (p *Page) appendGzip(dst []byte, slot string) []byte {
	f := p.form(len(slot))
	if f == nil {
		return p.gzipWhole(dst, slot)
	}
	dst = append(dst, gzipHeader...)
	for i, z := range f.parts {
		if i > 0 && slot != "" {
			// A stored block: BFINAL=0, BTYPE=00, then LEN and its complement.
			n := uint16(len(slot))
			dst = append(dst, 0, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
			dst = append(dst, slot...)
		}
		dst = append(dst, z...)
	}
	dst = binary.LittleEndian.AppendUint32(dst, p.crcFor(slot))
	return binary.LittleEndian.AppendUint32(dst, uint32(p.PlainLen(slot)))
}

// gzipWhole compresses the page with slot filled in as one stream: for the
// page with an empty slot, kept; per request only for a slot no venue's
// path has the length of, which no request of the site can send.
func (p *Page) gzipWhole(dst []byte, slot string) []byte {
	plain := p.AppendPlain(nil, slot)
	b := bytes.NewBuffer(append(dst, gzipHeader...))
	zw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(zw)
	zw.Reset(b)
	zw.Write(plain)
	zw.Close()
	dst = binary.LittleEndian.AppendUint32(b.Bytes(), crc32.ChecksumIEEE(plain))
	return binary.LittleEndian.AppendUint32(dst, uint32(len(plain)))
}

// String returns the page with an empty slot, for tests and export.
func (p *Page) String() string { return string(p.AppendPlain(nil, "")) }

// CRC-32 combination, after zlib's crc32_combine (multmodp, x2nmodp):
// polynomial arithmetic modulo the CRC-32 polynomial, reflected.
const crcPoly = 0xedb88320

var x2nTable = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for n := 1; n < 32; n++ {
		p = multmodp(p, p)
		t[n] = p
	}
	return t
}()

// multmodp returns a·b mod P.
func multmodp(a, b uint32) uint32 {
	m := uint32(1) << 31
	var p uint32
	for {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		m >>= 1
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nmodp returns x^(n·2^k) mod P.
func x2nmodp(n uint64, k uint) uint32 {
	p := uint32(1) << 31 // x^0
	for n != 0 {
		if n&1 != 0 {
			p = multmodp(x2nTable[k&31], p)
		}
		n >>= 1
		k++
	}
	return p
}
