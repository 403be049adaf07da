package lang

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// maxAcceptTags bounds the work a hostile Accept-Language header can cause.
const maxAcceptTags = 16

// Negotiator picks one of the site's languages for a request.
type Negotiator struct {
	tags    []language.Tag
	ids     []string
	matcher language.Matcher
	// seen caches answers per Accept-Language header: phones send few
	// distinct headers, and parsing one allocates. Bounded, because the
	// header is the client's to choose.
	mu   sync.RWMutex
	seen map[string]acceptResult
}

type acceptResult struct {
	i  int
	ok bool
}

const maxSeen = 4096

// NewNegotiator builds a negotiator over the given supported tags.
func NewNegotiator(tags []language.Tag) *Negotiator {
	n := &Negotiator{tags: tags, matcher: language.NewMatcher(tags)}
	for _, t := range tags {
		n.ids = append(n.ids, t.String())
	}
	return n
}

// Match returns the supported tag closest to t, if close enough to read.
//
// x/text rates a related but different language as Low or No (ru against
// uk), and a page in the wrong language is worse than one in the default:
// so only High and Exact matches count, plus Low between scripts of one
// language (zh-Hant against zh-Hans: a Traditional-Chinese reader reads
// Simplified far better than English).
func (n *Negotiator) Match(t language.Tag) (int, bool) {
	if i, ok := n.kurdish(t); ok {
		return i, true
	}
	_, i, conf := n.matcher.Match(t)
	switch conf {
	case language.Exact, language.High:
		return i, true
	case language.Low:
		b1, _ := t.Base()
		b2, _ := n.tags[i].Base()
		return i, b1 == b2
	}
	return 0, false
}

// kurdish maps the tags phones send for Kurdish to Sorani (ckb) where
// CLDR's reading of "ku" as Kurmanji would miss it. "ku" alone is
// Kurmanji (Latin script) in CLDR, but many phones and Windows send "ku"
// or "ku-Arab" for Sorani, written in Arabic script, and x/text rates
// ku-Arab against ckb as no match at all. So ku-Arab, and ku in Iraq or
// Iran, go to ckb first; plain "ku" goes to a Kurmanji page (ku) if the
// site has one and to Sorani otherwise, which a Kurdish reader understands
// better than the default language.
func (n *Negotiator) kurdish(t language.Tag) (int, bool) {
	base, _ := t.Base()
	if base.String() != "ku" {
		return 0, false
	}
	script, conf := t.Script()
	region, _ := t.Region()
	arabic := conf == language.Exact && script.String() == "Arab" ||
		conf != language.Exact && (region.String() == "IQ" || region.String() == "IR")
	if !arabic && (conf == language.Exact || n.hasBase("ku")) {
		return 0, false
	}
	for i, sup := range n.tags {
		if b, _ := sup.Base(); b.String() == "ckb" {
			return i, true
		}
	}
	return 0, false
}

func (n *Negotiator) hasBase(base string) bool {
	for _, sup := range n.tags {
		if b, _ := sup.Base(); b.String() == base {
			return true
		}
	}
	return false
}

// Parse reads a language tag from a URL path segment, case-insensitively.
func (n *Negotiator) Parse(s string) (int, bool) {
	if s == "" || len(s) > 35 {
		return 0, false
	}
	// Most segments are poster codes or tags as we print them: compare
	// before parsing, which allocates.
	for i, sup := range n.ids {
		if strings.EqualFold(s, sup) {
			return i, true
		}
	}
	if !strings.ContainsAny(s, "-_") {
		return 0, false
	}
	t, err := language.Parse(s)
	if err != nil {
		return 0, false
	}
	// A path names a language exactly; a near match would hide a typo.
	for i, sup := range n.tags {
		if sup == t {
			return i, true
		}
	}
	return 0, false
}

// Accept chooses from an Accept-Language header: the first language, in
// the reader's order of preference, that the site has. ok is false when
// the header names none of them (or cannot be read), so that the caller
// falls back to the venue's own first language.
func (n *Negotiator) Accept(header string) (int, bool) {
	if header == "" || len(header) > 4096 {
		return 0, false
	}
	n.mu.RLock()
	r, hit := n.seen[header]
	n.mu.RUnlock()
	if hit {
		return r.i, r.ok
	}
	i, ok := n.accept(header)
	if len(header) <= 256 {
		n.mu.Lock()
		if n.seen == nil {
			n.seen = make(map[string]acceptResult)
		}
		if len(n.seen) < maxSeen {
			n.seen[strings.Clone(header)] = acceptResult{i, ok}
		}
		n.mu.Unlock()
	}
	return i, ok
}

func (n *Negotiator) accept(header string) (int, bool) {
	// Only the first entries count: cut before parsing, which is most of
	// the cost of a long header on a listener that is never rate-limited.
	if i := indexNth(header, ',', maxAcceptTags); i >= 0 {
		header = header[:i]
	}
	tags, q, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return 0, false
	}
	if len(tags) > maxAcceptTags {
		tags, q = tags[:maxAcceptTags], q[:maxAcceptTags]
	}
	// ParseAcceptLanguage returns tags sorted by descending weight.
	for k, t := range tags {
		if q[k] <= 0 {
			continue
		}
		if i, ok := n.Match(t); ok {
			return i, true
		}
	}
	return 0, false
}

// indexNth returns the index of the nth occurrence of c in s, or -1.
func indexNth(s string, c byte, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			if n--; n == 0 {
				return i
			}
		}
	}
	return -1
}
