package lang_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/waymark/waymark/lang"
)

// demoLanguages are the demo site's languages, in its picker order
// (site/demo.toml).
var demoLanguages = []string{"en", "nl", "ti", "ar", "sq", "vi", "so", "uk", "es", "pl", "ro", "fa", "bg", "am", "zh-Hans"}

func demoNegotiator(t testing.TB) *lang.Negotiator {
	t.Helper()
	tags := make([]language.Tag, len(demoLanguages))
	for i, s := range demoLanguages {
		tags[i] = language.MustParse(s)
	}
	return lang.NewNegotiator(tags)
}

// TestAccept is the negotiation table for the demo's languages. "" means
// no match: the caller falls back to the venue's first language.
//
// The Negotiator takes Exact and High matches, and a Low match only within
// one base language: that is how zh-TW and zh-HK (Traditional Chinese)
// reach zh-Hans, since a reader of Traditional Chinese reads Simplified far
// better than English. A related but different language (ru for uk, be)
// is no match: a page in the wrong language is worse than the default.
func TestAccept(t *testing.T) {
	n := demoNegotiator(t)
	tests := []struct {
		header string
		want   string
	}{
		{"ar", "ar"},
		{"ti;q=0.1, ar;q=0.9", "ar"},
		{"ar;q=0.9, ti;q=0.1", "ar"},
		{"ti, ar;q=0.9", "ti"},
		{"de, fr;q=0.8, nl;q=0.5", "nl"}, // the first language the site has
		{"ti-ER", "ti"},
		{"ti-ET", "ti"},
		{"am-ET", "am"},
		{"fa-AF", "fa"},
		{"fa-IR", "fa"},
		{"ro-MD", "ro"},
		{"nl-BE", "nl"},
		{"es-419", "es"},
		{"es-MX,es;q=0.9,en;q=0.8", "es"},
		{"pt-BR, en-GB;q=0.8", "en"},
		{"en-US", "en"},
		{"uk-UA", "uk"},
		{"so-SO", "so"},
		{"sq-XK", "sq"},
		{"vi-VN", "vi"},
		{"zh-CN", "zh-Hans"},
		{"zh", "zh-Hans"},
		{"zh-Hans-CN", "zh-Hans"},
		{"zh-TW", "zh-Hans"}, // Low confidence, same base language
		{"zh-HK", "zh-Hans"},
		{"zh-Hant", "zh-Hans"},
		{"AR", "ar"},
		{"ru", ""}, // not uk: a different language
		{"be", ""},
		{"ru, be;q=0.5", ""},
		{"ru, uk;q=0.5", "uk"},
		{"de", ""},
		{"*", ""},
		{"", ""},
		{"garbage!!", ""},
		{"en;q=0", ""},
		{"ar;q=0, ti;q=0", ""},
		{"ar;q=0, ti;q=0.1", "ti"},
		{";;;,,,", ""},
		{strings.Repeat("x", 5000), ""},
	}
	for _, tt := range tests {
		name := tt.header
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			i, ok := n.Accept(tt.header)
			got := ""
			if ok {
				if i < 0 || i >= len(demoLanguages) {
					t.Fatalf("index %d out of range", i)
				}
				got = demoLanguages[i]
			}
			if got != tt.want {
				t.Errorf("Accept(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

// TestParse: a language in the URL path names one of the site's languages
// exactly (case-insensitively). Site.Choose tries it before Accept-Language,
// so a language in the path wins (pages/pages_test.go tests that).
func TestParse(t *testing.T) {
	n := demoNegotiator(t)
	tests := []struct {
		seg  string
		want string
	}{
		{"ar", "ar"},
		{"AR", "ar"},
		{"zh-Hans", "zh-Hans"},
		{"zh-hans", "zh-Hans"},
		{"ti", "ti"},
		{"fa", "fa"},
		{"zh-TW", ""}, // a path is exact: a near match would hide a typo
		{"zh", ""},
		{"fa-AF", ""},
		{"prs", ""},
		{"ru", ""},
		{"", ""},
		{"K7Q2M", ""},
		{"en;q=0.5", ""},
		{strings.Repeat("a", 40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.seg, func(t *testing.T) {
			i, ok := n.Parse(tt.seg)
			got := ""
			if ok {
				got = demoLanguages[i]
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %q, want %q", tt.seg, got, tt.want)
			}
		})
	}
}

func FuzzAccept(f *testing.F) {
	for _, s := range []string{
		"ar", "ti;q=0.1, ar;q=0.9", "zh-TW", "fa-AF", "*", "", "garbage!!", "en;q=0",
		"en-US,en;q=0.9,de;q=0.8", "x-klingon", "i-default", "zh-Hant-HK-u-nu-hanidec",
		"ar;q=1.0000001", "ar;q=-1", strings.Repeat("ar,", 100),
	} {
		f.Add(s)
	}
	n := demoNegotiator(f)
	f.Fuzz(func(t *testing.T, header string) {
		i, ok := n.Accept(header)
		if ok && (i < 0 || i >= len(demoLanguages)) {
			t.Fatalf("Accept(%q) = %d, out of range", header, i)
		}
		if !ok && i != 0 {
			t.Fatalf("Accept(%q) = %d with no match", header, i)
		}
		if j, ok := n.Parse(header); ok && (j < 0 || j >= len(demoLanguages)) {
			t.Fatalf("Parse(%q) = %d, out of range", header, j)
		}
	})
}

// TestKurdish: phones send "ku" or "ku-Arab" for Sorani, which CLDR tags
// ckb (and x/text rates as no match for ku-Arab): they must reach a ckb
// page when the site has one, while ku-Latn (Kurmanji) stays with a ku
// page or the default.
func TestKurdish(t *testing.T) {
	negotiator := func(ids ...string) *lang.Negotiator {
		var tags []language.Tag
		for _, s := range ids {
			tags = append(tags, language.MustParse(s))
		}
		return lang.NewNegotiator(tags)
	}
	tests := []struct {
		site   []string
		header string
		want   string // "" is no match
	}{
		{[]string{"en", "ckb"}, "ku", "ckb"},
		{[]string{"en", "ckb"}, "ku-Arab", "ckb"},
		{[]string{"en", "ckb"}, "ku-Arab-IQ", "ckb"},
		{[]string{"en", "ckb"}, "ku-IQ", "ckb"},
		{[]string{"en", "ckb"}, "ckb-IQ", "ckb"},
		{[]string{"en", "ckb"}, "ku-Latn", ""},
		{[]string{"en", "ckb"}, "ku-Latn, en;q=0.5", "en"},
		{[]string{"en", "ku", "ckb"}, "ku", "ku"},
		{[]string{"en", "ku", "ckb"}, "ku-TR", "ku"},
		{[]string{"en", "ku", "ckb"}, "ku-Arab", "ckb"},
		{[]string{"en", "ku", "ckb"}, "ku-IQ", "ckb"},
		{[]string{"en", "ku"}, "ku-Arab", ""},
		{[]string{"en", "ku"}, "ku", "ku"},
		{[]string{"en", "ar"}, "ku", ""},
	}
	for _, tt := range tests {
		n := negotiator(tt.site...)
		i, ok := n.Accept(tt.header)
		got := ""
		if ok {
			got = tt.site[i]
		}
		if got != tt.want {
			t.Errorf("site %v, Accept-Language %q: got %q, want %q", tt.site, tt.header, got, tt.want)
		}
	}
}

// TestThirtyLanguages: the tags phones send for the languages of issue 23.
// Phones in Afghanistan send fa-AF for Dari, which CLDR reads as Persian:
// it must reach the Dari page (prs), not the Farsi one; Punjabi phones in
// India send pa-IN (Gurmukhi); Sorani phones send ckb-IQ, ku-Arab or ku-IQ.
// Where the site has only one of Dari and Farsi, each reader gets the
// other, which they read far better than the default.
func TestThirtyLanguages(t *testing.T) {
	site := append(append([]string(nil), demoLanguages...),
		"ps", "prs", "ur", "ckb", "de", "hi", "pa", "bn", "ml", "th", "fr", "pt", "tr", "lt", "fil")
	tags := make([]language.Tag, len(site))
	for i, s := range site {
		tags[i] = language.MustParse(s)
	}
	n := lang.NewNegotiator(tags)
	tests := []struct {
		site   []string // nil: the thirty languages
		header string
		want   string
	}{
		{nil, "fa-AF", "prs"},
		{nil, "fa-AF, fa;q=0.9", "prs"},
		{nil, "prs", "prs"},
		{nil, "prs-AF", "prs"},
		{nil, "fa", "fa"},
		{nil, "fa-IR", "fa"},
		{nil, "ps-AF", "ps"},
		{nil, "ps", "ps"},
		{nil, "pa-IN", "pa"},
		{nil, "pa-Guru-IN", "pa"},
		{nil, "pa", "pa"},
		{nil, "pa-Arab-PK", ""}, // Shahmukhi: the Gurmukhi page is unreadable to its reader
		{nil, "ckb-IQ", "ckb"},
		{nil, "ckb-IR", "ckb"},
		{nil, "ku-Arab", "ckb"},
		{nil, "ku-IQ", "ckb"},
		{nil, "ur-PK", "ur"},
		{nil, "ur-IN", "ur"},
		{nil, "hi-IN", "hi"},
		{nil, "bn-BD", "bn"},
		{nil, "bn-IN", "bn"},
		{nil, "ml-IN", "ml"},
		{nil, "th-TH", "th"},
		{nil, "fil-PH", "fil"},
		{nil, "fil", "fil"},
		{nil, "tl", "fil"}, // CLDR reads Tagalog as Filipino
		{nil, "tl-PH", "fil"},
		{nil, "pt-BR", "pt"},
		{nil, "pt-PT", "pt"},
		{nil, "tr-TR", "tr"},
		{nil, "lt-LT", "lt"},
		{nil, "de-DE", "de"},
		{nil, "de-AT", "de"},
		{nil, "fr-FR", "fr"},
		{nil, "fr-CA", "fr"},
		{[]string{"en", "fa"}, "fa-AF", "fa"},
		{[]string{"en", "fa"}, "prs", "fa"},
		{[]string{"en", "prs"}, "fa-IR", "prs"},
		{[]string{"en", "prs"}, "fa", "prs"},
	}
	for _, tt := range tests {
		nn, ids := n, site
		if tt.site != nil {
			ids = tt.site
			tags := make([]language.Tag, len(ids))
			for i, s := range ids {
				tags[i] = language.MustParse(s)
			}
			nn = lang.NewNegotiator(tags)
		}
		i, ok := nn.Accept(tt.header)
		got := ""
		if ok {
			got = ids[i]
		}
		if got != tt.want {
			t.Errorf("site %v, Accept-Language %q: got %q, want %q", tt.site, tt.header, got, tt.want)
		}
	}
}
