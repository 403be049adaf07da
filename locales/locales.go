// Package locales embeds the translation files: one go-i18n v2 JSON file per
// language (active.<tag>.json) and status.toml, which records whether a
// native speaker has reviewed each one, and audio/<tag>/, the sections
// read aloud (manifest.toml and MP3 files; docs/audio.md). See
// TRANSLATING.md.
package locales

import (
	"embed"
	"io/fs"
)

//go:embed active.*.json *.toml audio
var files embed.FS

// FS returns the embedded locale files. `waymark serve --dev` reads the
// folder on disk instead, so translators see their edits on reload.
func FS() fs.FS { return files }
