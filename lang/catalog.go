package lang

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"text/template/parse"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/waymark/waymark/internal/safefile"
)

// FileError is a problem in one locale file, named precisely enough for a
// volunteer translator to find it: file, line and message ID.
type FileError struct {
	File    string
	Line    int
	ID      string
	Problem string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, ": message %q", e.ID)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return safefile.Clip(b.String(), maxErrorLen)
}

// Status records whether a native speaker has reviewed a translation.
type Status struct {
	Status string `toml:"status"` // "reviewed" or "draft"
	By     string `toml:"by"`
	Date   string `toml:"date"`
}

// Locale is one language's messages, ready to translate pages.
type Locale struct {
	Tag  language.Tag
	ID   string // the tag as written in file names and URLs: "zh-Hans"
	Name string // in its own language and script
	// English is the language's name in English: the picker shows it
	// beside Name, so that a helper who knows only the English name finds it.
	English string
	Dir     string // "ltr" or "rtl"
	Status  Status
	File    string
	// Messages as read, with plural forms, for the translators' report.
	Messages map[string]*Message
	// Plural is the CLDR plural categories of the language.
	Plural []string

	localizer *i18n.Localizer
	// english is the source locale, which T falls back to.
	english *Locale
	// withheld are stale translations whose numbers no longer match the
	// English (withholdStaleNumbers): pages show English there.
	withheld map[string]bool
}

// Draft reports whether the translation still awaits a native speaker.
func (l *Locale) Draft() bool { return l.Status.Status != "reviewed" }

// Message is one translated message as written in its file.
type Message struct {
	ID string
	// File is the file the message was read from: with deployment texts
	// (--locales) one language's messages can come from two files.
	File string
	Line int
	Hash string
	// Recorded is the hash hashes.toml keeps for the message, used when
	// the file has none (a translation tool dropped it).
	Recorded string
	Forms    map[string]string // plural category -> text
	Desc     string
}

// Catalog is every locale file, loaded and checked for breakage.
type Catalog struct {
	bundle  *i18n.Bundle
	locales map[string]*Locale
	order   []string
	// counts are the declared counts of plural messages (counts.toml).
	counts map[string][]int
}

// Layer is one folder of locale files. Name is how messages and errors
// refer to the folder ("locales", or the --locales folder as given).
type Layer struct {
	FS   fs.FS
	Name string
}

// Load reads active.<tag>.json files and status.toml from fsys. A file
// that cannot be used (bad JSON, bad tag, a message whose template does
// not parse) is an error naming file, line and message; content problems
// that still render safely (a stale or missing message) are left to Check.
func Load(fsys fs.FS) (*Catalog, error) { return LoadLayers(Layer{FS: fsys}) }

// LoadLayers reads several folders of locale files, each over the ones
// before it: a deployment's own texts (--locales) add messages to the
// embedded ones and may replace them, message by message, and may add a
// language. status.toml entries of a later layer replace earlier ones.
// Every file of every layer is read before any error is returned, so that
// one run names every broken file.
func LoadLayers(layers ...Layer) (*Catalog, error) {
	c, errs := LoadLayersAll(layers...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// LoadLayersAll is LoadLayers for the translators' report: it returns the
// catalog of every file that could be read, beside the errors of those
// that could not, so that one broken file does not hide the problems of
// all the others. The catalog is nil when English itself cannot be read.
// Nothing that serves or prints pages may use a catalog that came with
// errors: pages.Load refuses it.
func LoadLayersAll(layers ...Layer) (*Catalog, []error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: bundle, locales: map[string]*Locale{}, counts: map[string][]int{}}
	statuses := map[string]Status{}
	var errs []error
	for _, layer := range layers {
		names, err := fs.Glob(layer.FS, "active.*.json")
		if err != nil {
			return nil, append(errs, err)
		}
		st, err := loadStatus(layer)
		if err != nil {
			errs = append(errs, err)
		}
		for tag, s := range st {
			statuses[tag] = s
		}
		counts, err := loadCounts(layer)
		if err != nil {
			errs = append(errs, err)
		}
		for id, n := range counts {
			c.counts[id] = n
		}
		// English first: every other file is read against it.
		sort.Strings(names)
		slices.SortStableFunc(names, func(a, b string) int {
			return boolInt(a != "active."+Source+".json") - boolInt(b != "active."+Source+".json")
		})
		recorded, err := loadHashes(layer)
		if err != nil {
			errs = append(errs, err)
		}
		for _, name := range names {
			loc, ferrs := c.loadFile(layer, name)
			errs = append(errs, ferrs...)
			if loc == nil {
				continue
			}
			for id, m := range loc.Messages {
				if m.Hash == "" {
					m.Recorded = recorded[loc.ID][id]
				}
			}
			if prev, ok := c.locales[loc.ID]; ok {
				for id, m := range loc.Messages {
					prev.Messages[id] = m
				}
				continue
			}
			c.locales[loc.ID] = loc
			c.order = append(c.order, loc.ID)
		}
	}
	if c.locales[Source] == nil {
		if len(errs) == 0 {
			errs = append(errs, fmt.Errorf("locales: active.%s.json is missing: it is the source of every message", Source))
		}
		return nil, errs
	}
	for _, loc := range c.locales {
		loc.Status = statuses[loc.ID]
		if loc.Status.Status == "" {
			loc.Status.Status = "draft"
		}
		loc.localizer = i18n.NewLocalizer(bundle, PluralTag(loc.Tag).String(), Source)
		loc.english = c.locales[Source]
	}
	c.withholdStaleNumbers()
	return c, errs
}

// withholdStaleNumbers keeps every stale translation whose numbers differ
// from the current English off the pages. When English changes a number
// (a period of 30 days becomes 60, a deployment's text gives a new
// number), the translations made from the old English still say the old
// one: showing them would state a wrong fact, and refusing the whole site
// until every language is updated would take the right English away from
// everyone. So the page shows English for that message, and the
// translators' report lists it as stale. A current translation (or one
// whose source is unknown) with other numbers is a mistake, not a change
// of English: Check makes it an error.
func (c *Catalog) withholdStaleNumbers() {
	en := c.locales[Source]
	for _, loc := range c.locales {
		if loc == en {
			continue
		}
		for id, m := range loc.Messages {
			src := en.Messages[id]
			if src == nil {
				continue
			}
			h := m.SourceHash()
			if h == "" || h == Hash(src.Desc, src.Forms["other"]) || numbersAgree(m, src) {
				continue
			}
			if loc.withheld == nil {
				loc.withheld = map[string]bool{}
			}
			loc.withheld[id] = true
		}
	}
}

// Withheld reports whether a stale translation of a message is kept off
// the pages because its numbers no longer match the English.
func (l *Locale) Withheld(id string) bool { return l.withheld[id] }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// loadFile reads one locale file. A file that cannot be read at all (not
// JSON, a bad tag) is one error and no locale. A message that is broken
// (a placeholder that does not parse, an unknown key) is an error of its
// own, and only that message is left out: the rest of the file still
// counts, so the report shows one error at its line rather than a whole
// language "broken, 0 %" (and the config's "has no locale file" besides).
// Nothing serves a catalog that came with errors (pages.Load refuses it).
func (c *Catalog) loadFile(layer Layer, base string) (*Locale, []error) {
	data, err := readLayerFile(layer, base, MaxLocaleBytes)
	if err != nil {
		return nil, []error{err}
	}
	name := path.Join(layer.Name, base)
	id := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".json")
	tag, err := language.Parse(id)
	if err != nil || tag == language.Und {
		return nil, []error{&FileError{File: name, Problem: fmt.Sprintf("%q is not a language tag (name files active.<tag>.json, e.g. active.ar.json)", id)}}
	}
	if tag.String() != id {
		return nil, []error{&FileError{File: name, Problem: fmt.Sprintf("write the language tag as %q", tag.String())}}
	}
	msgs, err := readMessages(name, data)
	if err != nil {
		return nil, []error{err}
	}
	plural := pluralCategories(tag)
	if len(plural) == 0 {
		return nil, []error{&FileError{File: name, Problem: fmt.Sprintf("language %q has no CLDR plural rule; use a tag that has one (for example ku, not kmr)", id)}}
	}
	var errs []error
	broken := map[string]bool{}
	for _, m := range msgs {
		for _, form := range slices.Sorted(maps.Keys(m.Forms)) {
			text := m.Forms[form]
			var problem string
			if !slices.Contains(allForms, form) {
				problem = fmt.Sprintf("unknown key %q (use description, hash, zero, one, two, few, many, other)", form)
			} else if trees, err := parse.Parse(m.ID, text, "{{", "}}"); err != nil {
				problem = "placeholder does not parse: " + cleanTemplateErr(err)
			} else if bad := templateLogic(trees); bad != "" {
				problem = fmt.Sprintf("%s is not allowed: use only placeholders such as {{.Number}}", bad)
			}
			if problem != "" {
				errs = append(errs, &FileError{File: name, Line: m.Line, ID: m.ID, Problem: problem})
				broken[m.ID] = true
				break
			}
		}
	}
	mf, err := i18n.ParseMessageFileBytes(data, name, map[string]i18n.UnmarshalFunc{"json": json.Unmarshal})
	if err != nil {
		if len(errs) > 0 {
			return nil, errs // go-i18n refuses the file for the broken message
		}
		return nil, []error{&FileError{File: name, Problem: err.Error()}}
	}
	// A language whose plural rule go-i18n files under another tag (prs)
	// is held under that tag; a file for the other tag itself would mix
	// with it.
	if pt := PluralTag(tag); pt != tag {
		if _, ok := c.locales[pt.String()]; ok {
			return nil, append(errs, &FileError{File: name, Problem: fmt.Sprintf("%s and %s cannot both be loaded: Waymark serves %s under %s's plural rule; keep one of them", id, pt, id, pt)})
		}
	}
	good := slices.DeleteFunc(mf.Messages, func(m *i18n.Message) bool { return broken[m.ID] })
	if err := c.bundle.AddMessages(PluralTag(tag), good...); err != nil {
		return nil, append(errs, &FileError{File: name, Problem: err.Error()})
	}
	byID := make(map[string]*Message, len(msgs))
	for _, m := range msgs {
		if !broken[m.ID] {
			byID[m.ID] = m
		}
	}
	return &Locale{Tag: tag, ID: id, Name: NativeName(tag), English: EnglishName(tag), Dir: Dir(tag), File: name, Messages: byID, Plural: plural}, errs
}

var allForms = []string{"zero", "one", "two", "few", "many", "other"}

func cleanTemplateErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// readMessages decodes a go-i18n JSON file, keeping each message's line so
// that later checks can point at it.
func readMessages(name string, data []byte) ([]*Message, error) {
	var raw map[string]json.RawMessage
	if bytes.HasPrefix(data, bom) || json.Unmarshal(data, &raw) != nil {
		err := json.Unmarshal(data, &raw)
		line, problem := jsonProblem(data, err)
		return nil, &FileError{File: name, Line: line, Problem: problem}
	}
	var out []*Message
	lines := keyLines(data)
	for id, body := range raw {
		line, ok := lines[id]
		if !ok {
			line = lineOfID(data, id)
		}
		m := &Message{ID: id, File: name, Line: line, Forms: map[string]string{}}
		if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
			return nil, &FileError{File: name, Line: line, ID: id, Problem: "has no text (add \"other\")"}
		}
		var s string
		if err := json.Unmarshal(body, &s); err == nil {
			m.Forms["other"] = s
			out = append(out, m)
			continue
		}
		var obj map[string]string
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, &FileError{File: name, Line: line, ID: id, Problem: "want a text or an object of texts"}
		}
		for k, v := range obj {
			switch k {
			case "description":
				m.Desc = v
			case "hash":
				m.Hash = v
			case "id", "leftdelim", "rightdelim":
				return nil, &FileError{File: name, Line: line, ID: id, Problem: fmt.Sprintf("key %q is not allowed here", k)}
			default:
				m.Forms[k] = v
			}
		}
		if len(m.Forms) == 0 {
			return nil, &FileError{File: name, Line: line, ID: id, Problem: "has no text (add \"other\")"}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out, nil
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// keyLines returns the line of each key of a JSON object, where it first
// occurs, in one pass: searching the file for each of hundreds of keys
// cost a tenth of every load.
func keyLines(data []byte) map[string]int {
	out := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return out
	}
	line, at := 1, 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := t.(string)
		end := int(dec.InputOffset())
		line += bytes.Count(data[at:end], []byte("\n"))
		at = end
		if _, seen := out[key]; !seen {
			out[key] = line
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return out
		}
	}
	return out
}

func lineOfID(data []byte, id string) int {
	key, _ := json.Marshal(id)
	i := bytes.Index(data, append(key, ':'))
	if i < 0 {
		i = bytes.Index(data, key)
	}
	if i < 0 {
		return 0
	}
	return lineAt(data, int64(i))
}

func loadStatus(layer Layer) (map[string]Status, error) {
	file := path.Join(layer.Name, "status.toml")
	data, err := readLayerFile(layer, "status.toml", maxDataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Status{}, nil
	}
	if err != nil {
		return nil, err
	}
	var raw map[string]struct {
		Status string `toml:"status"`
		By     string `toml:"by"`
		Date   any    `toml:"date"`
	}
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, &FileError{File: file, Line: perr.Position.Line, Problem: perr.Message}
		}
		return nil, &FileError{File: file, Problem: err.Error()}
	}
	out := map[string]Status{}
	for tag, s := range raw {
		if s.Status != "reviewed" && s.Status != "draft" {
			return nil, &FileError{File: file, ID: tag, Problem: fmt.Sprintf("status %q: want \"reviewed\" or \"draft\"", s.Status)}
		}
		date := ""
		if s.Date != nil {
			date = fmt.Sprint(s.Date)
			if t, ok := s.Date.(interface{ Format(string) string }); ok {
				date = t.Format("2006-01-02")
			}
		}
		out[tag] = Status{Status: s.Status, By: s.By, Date: date}
	}
	return out, nil
}

// Locale returns the locale with the given tag ("ar", "zh-Hans").
func (c *Catalog) Locale(id string) (*Locale, bool) {
	l, ok := c.locales[id]
	return l, ok
}

// Has reports whether a locale file exists for the tag.
func (c *Catalog) Has(id string) bool { _, ok := c.locales[id]; return ok }

// IDs returns every loaded locale, English first.
func (c *Catalog) IDs() []string { return c.order }

// HasText reports whether English, the source of every message, has the
// message: a config may name only rights topics and helpline kinds that
// have text.
func (c *Catalog) HasText(id string) bool { return c.English().Has(id) }

// English returns the source locale.
func (c *Catalog) English() *Locale { return c.locales[Source] }

// templateLogic returns the first part of a message that is more than text
// and plain {{.Name}} placeholders. Translations are untrusted: a loop, a
// condition, a nested template or a variable has no place in them, and
// some (a template calling itself) would only fail when a page renders.
func templateLogic(trees map[string]*parse.Tree) string {
	for name, tree := range trees {
		if len(trees) > 1 || tree.Root == nil {
			return "{{define " + name + "}}"
		}
		for _, n := range tree.Root.Nodes {
			switch n := n.(type) {
			case *parse.TextNode:
			case *parse.ActionNode:
				if !isPlaceholder(n) {
					return n.String()
				}
			default:
				return n.String()
			}
		}
	}
	return ""
}

func isPlaceholder(a *parse.ActionNode) bool {
	p := a.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1
}
