// Package poster lays out the print-ready poster of a venue as HTML and
// prints it to PDF through a local headless Chromium. HTML is the primary
// format: the browser shapes Arabic, Ethiopic, Vietnamese and Chinese text
// correctly, which a hand-drawn PDF would not.
package poster

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strings"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/qr"
	"github.com/waymark/waymark/site"
)

// Size is a paper size with the QR code's width. A code should be at least
// a tenth of the distance it is scanned from: A4 at about a metre, A3
// across a corridor.
type Size struct {
	Name       string
	W, H       float64 // mm
	QR         float64 // mm, the symbol with its quiet zone
	Margin     float64 // mm
	Unit       float64 // mm, the type scale
	Tear       float64 // mm, height of the tear-off strips
	TearStrips int
}

// Sizes are the supported paper sizes.
var Sizes = []Size{
	{Name: "A5", W: 148, H: 210, QR: 72, Margin: 8, Unit: 3.2, Tear: 42, TearStrips: 5},
	{Name: "A4", W: 210, H: 297, QR: 104, Margin: 10, Unit: 4.4, Tear: 56, TearStrips: 7},
	{Name: "A3", W: 297, H: 420, QR: 156, Margin: 14, Unit: 6.2, Tear: 74, TearStrips: 9},
}

// SizeByName returns a size by its name, case-insensitively.
func SizeByName(name string) (Size, error) {
	for _, s := range Sizes {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	return Size{}, fmt.Errorf("paper size %q: choose A5, A4 or A3", name)
}

// Options choose what to print for a venue.
type Options struct {
	Size Size
	// Langs are the languages printed, in order; empty uses the venue's.
	Langs []string
	// BaseURL is the public origin that the QR code and the text carry.
	BaseURL string
}

// Block is one language's headline and instruction.
type Block struct {
	L *lang.Locale
}

// Sheet is one printed poster.
type Sheet struct {
	Venue     *site.Venue
	Blocks    []Block
	QR        template.HTML
	ShortURL  string
	Emergency string
	Helpline  string
	Tear      *lang.Locale
	Tears     []struct{}
}

type document struct {
	Venue     *site.Venue
	Size      Size
	Blocks    []Block
	Pages     []*Sheet
	FontFaces template.CSS
	CSS       template.CSS
}

// MaxLanguages keeps every headline large enough to read from a distance.
const MaxLanguages = 6

// Render returns the poster HTML of one venue, or of several venues as one
// printable document with a page each.
func Render(s *pages.Site, assets fs.FS, venues []*site.Venue, o Options) ([]byte, error) {
	if len(venues) == 0 {
		return nil, fmt.Errorf("no venue to print")
	}
	css, err := fs.ReadFile(assets, "static/poster.css")
	if err != nil {
		return nil, err
	}
	faces, err := fontFaces(assets)
	if err != nil {
		return nil, err
	}
	sz := o.Size
	vars := fmt.Sprintf(":root{--w:%gmm;--h:%gmm;--m:%gmm;--qr:%gmm;--u:%gmm;--tear:%gmm}@page{size:%gmm %gmm}",
		sz.W, sz.H, sz.Margin, sz.QR, sz.Unit, sz.Tear, sz.W, sz.H)
	doc := &document{Venue: venues[0], Size: sz, FontFaces: faces, CSS: template.CSS(vars + string(css))}
	for _, v := range venues {
		sheet, err := newSheet(s, v, o)
		if err != nil {
			return nil, err
		}
		doc.Pages = append(doc.Pages, sheet)
	}
	doc.Blocks = doc.Pages[0].Blocks
	return s.Render("poster", doc)
}

func newSheet(s *pages.Site, v *site.Venue, o Options) (*Sheet, error) {
	langs := o.Langs
	if len(langs) == 0 {
		langs = v.Languages
	}
	if len(langs) > MaxLanguages {
		return nil, fmt.Errorf("venue %s: %d languages do not fit on one poster; choose at most %d with --langs", v.Code, len(langs), MaxLanguages)
	}
	sh := &Sheet{Venue: v, Tears: make([]struct{}, o.Size.TearStrips)}
	for _, id := range langs {
		loc, ok := s.Catalog.Locale(id)
		if !ok {
			return nil, fmt.Errorf("language %q has no translation", id)
		}
		sh.Blocks = append(sh.Blocks, Block{L: loc})
	}
	sh.Tear = sh.Blocks[0].L
	payload, err := qr.Payload(o.BaseURL, v.Code)
	if err != nil {
		return nil, err
	}
	sym, err := qr.Encode(payload)
	if err != nil {
		return nil, err
	}
	sh.QR = template.HTML(sym.SVGInline(""))
	sh.ShortURL = ShortURL(o.BaseURL, v.Code)
	region, _ := s.Config.Region(v.Region)
	if len(region.Emergency) > 0 {
		sh.Emergency = region.Emergency[0].Number
	}
	for _, h := range region.Helplines {
		if h.Call != "" {
			sh.Helpline = h.Call
			break
		}
	}
	return sh, nil
}

// ShortURL is the address printed for people who cannot scan: no scheme,
// host in lower case for reading, code in upper case as on the QR code.
func ShortURL(baseURL, code string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return code
	}
	return strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/") + "/" + code
}

var fontFiles = []struct{ family, weight, file string }{
	{"Noto Sans", "400", "NotoSans-Regular.woff"},
	{"Noto Sans", "700", "NotoSans-Bold.woff"},
	{"Noto Sans Arabic", "400", "NotoSansArabic-Regular.woff"},
	{"Noto Sans Arabic", "700", "NotoSansArabic-Bold.woff"},
	{"Noto Sans Ethiopic", "400", "NotoSansEthiopic-Regular.woff"},
	{"Noto Sans Ethiopic", "700", "NotoSansEthiopic-Bold.woff"},
	{"Noto Sans SC", "400", "NotoSansSC-Regular.woff"},
	{"Noto Sans SC", "700", "NotoSansSC-Bold.woff"},
}

// fontFaces inlines the subsetted poster fonts, so that the poster prints
// the same on any laptop and the HTML file works on its own.
func fontFaces(assets fs.FS) (template.CSS, error) {
	var b strings.Builder
	for _, f := range fontFiles {
		data, err := fs.ReadFile(assets, "fonts/"+f.file)
		if err != nil {
			return "", fmt.Errorf("poster font: %w", err)
		}
		fmt.Fprintf(&b, "@font-face{font-family:%q;font-weight:%s;src:url(data:font/woff;base64,%s) format(\"woff\")}",
			f.family, f.weight, base64.StdEncoding.EncodeToString(data))
	}
	return template.CSS(b.String()), nil
}
