// Package assets embeds the page templates, the CSS and the JavaScript.
// Pages inline their CSS and JS (allowed by hash in the Content-Security-
// Policy), so a landing page is one response with nothing else to fetch.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed templates static fonts/*.woff
var files embed.FS

// FS returns the embedded assets; `waymark serve --dev` uses the folder on
// disk instead.
func FS() fs.FS { return files }
