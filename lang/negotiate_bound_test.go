package lang_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/waymark/waymark/lang"
)

// Crafted Accept-Language headers: only what negotiation can use is read
// (16 entries, 512 bytes, each tag's language, script and region), and
// the answer is still the reader's first language the site has.
func TestAcceptCrafted(t *testing.T) {
	var tags []language.Tag
	for _, s := range demoLanguages {
		tags = append(tags, language.MustParse(s))
	}
	n := lang.NewNegotiator(tags)
	variants := strings.Repeat("-abcdefgh", 200)
	for _, tt := range []struct{ name, header, want string }{
		{"variants after the tag", "ar" + variants, "ar"},
		{"extensions after the tag", "ar-u-co-phonebk-x-" + strings.Repeat("a-", 500) + "b", "ar"},
		{"script and region kept", "zh-Hant-TW-abcdefgh", "zh-Hans"},
		{"spaces", "de," + strings.Repeat(" ", 300) + "ar", "ar"},
		{"spaces past 512 bytes", "de," + strings.Repeat(" ", 3000) + "ar", ""},
		{"entry cut at 512 bytes is dropped", strings.Repeat("de, ", 127) + "fil", ""},
		{"17th entry not read", strings.Repeat("de, ", 16) + "ar", ""},
		{"many parameters", "ar;a=b;c=d;e=f;q=0.5, ti;q=0.4", "ar"},
		{"bad q skips the entry", "ar;q=2, ti", "ti"},
		{"malformed entry skipped, not the header", "ar-!!, ti", "ti"},
		{"weights order", "ti;q=0.2, ar;q=0.9", "ar"},
		{"q=0 refuses", "ar;q=0, ti;q=0.1", "ti"},
		{"unknown scripts of a site language, then a site language", "fr-Cyrl-FR, ar", "ar"},
	} {
		i, ok := n.Accept(tt.header)
		got := ""
		if ok {
			got = tags[i].String()
		}
		if got != tt.want {
			t.Errorf("%s: Accept(%.60q...) = %q, want %q", tt.name, tt.header, got, tt.want)
		}
	}
}
