// Package audio holds the recorded sections of the help page: a person who
// cannot read well can listen to a section in their language instead. A
// recording is a translation in another form, so it lives beside the locale
// files (audio/<tag>/ in the built-in locales and in a deployment's
// --locales folder), remembers the hash of the text it was recorded from,
// and is checked with the translations: missing, stale or broken.
// docs/audio.md explains the format and the checks.
package audio

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/waymark/waymark/internal/safefile"
	"github.com/waymark/waymark/lang"
)

// The budget of a recording. 150 KB a minute keeps a section to a few
// hundred KB on a prepaid phone's data; ten minutes is far longer than any
// section takes to read.
const (
	MaxBytesPerMinute = 150_000
	MaxDuration       = 10 * time.Minute
	// slack allows for the Info frame and rounding in very short files.
	slack = 4 << 10
	// MaxSize is the largest file any recording may be.
	MaxSize = int64(MaxBytesPerMinute)*int64(MaxDuration/time.Minute) + slack
	// maxManifestBytes bounds a manifest (a few lines per section).
	maxManifestBytes = 1 << 20
)

// Statuses of a recording, as a manifest records them.
const (
	// StatusPlaceholder is a computer voice (the demo's espeak-ng
	// recordings): the page says so beside the control.
	StatusPlaceholder = "placeholder"
	// StatusDraft is a volunteer's take that no reviewer has heard yet.
	StatusDraft = "draft"
	// StatusReviewed is a take a second native speaker signed off.
	StatusReviewed = "reviewed"
)

// Recording is one section read aloud in one language.
type Recording struct {
	Lang    string
	Section string
	// File is the recording's path as reports name it
	// ("locales/audio/ar/emergency.mp3").
	File string
	// Manifest is the manifest that lists it, and Line the line of its
	// table there.
	Manifest string
	Line     int
	// Name is the file name in the recording's URL, with a hash of its
	// bytes ("emergency.1a2b3c4d5e.mp3"), so that a changed recording
	// never mixes with an old one in any cache.
	Name     string
	Data     []byte
	TextHash string
	Status   string
	By, Date string
	Info     Info
	// Err is why the recording cannot be used; nil for a good one.
	Err error
}

// Placeholder reports whether the recording is a computer voice.
func (r *Recording) Placeholder() bool { return r.Status == StatusPlaceholder }

// Set is every recording of every layer, the later layers' entries over
// the earlier ones, section by section.
type Set struct {
	recs map[string]map[string]*Recording // lang -> section
	// problems are manifests that cannot be read at all.
	problems []fileProblem
}

type fileProblem struct {
	lang string
	p    lang.Problem
}

// Get returns a language's recording of a section, or nil.
func (s *Set) Get(langID, section string) *Recording {
	if s == nil {
		return nil
	}
	return s.recs[langID][section]
}

// Languages lists the languages that have a manifest, sorted.
func (s *Set) Languages() []string {
	var out []string
	for l := range s.recs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// entry is one table of a manifest.
type entry struct {
	File   string `toml:"file"`
	Text   string `toml:"text"`
	Status string `toml:"status"`
	By     string `toml:"by"`
	Date   any    `toml:"date"`
}

// ManifestName is the manifest of a language's recordings, in
// audio/<tag>/ of a locales layer.
const ManifestName = "manifest.toml"

// Load reads audio/<tag>/manifest.toml and the files it names from every
// layer. A manifest or file that cannot be used is kept with its error, for
// Check to report; Load itself fails only when a folder cannot be listed.
func Load(layers ...lang.Layer) (*Set, error) {
	s := &Set{recs: map[string]map[string]*Recording{}}
	for _, layer := range layers {
		dirs, err := fs.ReadDir(layer.FS, "audio")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(layer.Name, "audio"), err)
		}
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			s.loadDir(layer, d.Name())
		}
	}
	return s, nil
}

func (s *Set) loadDir(layer lang.Layer, tag string) {
	dir := path.Join("audio", tag)
	manifest := path.Join(layer.Name, dir, ManifestName)
	data, err := safefile.Read(layer.FS, path.Join(dir, ManifestName), maxManifestBytes)
	if err == nil {
		if _, nerr := safefile.Nesting(data, 8); nerr != nil {
			err = nerr
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	fail := func(line int, msg string) {
		s.problems = append(s.problems, fileProblem{tag, lang.Problem{Severity: lang.SeverityError, Kind: KindBroken,
			File: manifest, Line: line, Explain: msg}})
	}
	if err != nil {
		fail(0, err.Error())
		return
	}
	var raw map[string]entry
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			fail(perr.Position.Line, perr.Message)
		} else {
			fail(0, err.Error()+` (write each section as a quoted table: ["rights.nrm"])`)
		}
		return
	}
	if s.recs[tag] == nil {
		s.recs[tag] = map[string]*Recording{}
	}
	for section, e := range raw {
		r := &Recording{Lang: tag, Section: section, Manifest: manifest, Line: tableLine(data, section),
			File: path.Join(layer.Name, dir, e.File), TextHash: e.Text, Status: e.Status, By: e.By, Date: dateString(e.Date)}
		s.recs[tag][section] = r
		switch {
		case e.File == "" || e.File != path.Base(e.File) || strings.HasPrefix(e.File, "."):
			r.Err = fmt.Errorf("file %q: give a file name in this folder", e.File)
			continue
		case !strings.HasSuffix(e.File, ".mp3"):
			r.Err = fmt.Errorf("file %q is not an .mp3 file: import it with `waymark audio import`", e.File)
			continue
		case e.Status != StatusPlaceholder && e.Status != StatusDraft && e.Status != StatusReviewed:
			r.Err = fmt.Errorf("status %q: want %q, %q or %q", e.Status, StatusPlaceholder, StatusDraft, StatusReviewed)
			continue
		}
		// A file too large for any recording is refused before it is read:
		// a stray video in the folder must not fill the server's memory.
		if st, err := fs.Stat(layer.FS, path.Join(dir, e.File)); err == nil && st.Size() > MaxSize {
			r.Err = fmt.Errorf("too large: %d KB, over the %d KB that %s at %d KB a minute allows; import it with `waymark audio import`",
				st.Size()/1000, MaxSize/1000, MaxDuration, MaxBytesPerMinute/1000)
			continue
		}
		r.Data, err = safefile.Read(layer.FS, path.Join(dir, e.File), MaxSize)
		if err != nil {
			r.Err = fmt.Errorf("cannot read the file: %v", unwrapPath(err))
			continue
		}
		sum := sha256.Sum256(r.Data)
		r.Name = strings.TrimSuffix(e.File, ".mp3") + "." + hex.EncodeToString(sum[:5]) + ".mp3"
		r.Info, r.Err = Validate(r.Data)
	}
}

// Validate checks that a recording plays everywhere and stays within the
// budget: MP3 (MPEG layer III), at most MaxDuration long and at most
// MaxBytesPerMinute.
func Validate(data []byte) (Info, error) {
	info, err := ParseMP3(data)
	if err != nil {
		return info, fmt.Errorf("not a playable MP3 file (%v): import it with `waymark audio import`", err)
	}
	if info.Duration > MaxDuration {
		return info, fmt.Errorf("too long: %s, over %s; split the text or read it more briskly", info.Duration.Round(time.Second), MaxDuration)
	}
	if limit := int(int64(MaxBytesPerMinute)*int64(info.Duration)/int64(time.Minute)) + slack; len(data) > limit {
		return info, fmt.Errorf("too large: %d KB for %s, over %d KB a minute; import it with `waymark audio import`, which encodes it at 16 kbit/s",
			len(data)/1000, info.Duration.Round(100*time.Millisecond), MaxBytesPerMinute/1000)
	}
	return info, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func dateString(d any) string {
	if d == nil {
		return ""
	}
	if t, ok := d.(interface{ Format(string) string }); ok {
		return t.Format("2006-01-02")
	}
	return fmt.Sprint(d)
}

// tableLine finds the line of a section's table in a manifest.
func tableLine(data []byte, section string) int {
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "["+section+"]" || l == `["`+section+`"]` || l == "['"+section+"']" {
			return i + 1
		}
	}
	return 0
}

// Entry is one section's table in a manifest, as `waymark audio import`
// writes it.
type Entry struct {
	File   string
	Text   string
	Status string
	By     string
	Date   string
}

// ReadManifest decodes a manifest for rewriting.
func ReadManifest(data []byte) (map[string]Entry, error) {
	var raw map[string]entry
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, err
	}
	out := make(map[string]Entry, len(raw))
	for k, e := range raw {
		out[k] = Entry{File: e.File, Text: e.Text, Status: e.Status, By: e.By, Date: dateString(e.Date)}
	}
	return out, nil
}

// FormatManifest writes a manifest: sections sorted, each a quoted table
// (a rights topic's key has a dot), dates as TOML dates.
func FormatManifest(tag string, entries map[string]Entry) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Recordings of the sections in %s, one table a section; see TRANSLATING.md.\n", tag)
	b.WriteString("# text is the hash of the text each was read from (`waymark audio script`);\n")
	b.WriteString("# status is placeholder (a computer voice), draft or reviewed.\n")
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := entries[k]
		fmt.Fprintf(&b, "\n[%q]\nfile = %q\ntext = %q\nstatus = %q\n", k, e.File, e.Text, e.Status)
		if e.By != "" {
			fmt.Fprintf(&b, "by = %q\n", e.By)
		}
		if _, err := time.Parse("2006-01-02", e.Date); err == nil {
			fmt.Fprintf(&b, "date = %s\n", e.Date)
		}
	}
	return []byte(b.String())
}
