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
	scripts := []string{"Cyrl", "Grek", "Hebr", "Thai", "Deva", "Geor", "Armn", "Khmr"}
	r := rand.New(rand.NewPCG(uint64(i), 7))
	var b strings.Builder
	for k := 0; b.Len() < 4000; k++ {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s-%s-%03d-abcdefgh-u-co-phonebk-x-%08x;q=0.%d", bases[r.IntN(len(bases))], scripts[r.IntN(len(scripts))],
			r.IntN(900)+100, r.Uint32(), 9-k%9)
	}
	return b.String()[:4000]
}
