// Package poster lays out the print-ready poster of a venue as HTML and
// prints it to PDF through a local headless Chromium. HTML is the primary
// format: the browser shapes Arabic, Ethiopic, Vietnamese and Chinese text
// correctly, which a hand-drawn PDF would not.
package poster

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net"
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
	// Discreet prints a neutral headline and strips that carry the short
	// address only: a helpline number tells anyone who looks it up what
	// the poster is about.
	Discreet bool
	// Draft marks every sheet DRAFT in its top margin: printed while
	// `waymark check --strict` fails (`waymark posters --draft`), for a
	// proof, never for a wall.
	Draft bool
	// Fonts are the fonts the poster may embed (LoadFonts); nil reads the
	// built-in ones from the assets on every call.
	Fonts *Fonts
}

// Block is one language's headline and instruction.
type Block struct {
	L *lang.Locale
}

// Sheet is one printed poster.
type Sheet struct {
	Venue      *site.Venue
	Size       Size
	Blocks     []Block
	HeadlineID string
	QR         template.HTML
	ShortURL   string
	URLParts   []URLPart
	Emergency  string
	Helpline   string
	Discreet   bool
	Draft      bool
	Tear       *lang.Locale
	Tears      []struct{}
}

// URLPart is a piece of the printed address that must not break: lines may
// break only after a '/', never inside the host or the venue code.
type URLPart struct {
	Text string
	Code bool
}

// LangList is the sheet's languages, as --langs takes them.
func (sh *Sheet) LangList() string {
	ids := make([]string, len(sh.Blocks))
	for i, b := range sh.Blocks {
		ids[i] = b.L.ID
	}
	return strings.Join(ids, ",")
}

// KMax is how far poster.js may enlarge the language blocks' type: one or
// two languages get the space that six would share.
func (sh *Sheet) KMax() string {
	switch len(sh.Blocks) {
	case 1:
		return "1.6"
	case 2:
		return "1.25"
	}
	return "1"
}

type document struct {
	Venue     *site.Venue
	Size      Size
	Blocks    []Block
	Pages     []*Sheet
	FontFaces template.CSS
	CSS       template.CSS
	Script    template.JS
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
	js, err := fs.ReadFile(assets, "static/poster.js")
	if err != nil {
		return nil, err
	}
	sz := o.Size
	vars := fmt.Sprintf(":root{--w:%gmm;--h:%gmm;--m:%gmm;--qr:%gmm;--u:%gmm;--tear:%gmm}@page{size:%gmm %gmm}",
		sz.W, sz.H, sz.Margin, sz.QR, sz.Unit, sz.Tear, sz.W, sz.H)
	fonts := o.Fonts
	if fonts == nil {
		if fonts, err = LoadFonts(assets, ""); err != nil {
			return nil, err
		}
	}
	doc := &document{Venue: venues[0], Size: sz, CSS: template.CSS(vars + string(css)), Script: template.JS(js)}
	var text strings.Builder
	var ids []string
	for _, v := range venues {
		sheet, err := newSheet(s, v, o)
		if err != nil {
			return nil, err
		}
		doc.Pages = append(doc.Pages, sheet)
		for i, b := range sheet.Blocks {
			msgs := []string{sheet.HeadlineID, "poster.instruction"}
			if i == 0 {
				msgs = append(msgs, "poster.emergency", "poster.tear")
			}
			// Every letter is drawn from a font the poster carries, or
			// the poster is not made: no silent fallback to a system font.
			for _, id := range msgs {
				t := b.L.Text(id)
				if scripts, chars := fonts.Missing(b.L.ID, t); len(scripts) > 0 {
					p := lang.Problem{File: b.L.File, ID: id, Explain: fonts.Advice(scripts[0], chars[scripts[0]])}
					if m := b.L.Messages[id]; m != nil {
						p.File, p.Line = m.File, m.Line
					}
					return nil, fmt.Errorf("venue %s: no poster in %s (%s): %s", v.Code, b.L.Name, b.L.ID, p)
				}
				text.WriteString(t)
			}
			ids = append(ids, b.L.ID)
		}
	}
	doc.FontFaces = fonts.faces(text.String(), ids)
	doc.Blocks = doc.Pages[0].Blocks
	return s.Render("poster", doc)
}

// ScriptHash is the Content-Security-Policy source that lets the poster's
// inline fitting script run, and nothing else.
func ScriptHash(assets fs.FS) (string, error) {
	js, err := fs.ReadFile(assets, "static/poster.js")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(js)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'", nil
}

// Languages resolves language IDs in any letter case to the catalog's own,
// and refuses unknown, repeated and too many languages.
func Languages(s *pages.Site, ids []string) ([]*lang.Locale, error) {
	if len(ids) > MaxLanguages {
		return nil, fmt.Errorf("%d languages do not fit on one poster; choose at most %d with --langs", len(ids), MaxLanguages)
	}
	var locs []*lang.Locale
	seen := map[string]bool{}
	for _, id := range ids {
		var loc *lang.Locale
		for _, l := range s.Locales {
			if strings.EqualFold(l.ID, id) {
				loc = l
				break
			}
		}
		if loc == nil {
			return nil, fmt.Errorf("language %q has no translation", id)
		}
		if seen[loc.ID] {
			return nil, fmt.Errorf("language %q is listed twice", loc.ID)
		}
		seen[loc.ID] = true
		locs = append(locs, loc)
	}
	return locs, nil
}

func newSheet(s *pages.Site, v *site.Venue, o Options) (*Sheet, error) {
	langs := o.Langs
	if len(langs) == 0 {
		langs = v.Languages
	}
	locs, err := Languages(s, langs)
	if err != nil {
		return nil, fmt.Errorf("venue %s: %w", v.Code, err)
	}
	if len(locs) == 0 {
		return nil, fmt.Errorf("venue %s: no language to print", v.Code)
	}
	sh := &Sheet{Venue: v, Size: o.Size, Tears: make([]struct{}, o.Size.TearStrips), Discreet: o.Discreet, Draft: o.Draft, HeadlineID: "poster.headline"}
	if o.Discreet {
		// The strips' label ("Free advice") says what the poster offers
		// without saying to whom.
		sh.HeadlineID = "poster.tear"
	}
	for _, loc := range locs {
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
	sh.URLParts = splitURL(sh.ShortURL)
	region, _ := s.Config.Region(v.Region)
	if len(region.Emergency) > 0 {
		sh.Emergency = region.Emergency[0].Number
	}
	// The strips' number is the config's choice (strip = true) or its
	// documented rule, never simply the first line listed.
	strip := s.Config.StripLine(v)
	if strip != nil {
		sh.Helpline = strip.FirstCall()
	}
	// "Free, confidential advice" only over a line whose data says it
	// tells nobody; otherwise the plainer strip label ("Free advice"),
	// as discreet posters print.
	if strip == nil || !strip.Confidential() {
		sh.HeadlineID = "poster.tear"
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

// splitURL cuts a short address after each '/', so that a long host
// never pushes the venue code off a line: the last part is the code.
func splitURL(short string) []URLPart {
	var parts []URLPart
	for {
		i := strings.IndexByte(short, '/')
		if i < 0 {
			return append(parts, URLPart{Text: short, Code: true})
		}
		parts = append(parts, URLPart{Text: short[:i+1]})
		short = short[i+1:]
	}
}

// sharedSpace is carrier-grade NAT (RFC 6598), which VPNs such as
// Tailscale also use: reachable only from inside.
var sharedSpace = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// IsLocal reports whether baseURL is an address that only this computer or
// its own network can reach: localhost, a loopback, private or link-local
// IP, or a host name without a dot. A poster printed with such an address
// sends every phone that scans it nowhere.
func IsLocal(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return true
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || sharedSpace.Contains(ip)
	}
	if !strings.Contains(host, ".") || host == "localhost" {
		return true
	}
	for _, suffix := range []string{".localhost", ".local", ".internal", ".lan", ".home.arpa"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}
