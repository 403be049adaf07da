package lang

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Gettext PO files, for translators who work in PO tools (Poedit, Weblate,
// Virtaal, translate-toolkit). translate-toolkit's json2po and po2json
// read go-i18n v2 files as plain JSON: every description becomes a text to
// translate, hashes are lost, and po2json writes back only the plural
// forms English has (Arabic's zero, two, few and many are dropped). So
// Waymark writes and reads the PO itself:
//
//   - each message is one unit whose context (msgctxt) is its ID;
//   - the English description is an extracted comment ("#."), which PO
//     tools show the translator and never ask to translate;
//   - the hash of the English the translation was made from is a comment
//     "#. hash: sha1-..." beside it;
//   - a message with plural forms is a plural unit (msgid, msgid_plural)
//     with one msgstr[n] for each of the language's CLDR categories, in
//     CLDR order, which the header names ("X-Waymark-Plural-Categories").

// poPluralForms are gettext Plural-Forms expressions for the languages
// Waymark ships, counting categories in CLDR order (zero, one, two, few,
// many, other) as the msgstr[n] of a unit do. Gettext counts integers
// only, so a category only decimals use ("other" in Ukrainian and Polish)
// has its msgstr but no n that picks it.
var poPluralForms = map[string]string{
	"ar": "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5",
	"uk": "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2",
	"pl": "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2",
	"ro": "n==1 ? 0 : n==0 || n%100>=2 && n%100<=19 ? 1 : 2",
	"es": "n==1 ? 0 : n!=0 && n%1000000==0 ? 1 : 2",
	"fr": "n==0 || n==1 ? 0 : n!=0 && n%1000000==0 ? 1 : 2",
	"am": "n>1", "fa": "n>1", "ti": "n>1",
}

func pluralFormsHeader(tag string, forms []string) string {
	expr, ok := poPluralForms[tag]
	switch {
	case ok:
	case len(forms) == 1:
		expr = "0"
	case len(forms) == 2:
		expr = "n!=1"
	default:
		expr = "0" // not known here: PO tools preview the first form
	}
	return fmt.Sprintf("nplurals=%d; plural=(%s);", len(forms), expr)
}

// WritePO writes the PO of one language: every English message the
// catalog has, with the language's translation where there is one.
func (c *Catalog) WritePO(w io.Writer, tag string) error {
	loc, ok := c.Locale(tag)
	if !ok {
		return fmt.Errorf("%q is not a language of the locale files (%s)", tag, strings.Join(c.IDs(), ", "))
	}
	en := c.English()
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s (%s): Waymark's messages, from %s.\n", loc.Name, tag, loc.File)
	fmt.Fprintf(b, "# Back into the locale files: waymark i18n --from-po FILE.po --write-canonical DIR (TRANSLATING.md, section 11).\n")
	fmt.Fprintf(b, "msgid \"\"\nmsgstr \"\"\n")
	for _, h := range []string{
		"Language: " + tag,
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: 8bit",
		"Plural-Forms: " + pluralFormsHeader(tag, loc.Plural),
		"X-Waymark-Plural-Categories: " + strings.Join(loc.Plural, " "),
	} {
		fmt.Fprintf(b, "%s\n", poQuote(h+"\n"))
	}
	for _, id := range slices.Sorted(maps.Keys(en.Messages)) {
		src := en.Messages[id]
		m := loc.Messages[id]
		if tag == Source {
			m = nil
		}
		b.WriteString("\n")
		for _, l := range strings.Split(src.Desc, "\n") {
			if l != "" {
				fmt.Fprintf(b, "#. %s\n", l)
			}
		}
		if m != nil && m.SourceHash() != "" {
			fmt.Fprintf(b, "#. hash: %s\n", m.SourceHash())
		}
		fmt.Fprintf(b, "msgctxt %s\n", poQuote(id))
		if len(src.Forms) == 1 {
			fmt.Fprintf(b, "msgid %s\n", poQuote(src.Forms["other"]))
			text := ""
			if m != nil {
				text = m.Forms["other"]
			}
			fmt.Fprintf(b, "msgstr %s\n", poQuote(text))
			continue
		}
		fmt.Fprintf(b, "msgid %s\n", poQuote(cmp.Or(src.Forms["one"], src.Forms["other"])))
		fmt.Fprintf(b, "msgid_plural %s\n", poQuote(src.Forms["other"]))
		for i, f := range loc.Plural {
			text := ""
			if m != nil {
				text = m.Forms[f]
			}
			fmt.Fprintf(b, "msgstr[%d] %s\n", i, poQuote(text))
		}
	}
	return b.Flush()
}

// poQuote writes s as a PO string.
func poQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// poUnit is one entry of a PO file as read.
type poUnit struct {
	line     int
	comments []string // extracted comments ("#.")
	ctxt     string
	id       string
	plural   string
	hasPl    bool
	fuzzy    bool // a PO tool's guess, not a translation yet
	strs     map[int]string
	// pending are the msgstr being read, which continuation lines extend.
	pending map[int]*string
}

// readPO reads a PO file: its units and its header's fields.
func readPO(name string, data []byte) ([]*poUnit, map[string]string, error) {
	var units []*poUnit
	var u *poUnit
	var target *string // the string continuation lines add to
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	fail := func(i int, format string, args ...any) error {
		return &FileError{File: name, Line: i + 1, Problem: fmt.Sprintf(format, args...)}
	}
	start := func(i int) {
		if u == nil || u.ctxt != "" || u.id != "" || len(u.pending) > 0 {
			u = &poUnit{line: i + 1, strs: map[int]string{}}
			units = append(units, u)
		}
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			target = nil
			if u != nil && (u.ctxt != "" || u.id != "" || len(u.pending) > 0) {
				u = nil
			}
		case strings.HasPrefix(t, "#~"):
			target = nil // an obsolete unit
		case strings.HasPrefix(t, "#."):
			if u == nil || len(u.pending) > 0 {
				u = nil
				start(i)
			}
			u.comments = append(u.comments, strings.TrimSpace(strings.TrimPrefix(t, "#.")))
		case strings.HasPrefix(t, "#"):
			if u == nil || len(u.pending) > 0 {
				u = nil
				start(i)
			}
			if strings.HasPrefix(t, "#,") && strings.Contains(t, "fuzzy") {
				u.fuzzy = true
			}
		case strings.HasPrefix(t, `"`):
			if target == nil {
				return nil, nil, fail(i, "a string that continues nothing")
			}
			s, err := poUnquote(t)
			if err != nil {
				return nil, nil, fail(i, "%v", err)
			}
			*target += s
		default:
			key, rest, _ := strings.Cut(t, " ")
			s, err := poUnquote(strings.TrimSpace(rest))
			if err != nil {
				return nil, nil, fail(i, "%s: %v", key, err)
			}
			if u == nil || key == "msgctxt" && (u.id != "" || len(u.pending) > 0) {
				u = nil
				start(i)
			}
			switch {
			case key == "msgctxt":
				u.ctxt, target = s, &u.ctxt
			case key == "msgid":
				u.id, target = s, &u.id
			case key == "msgid_plural":
				u.plural, u.hasPl, target = s, true, &u.plural
			case key == "msgstr":
				target = newTarget(u, 0, s)
			case strings.HasPrefix(key, "msgstr[") && strings.HasSuffix(key, "]"):
				n, err := strconv.Atoi(key[len("msgstr[") : len(key)-1])
				if err != nil || n < 0 || n > 5 {
					return nil, nil, fail(i, "%s: not a plural form", key)
				}
				target = newTarget(u, n, s)
			default:
				return nil, nil, fail(i, "%q: not a PO keyword", key)
			}
		}
	}
	header := map[string]string{}
	var out []*poUnit
	for _, u := range units {
		for k, p := range u.pending {
			u.strs[k] = *p
		}
		if u.ctxt == "" && u.id == "" {
			for _, l := range strings.Split(u.strs[0], "\n") {
				if k, v, ok := strings.Cut(l, ":"); ok {
					header[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
			continue
		}
		out = append(out, u)
	}
	return out, header, nil
}

func newTarget(u *poUnit, n int, s string) *string {
	if u.pending == nil {
		u.pending = map[int]*string{}
	}
	p := new(string)
	*p = s
	u.pending[n] = p
	return p
}

func poUnquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", errors.New("want a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s)-1 {
			return "", errors.New("a backslash at the end of a string")
		}
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(s[i])
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// ReadPO puts the translations of a PO file written by WritePO (and
// edited in any PO tool) into dir/active.<tag>.json, the language named
// by the PO's header. The messages of the PO replace those of the file;
// every other message of the file stays as it was. The hash of a message
// whose text is unchanged is the one the PO kept; that of an edited
// message is the hash of the English the PO showed the translator (its
// msgid and description), so an edit made against old English stays
// stale. Untranslated units (empty msgstr) leave the message out.
//
// The caller then runs WriteCanonical on dir, which puts back the
// descriptions and the canonical form.
func ReadPO(poFile, dir string) (tag string, err error) {
	data, err := os.ReadFile(poFile)
	if err != nil {
		return "", err
	}
	units, header, err := readPO(poFile, data)
	if err != nil {
		return "", err
	}
	tag = header["Language"]
	cats := strings.Fields(header["X-Waymark-Plural-Categories"])
	if tag == "" || len(cats) == 0 {
		return "", &FileError{File: poFile, Line: 1, Problem: "the header names no Language or X-Waymark-Plural-Categories: make the PO with `waymark i18n --to-po`"}
	}
	if tag == Source {
		return "", &FileError{File: poFile, Line: 1, Problem: "a PO of English: English is edited in active.en.json itself"}
	}
	file := filepath.Join(dir, "active."+tag+".json")
	existing := map[string]json.RawMessage{}
	if old, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(old, &existing); err != nil {
			return "", fmt.Errorf("%s: %v (fix it first)", file, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	for _, u := range units {
		if u.ctxt == "" {
			return "", &FileError{File: poFile, Line: u.line, Problem: "a unit with no msgctxt: the message ID is its context; make the PO with `waymark i18n --to-po`"}
		}
		if u.fuzzy {
			continue // a guess: the file keeps what it had
		}
		desc, hash := "", ""
		var descLines []string
		for _, c := range u.comments {
			if h, ok := strings.CutPrefix(c, "hash: "); ok {
				hash = h
				continue
			}
			descLines = append(descLines, c)
		}
		desc = strings.Join(descLines, "\n")
		forms := map[string]string{}
		if !u.hasPl {
			if s := u.strs[0]; s != "" {
				forms["other"] = s
			}
		} else {
			for n, s := range u.strs {
				if n >= len(cats) {
					return "", &FileError{File: poFile, Line: u.line, ID: u.ctxt, Problem: fmt.Sprintf("msgstr[%d]: the language has %d plural forms (%s)", n, len(cats), strings.Join(cats, " "))}
				}
				if s != "" {
					forms[cats[n]] = s
				}
			}
		}
		if len(forms) == 0 {
			delete(existing, u.ctxt)
			continue
		}
		// Unchanged texts keep their hash; an edit was made from the
		// English the PO showed.
		var old struct {
			Hash string `json:"hash"`
		}
		oldForms := map[string]string{}
		if raw, ok := existing[u.ctxt]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				oldForms["other"] = s
			} else {
				var m map[string]string
				json.Unmarshal(raw, &m)
				json.Unmarshal(raw, &old)
				for k, v := range m {
					if k != "hash" && k != "description" && v != "" {
						oldForms[k] = v
					}
				}
			}
		}
		english := u.id
		if u.hasPl {
			english = u.plural
		}
		if !sameForms(oldForms, forms) || hash == "" {
			hash = Hash(desc, english)
		}
		v := map[string]string{"hash": hash}
		for k, s := range forms {
			v[k] = s
		}
		raw, _ := json.Marshal(v)
		existing[u.ctxt] = raw
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(existing); err != nil {
		return "", err
	}
	return tag, os.WriteFile(file, b.Bytes(), 0o644)
}

func sameForms(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
