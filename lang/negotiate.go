package lang

import (
	"strconv"
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
	// bases caches baseCanMatch; bounded by the languages x/text knows.
	bases map[language.Base]bool
	// tagSeen caches the match of one entry's tag (at most maxTagBytes).
	tagSeen map[string]acceptResult
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
	if i, ok := n.persian(t); ok {
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

// persian sends Dari readers to Dari (prs) and Farsi readers to Farsi
// (fa). Phones in Afghanistan send "fa-AF" for Dari, which CLDR reads as
// Persian in Afghanistan and x/text matches to fa, never to prs. Dari and
// Farsi are one language in two standards: each reader understands the
// other's page far better than the default, so each falls back to the
// other when the site has only one.
func (n *Negotiator) persian(t language.Tag) (int, bool) {
	base, _ := t.Base()
	b := base.String()
	if b != "fa" && b != "prs" {
		return 0, false
	}
	region, conf := t.Region()
	want, other := "fa", "prs"
	if b == "prs" || conf == language.Exact && region.String() == "AF" {
		want, other = "prs", "fa"
	}
	for _, id := range []string{want, other} {
		for i, sup := range n.tags {
			if sb, _ := sup.Base(); sb.String() == id {
				return i, true
			}
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

// maxTagBytes is the longest tag prefix negotiation can use: language,
// script and region ("zh-Hans-CN" is 10 bytes; a 3-letter language with a
// 3-digit region is 12). Variants, extensions and private-use subtags
// change no choice here, and parsing them is most of a crafted header's
// cost.
const maxTagBytes = 16

// maxAcceptBytes bounds the bytes of a header that are read.
const maxAcceptBytes = 512

// maxFullMatches bounds the entries of one header that are matched in
// full and not yet cached (x/text's matcher takes 5 to 15 µs for a tag
// that matches nothing, as long as the rest of a request). Entries whose
// base language the site lacks are turned away before that, cheaply, so a
// real header's first full match is almost always its answer; and as
// answers are cached per tag, a header whose first candidate fails is
// read one entry further on its next request. Two, not one: a phone that
// lists a regional form the site cannot serve ("ku-Latn" where the site
// has Sorani) before a language it can ("en") must get the second on its
// first visit, which is the one that matters.
const maxFullMatches = 2

// accept reads at most maxAcceptTags entries of the header in one linear
// pass, without x/text's ParseAcceptLanguage: each entry's tag is cut to
// what negotiation can use, an entry whose base language can match none
// of the site's is dropped before any parsing that allocates, and at most
// maxFullMatches entries are parsed and matched in full. A malformed entry
// is skipped rather than spoiling the rest. So a crafted header costs
// about what a phone's first request does.
func (n *Negotiator) accept(header string) (int, bool) {
	type entry struct {
		tag string
		q   float64
	}
	// 16 entries of real tags fit in a few hundred bytes; a longer header
	// is cut at maxAcceptBytes, dropping an entry whose tag the cut would
	// shorten ("fil" read as "fi").
	if len(header) > maxAcceptBytes {
		header = header[:maxAcceptBytes]
		// Keep the last, cut entry only if its tag is whole (the cut is
		// well past the bytes usefulPrefix reads).
		last := strings.LastIndexByte(header, ',') + 1
		if len(strings.TrimLeft(header[last:], " \t")) <= maxTagBytes+1 {
			header = header[:max(last-1, 0)]
		}
	}
	var buf [maxAcceptTags]entry
	entries := buf[:0]
	for header != "" && len(entries) < maxAcceptTags {
		var part string
		part, header, _ = strings.Cut(header, ",")
		tagText, params, _ := strings.Cut(part, ";")
		tagText = strings.TrimSpace(tagText)
		if tagText == "" || tagText == "*" {
			continue
		}
		q, ok := acceptQ(params)
		if !ok || q <= 0 {
			continue
		}
		if tagText = usefulPrefix(tagText); tagText != "" {
			entries = append(entries, entry{tagText, q})
		}
	}
	// Highest weight first; equal weights keep the header's order.
	for a := 1; a < len(entries); a++ {
		for b := a; b > 0 && entries[b].q > entries[b-1].q; b-- {
			entries[b], entries[b-1] = entries[b-1], entries[b]
		}
	}
	budget := maxFullMatches
	for _, e := range entries {
		n.mu.RLock()
		r, hit := n.tagSeen[e.tag]
		n.mu.RUnlock()
		if hit {
			if r.ok {
				return r.i, true
			}
			continue
		}
		first := e.tag
		if k := strings.IndexAny(first, "-_"); k >= 0 {
			first = first[:k]
		}
		if len(first) < 2 || len(first) > 3 {
			continue // the site's languages have 2- or 3-letter codes
		}
		base, err := language.ParseBase(first)
		if err != nil || !n.baseCanMatch(base) {
			continue
		}
		t, ok := composeTag(base, e.tag[len(first):])
		if !ok {
			continue // an unknown script or region: cheap to find again
		}
		if budget--; budget < 0 {
			break
		}
		r = acceptResult{}
		r.i, r.ok = n.Match(t)
		n.mu.Lock()
		if n.tagSeen == nil {
			n.tagSeen = make(map[string]acceptResult)
		}
		if len(n.tagSeen) < maxSeen {
			n.tagSeen[strings.Clone(e.tag)] = r
		}
		n.mu.Unlock()
		if r.ok {
			return r.i, true
		}
	}
	return 0, false
}

// composeTag builds a tag from its base and the rest of a usefulPrefix
// ("-Hans-CN"), from its parts: language.Parse's general parser costs
// several times as much.
func composeTag(base language.Base, rest string) (language.Tag, bool) {
	parts := []any{base}
	for rest != "" {
		rest = rest[1:] // the separator
		sub := rest
		if k := strings.IndexAny(rest, "-_"); k >= 0 {
			sub, rest = rest[:k], rest[k:]
		} else {
			rest = ""
		}
		switch len(sub) {
		case 4:
			sc, err := language.ParseScript(sub)
			if err != nil {
				return language.Tag{}, false
			}
			parts = append(parts, sc)
		case 2, 3:
			rg, err := language.ParseRegion(sub)
			if err != nil {
				return language.Tag{}, false
			}
			parts = append(parts, rg)
		default:
			return language.Tag{}, false
		}
	}
	t, err := language.Compose(parts...)
	return t, err == nil
}

// baseCanMatch reports whether a tag of this base language may match one
// of the site's languages: the base alone matches, or is the base of one
// of them. Answers are kept; there are a few thousand base languages.
func (n *Negotiator) baseCanMatch(b language.Base) bool {
	n.mu.RLock()
	ok, hit := n.bases[b]
	n.mu.RUnlock()
	if hit {
		return ok
	}
	t, err := language.Compose(b)
	if err == nil {
		_, ok = n.Match(t)
	}
	for _, sup := range n.tags {
		if sb, _ := sup.Base(); sb == b {
			ok = true
		}
	}
	n.mu.Lock()
	if n.bases == nil {
		n.bases = make(map[language.Base]bool)
	}
	n.bases[b] = ok
	n.mu.Unlock()
	return ok
}

// usefulPrefix keeps a tag's language, script and region subtags, up to
// maxTagBytes, and drops variants, extensions and private use. It returns
// "" for text that is no tag (characters other than letters, digits, '-'
// and '_').
func usefulPrefix(tag string) string {
	end, subtags := 0, 0
	for i := 0; i <= len(tag); i++ {
		if i < len(tag) {
			c := tag[i]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				continue
			case c == '-' || c == '_':
			default:
				return ""
			}
		}
		sub := tag[end:i]
		if end > 0 {
			sub = tag[end+1 : i]
		}
		// Singletons (u-, x-) start extensions; 5-8 characters or a digit
		// first are variants: nothing after them is used.
		if len(sub) == 0 || (subtags > 0 && (len(sub) == 1 || len(sub) > 4)) || (subtags > 0 && len(sub) == 4 && sub[0] >= '0' && sub[0] <= '9') {
			break
		}
		if i > maxTagBytes || subtags == 3 {
			break
		}
		subtags++
		end = i
		if i == len(tag) {
			break
		}
	}
	return tag[:end]
}

// acceptQ reads the q parameter of one entry's parameters (";q=0.8"); an
// entry without one weighs 1. Only the first few parameters are looked at.
func acceptQ(params string) (float64, bool) {
	for k := 0; params != "" && k < 4; k++ {
		var p string
		p, params, _ = strings.Cut(params, ";")
		p = strings.TrimSpace(p)
		v, ok := strings.CutPrefix(p, "q=")
		if !ok {
			v, ok = strings.CutPrefix(p, "Q=")
		}
		if !ok {
			continue
		}
		if len(v) == 0 || len(v) > 5 {
			return 0, false
		}
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}
