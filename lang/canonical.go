package lang

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// HashesFile keeps, for every translated message, the hash of the English
// it was translated from (Hash), beside the locale files. Translation
// tools drop the "hash" of go-i18n files on save (translate-toolkit, and
// with it Weblate) or never had one; this file is not theirs to touch, so
// staleness survives them. WriteCanonical writes it; Check uses it for a
// message whose file has no hash. A deployment's --locales folder may
// have one of its own.
const HashesFile = "hashes.toml"

// loadHashes reads a layer's hashes.toml, if it has one: language ->
// message ID -> hash.
func loadHashes(layer Layer) (map[string]map[string]string, error) {
	file := path.Join(layer.Name, HashesFile)
	data, err := readLayerFile(layer, HashesFile, maxDataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out map[string]map[string]string
	if _, err := toml.Decode(string(data), &out); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, &FileError{File: file, Line: perr.Position.Line, Problem: perr.Message + " (this file is written by `waymark i18n --write-canonical`; run it again rather than editing by hand)"}
		}
		return nil, &FileError{File: file, Problem: err.Error() + " (this file is written by `waymark i18n --write-canonical`)"}
	}
	return out, nil
}

// SourceHash is the hash of the English a translated message was made
// from: the file's "hash", or else the one hashes.toml recorded.
func (m *Message) SourceHash() string {
	if m.Hash != "" {
		return m.Hash
	}
	return m.Recorded
}

// WriteCanonical rewrites the locale files of the folder dir in exactly
// the form that `goi18n merge -format json` writes, so that a merge run on
// them afterwards changes nothing (as long as no translation is stale:
// merge takes stale ones out, which is how it asks for them again), and
// writes hashes.toml beside them. It returns the files it changed.
//
// The form is go-i18n's: message IDs in alphabetical order, two-space
// indent, keys of a message in alphabetical order; an English message with
// only "other" and no description as a plain string; every translation as
// an object with the English description, a "hash" and the plural forms of
// its language (others are never shown and merge drops them).
//
// The hash of each translation is, in this order: the English's current
// hash if updated lists "tag:id" (a translator updated a stale message
// outside goi18n), the file's "hash", the one hashes.toml recorded, or
// else the current English hash, which is what goi18n merge assumes for a
// message without one. So a file that lost its hashes in a translation
// tool gets them back from hashes.toml, stale ones still stale.
//
// It refuses a folder whose files do not load, and messages English lacks
// (merge would delete them): fix those first.
//
// base are the folders dir's files are read over: for a deployment's own
// texts (--locales), the built-in locales, whose English its translations
// (a French of its own, say) are mostly made from. Only dir's own files
// are written, each with only its own messages.
func WriteCanonical(dir string, updated []string, base ...Layer) ([]string, error) {
	name := filepath.ToSlash(filepath.Clean(dir))
	layer := Layer{FS: os.DirFS(dir), Name: name}
	// The base layers read under names of their own, so that a message
	// of dir is told from one of the base by its file alone.
	layers := make([]Layer, 0, len(base)+1)
	for i, b := range base {
		layers = append(layers, Layer{FS: b.FS, Name: fmt.Sprintf("\x00base%d", i)})
	}
	c, errs := LoadLayersAll(append(layers, layer)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	en := c.English()
	own, err := fs.Glob(layer.FS, "active.*.json")
	if err != nil {
		return nil, err
	}
	ownFile := map[string]bool{}
	for _, f := range own {
		ownFile[path.Join(name, f)] = true
	}
	fresh := map[string]bool{}
	for _, u := range updated {
		tag, id, ok := strings.Cut(u, ":")
		if !ok || !c.Has(tag) {
			return nil, fmt.Errorf("--updated %q: want tag:message-id of a language in %s, e.g. ar:page.intro", u, dir)
		}
		if loc, _ := c.Locale(tag); !loc.Has(id) || !ownFile[loc.Messages[id].File] {
			return nil, fmt.Errorf("--updated %q: %s has no message %q", u, path.Join(name, "active."+tag+".json"), id)
		}
		fresh[u] = true
	}
	var changed []string
	files := map[string][]byte{}
	hashes := map[string]map[string]string{}
	for _, tag := range c.IDs() {
		loc, _ := c.Locale(tag)
		file := path.Join(name, "active."+tag+".json")
		if !ownFile[file] {
			continue
		}
		out := map[string]any{}
		// In order, so that the first problem named is the same on
		// every run.
		for _, id := range slices.Sorted(maps.Keys(loc.Messages)) {
			m := loc.Messages[id]
			if m.File != file {
				continue // the base's, not dir's
			}
			src := en.Messages[id]
			if src == nil {
				return nil, &FileError{File: m.File, Line: m.Line, ID: id, Problem: "English has no message with this ID: correct or delete it first (goi18n merge would delete it)"}
			}
			if tag == Source {
				if len(m.Forms) == 1 && m.Forms["other"] != "" && m.Desc == "" {
					out[id] = m.Forms["other"]
					continue
				}
				v := map[string]string{}
				if m.Desc != "" {
					v["description"] = m.Desc
				}
				for f, text := range m.Forms {
					v[f] = text
				}
				out[id] = v
				continue
			}
			current := Hash(src.Desc, src.Forms["other"])
			h := m.SourceHash()
			if h == "" || fresh[tag+":"+id] {
				h = current
			}
			v := map[string]string{"hash": h}
			if src.Desc != "" {
				v["description"] = src.Desc
			}
			forms := loc.Plural
			if len(src.Forms) == 1 {
				forms = []string{"other"}
			}
			for f, text := range m.Forms {
				if slices.Contains(forms, f) && text != "" {
					v[f] = text
				}
			}
			if len(v) == 1 || len(v) == 2 && v["description"] != "" {
				return nil, &FileError{File: m.File, Line: m.Line, ID: id, Problem: "no text in a form this message uses (for a message without plural forms, \"other\"): fix it first (goi18n merge would delete it)"}
			}
			out[id] = v
			if hashes[tag] == nil {
				hashes[tag] = map[string]string{}
			}
			hashes[tag][id] = h
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return nil, err
		}
		files["active."+tag+".json"] = b.Bytes()
	}
	files[HashesFile] = hashesTOML(hashes)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, name)
		old, err := os.ReadFile(p)
		if err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, p)
	}
	return changed, nil
}

func hashesTOML(hashes map[string]map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(`# Written by "waymark i18n --write-canonical": for each translated message,
# the hash of the English text and description it was translated from, as
# goi18n merge records it in the "hash" of a translation. Translation tools
# (translate-toolkit, Weblate) drop those hashes on save; this file keeps
# them, so that waymark i18n can still tell which translations are stale.
# Do not edit it by hand (TRANSLATING.md, section 6). Commit it with the
# locale files.
`)
	tags := make([]string, 0, len(hashes))
	for t := range hashes {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	for _, t := range tags {
		fmt.Fprintf(&b, "\n[%s]\n", strconv.Quote(t))
		ids := make([]string, 0, len(hashes[t]))
		for id := range hashes[t] {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "%s = %s\n", strconv.Quote(id), strconv.Quote(hashes[t][id]))
		}
	}
	return b.Bytes()
}
