package scalegen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// CraftedAcceptLanguage returns the i-th of many distinct 4,000-byte
// Accept-Language headers built to defeat every cache: entries whose base
// languages are the demo site's own (so none is turned away cheaply), with
// scripts and regions that match nothing, each padded with variants,
// extensions and private use. bench/run and the handlers' benchmarks use
// it as the worst case for language negotiation.
func CraftedAcceptLanguage(i int) string {
	bases := []string{"en", "ar", "nl", "ti", "fa", "zh", "uk", "es"}
	scripts := []string{"Cyrl", "Grek", "Hebr", "Thai", "Deva", "Geor", "Armn", "Khmr",
		"Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym"}
	regions := []string{"RU", "FR", "DE", "IN", "BR", "JP", "CN", "US", "GB", "NG", "KE", "EG", "TR", "IR", "PK",
		"BD", "ID", "MX", "AR", "CO", "PE", "VE", "CL", "ZA", "ET", "ER", "SO", "UA", "PL", "RO", "BG", "AL",
		"VN", "TH", "MY", "PH", "KR", "IT", "ES", "PT", "NL", "BE", "SE", "NO", "FI", "DK", "GR", "IL", "SA", "AE"}
	r := rand.New(rand.NewPCG(uint64(i), 7))
	var b strings.Builder
	for k := 0; b.Len() < 4000; k++ {
		if k > 0 {
			b.WriteString(", ")
		}
		// 8 × 16 × 50 = 6,400 distinct tags: more than any cache keeps.
		fmt.Fprintf(&b, "%s-%s-%s-abcdefgh-u-co-phonebk-x-%08x;q=0.%d", bases[r.IntN(len(bases))], scripts[r.IntN(len(scripts))],
			regions[r.IntN(len(regions))], r.Uint32(), 9-k%9)
	}
	return b.String()[:4000]
}
