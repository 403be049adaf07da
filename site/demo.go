package site

import _ "embed"

// demoConfig lets `waymark serve` run with no setup at all. Its facts are
// marked unconfirmed, so pages built from it say so.
//
//go:embed demo.toml
var demoConfig []byte

// DemoName is how errors and logs refer to the embedded demo config.
const DemoName = "demo.toml (embedded)"

// Demo parses the embedded demo configuration.
func Demo(langs LanguageSet) (*Config, error) {
	return Parse(DemoName, demoConfig, langs)
}

// DemoTOML returns the embedded demo file, as a starting point for operators.
func DemoTOML() []byte { return demoConfig }
