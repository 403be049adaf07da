// Command genconfig prints the demo config with N generated venues, for
// `bench/run scale`:
//
//	go run ./bench/genconfig -venues 10000 > big.toml
package main

import (
	"flag"
	"os"

	"github.com/waymark/waymark/bench/scalegen"
)

func main() {
	n := flag.Int("venues", 10000, "number of generated venues")
	flag.Parse()
	os.Stdout.Write(scalegen.Config(*n))
}
