// Package scalegen writes large Waymark configs for the scale test and for
// `bench/run scale`: the demo's regions and languages with many generated
// venues appended. It is benchmark tooling, not part of the product.
package scalegen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/waymark/waymark/site"
)

// crockford is the poster code alphabet (site/code.go).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is the length of generated codes; the demo's own codes have 5
// characters, so generated ones never collide with them.
const CodeLen = 6

// Code returns the i-th generated code. Codes are spread over the code
// space (an odd multiplier is a bijection modulo 32^6 = 2^30), so they are
// unique for every i below 2^30 and do not share long prefixes.
func Code(i int) string {
	x := (uint64(i)*2654435761 + 12345) & (1<<30 - 1)
	var b [CodeLen]byte
	for j := CodeLen - 1; j >= 0; j-- {
		b[j] = crockford[x&31]
		x >>= 5
	}
	return string(b[:])
}

// Regions are the demo's regions, in its order.
var Regions = []string{"uk", "nl", "us"}

// Config returns the embedded demo config with n generated venues
// appended, spread round-robin over the demo's regions, each with four of
// the site's languages (all of which are the shipped locales).
func Config(n int) []byte {
	langs := demoLanguages()
	var b bytes.Buffer
	b.Write(site.DemoTOML())
	b.WriteString("\n# Generated venues (bench/scalegen).\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[[venues]]\ncode = %q\nname = \"Generated venue %d\"\nregion = %q\nlanguages = [", Code(i), i, Regions[i%len(Regions)])
		for k := range 4 {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", langs[(i+k)%len(langs)])
		}
		b.WriteString("]\n")
	}
	return b.Bytes()
}

// demoLanguages reads the demo's `languages = [...]` line, so that the
// generated venues use exactly the languages the demo site serves.
func demoLanguages() []string {
	for _, line := range strings.Split(string(site.DemoTOML()), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "languages = [")
		if !ok {
			continue
		}
		var out []string
		for _, f := range strings.Split(strings.TrimSuffix(rest, "]"), ",") {
			out = append(out, strings.Trim(strings.TrimSpace(f), `"`))
		}
		return out
	}
	panic("scalegen: the demo config has no top-level languages line")
}
