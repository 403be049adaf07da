// Package bench holds Waymark's benchmark tooling: bench/run (the script),
// helper programs in its sub-folders, and the Go benchmarks here that
// explain what bench/run measures. See docs/benchmarks.md.
package bench

import (
	"strings"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

// longAcceptLanguage is the header of bench/run's long Accept-Language
// measurement: 40 real tags, none of the site's languages but the last.
const longAcceptLanguage = "de-DE, de;q=0.99, fr-FR;q=0.98, fr;q=0.97, it-IT;q=0.96, it;q=0.95, pt-BR;q=0.94, pt;q=0.93, " +
	"ja-JP;q=0.92, ja;q=0.91, ko-KR;q=0.9, ko;q=0.89, ru-RU;q=0.88, ru;q=0.87, tr-TR;q=0.86, tr;q=0.85, " +
	"sv-SE;q=0.84, sv;q=0.83, da-DK;q=0.82, da;q=0.81, fi-FI;q=0.8, fi;q=0.79, nb-NO;q=0.78, nb;q=0.77, " +
	"cs-CZ;q=0.76, cs;q=0.75, hu-HU;q=0.74, hu;q=0.73, el-GR;q=0.72, el;q=0.71, he-IL;q=0.7, he;q=0.69, " +
	"hi-IN;q=0.68, hi;q=0.67, th-TH;q=0.66, th;q=0.65, id-ID;q=0.64, id;q=0.63, ms-MY;q=0.62, ar;q=0.1"

// BenchmarkAcceptLanguage measures choosing a page's language for the
// demo site's 15 languages: a phone's header (cached after the first
// request) and bench/run's 40-tag header (too long to be cached, so parsed
// and matched on every request).
func BenchmarkAcceptLanguage(b *testing.B) {
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	if err != nil {
		b.Fatal(err)
	}
	region, _ := s.Config.Region("uk")
	v, _ := s.Config.LookupCode("K7Q2M")
	for _, c := range []struct{ name, header string }{
		{"phone", "ar,en;q=0.8"},
		{"40tags", longAcceptLanguage},
		{"16unknown", strings.Join(strings.Split(longAcceptLanguage, ", ")[:16], ", ")},
		{"4096bytes", longest()},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Choose(region, "", c.header, v)
			}
		})
	}
}

// longest is the longest header the negotiator reads (4096 bytes): the
// 40-tag header repeated, ending on whole tags.
func longest() string {
	h := longAcceptLanguage
	for len(h)+2+len(longAcceptLanguage) <= 4096 {
		h += ", " + longAcceptLanguage
	}
	return h
}
