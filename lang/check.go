package lang

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template/parse"
	"unicode"

	"github.com/waymark/waymark/internal/safefile"
)

// Severity says whether a problem stops a release.
type Severity string

const (
	// SeverityError fails `waymark i18n` and `waymark check`: the page
	// would show something wrong or unsafe.
	SeverityError Severity = "error"
	// SeverityWarning is work to do that still gives a correct page
	// (English shows where a translation is missing or out of date).
	SeverityWarning Severity = "warning"
	// SeverityInfo is a note that needs no action now.
	SeverityInfo Severity = "info"
)

// Kinds of problem, as they appear in the report and in --json output.
const (
	KindMissing       = "missing"         // warning: English shows instead
	KindStale         = "stale"           // warning: English changed since
	KindNoHash        = "no-hash"         // info: cannot tell whether stale
	KindDraft         = "draft"           // warning: not reviewed yet
	KindPlaceholder   = "placeholder"     // error: a {{.Name}} is missing
	KindPluralMissing = "plural-missing"  // error: a plural form is missing
	KindPluralExtra   = "plural-extra"    // warning: a form never used
	KindExtraID       = "extra-id"        // error: not an English message
	KindWrongScript   = "wrong-script"    // error: letters of another script
	KindUntranslated  = "untranslated"    // error: a sentence left in English
	KindSameAsEnglish = "same-as-english" // warning: a short text as in English
	KindUnsafe        = "unsafe"          // error: markup, controls, actions
	KindEmpty         = "empty"           // error: blank text
	KindDigits        = "digits"          // warning: non-ASCII digits
	KindUnknownID     = "unknown-id"      // error: a page uses an ID English lacks
	KindNoDescription = "no-description"  // warning: English has no description
)

// Report is the health of every locale file, for translators.
type Report struct {
	Source string `json:"source"`
	// Messages is the number of messages in the English file.
	Messages  int               `json:"messages"`
	Errors    int               `json:"errors"`
	Warnings  int               `json:"warnings"`
	Languages []*LanguageReport `json:"languages"`
}

// OK reports whether no language has an error.
func (r *Report) OK() bool { return r.Errors == 0 }

// Language returns the report of one language, or nil.
func (r *Report) Language(tag string) *LanguageReport {
	for _, l := range r.Languages {
		if l.Tag == tag {
			return l
		}
	}
	return nil
}

// LanguageReport is one locale file's state.
type LanguageReport struct {
	Tag         string   `json:"tag"`
	Name        string   `json:"name"`         // in the language itself
	EnglishName string   `json:"english_name"` // for the maintainers
	Dir         string   `json:"dir"`
	Script      string   `json:"script"`
	File        string   `json:"file"`
	Status      string   `json:"status"` // "reviewed" or "draft"
	ReviewedBy  string   `json:"by,omitempty"`
	ReviewDate  string   `json:"date,omitempty"`
	Plural      []string `json:"plural"` // the CLDR plural categories
	// Translated counts the English messages this file has.
	Translated int `json:"translated"`
	// Percent is Translated out of the English messages, rounded down, so
	// that 100 means complete.
	Percent int `json:"percent"`
	// Missing, Stale and NoHash list message IDs, in English file order.
	Missing  []string  `json:"missing"`
	Stale    []string  `json:"stale"`
	NoHash   []string  `json:"no_hash"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Problems []Problem `json:"problems"`
}

// Problem is one finding, located as precisely as the file allows.
type Problem struct {
	Severity Severity `json:"severity"`
	Kind     string   `json:"kind"`
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"` // the line of the message ID
	ID       string   `json:"id,omitempty"`
	Form     string   `json:"form,omitempty"` // plural category, when it matters
	Explain  string   `json:"explanation"`
}

// String is "file:line: message "id" (form): explanation".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.ID != "" {
		fmt.Fprintf(&b, ": message %q", p.ID)
	}
	if p.Form != "" {
		fmt.Fprintf(&b, " (%s)", p.Form)
	}
	b.WriteString(": ")
	b.WriteString(p.Explain)
	return safefile.Clip(b.String(), maxErrorLen)
}

func (lr *LanguageReport) add(p Problem) {
	if p.File == "" {
		p.File = lr.File
	}
	switch p.Severity {
	case SeverityError:
		lr.Errors++
	case SeverityWarning:
		lr.Warnings++
	}
	lr.Problems = append(lr.Problems, p)
}

// Hash is the hash goi18n merge records in a translation ("hash": ...) for
// the English message it was translated from: "sha1-" and the hex SHA-1 of
// the English description followed by the English "other" text.
func Hash(description, other string) string {
	h := sha1.New()
	h.Write([]byte(description))
	h.Write([]byte(other))
	return "sha1-" + hex.EncodeToString(h.Sum(nil))
}

// source is what Check needs to know of one English message.
type source struct {
	msg          *Message
	hash         string
	plural       bool            // has forms other than "other"
	placeholders map[string]bool // {{.Name}} names in any English form
	keep         []string        // names the description says to keep
	words        int             // words in the English "other" text
	counts       []int           // the counts pages show it with (counts.toml)
}

// Check reports, for every language, what is missing, out of date or
// broken. usedIDs are the message IDs the pages of the loaded config use
// (from the templates, which goi18n extract cannot see, and the config's
// rights topics and helpline kinds): each must exist in English, and only
// they count as missing or stale in a translation, so that a deployment's
// translators are asked for exactly what its pages show. nil checks every
// English message.
//
// Errors are what would show a reader something wrong or unsafe: a
// placeholder lost or invented, markup or control characters, a missing
// plural form, a message English does not have, text left in English or in
// the wrong script. Missing and stale messages and draft status are
// warnings: the page shows English there, which is correct if not ideal.
// A translation without a "hash" cannot be told stale or not; it is listed
// (NoHash, one info line per language) but is not a warning.
func (c *Catalog) Check(usedIDs []string) *Report {
	en := c.English()
	r := &Report{Source: Source, Messages: len(en.Messages)}
	srcs := make(map[string]*source, len(en.Messages))
	var order []string // English IDs in file order
	used := map[string]bool{}
	for _, id := range usedIDs {
		used[id] = true
	}
	for id, m := range en.Messages {
		srcs[id] = newSource(m)
		srcs[id].counts = c.counts[id]
		if usedIDs == nil || used[id] {
			order = append(order, id)
		}
	}
	r.Messages = len(order)
	sort.Slice(order, func(i, j int) bool {
		a, b := en.Messages[order[i]], en.Messages[order[j]]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.ID < b.ID
	})
	for _, id := range c.order {
		loc := c.locales[id]
		lr := newLanguageReport(loc)
		if id == Source {
			checkEnglish(lr, loc, order, srcs, usedIDs)
		} else {
			checkTranslation(lr, loc, order, srcs, used)
		}
		r.Errors += lr.Errors
		r.Warnings += lr.Warnings
		r.Languages = append(r.Languages, lr)
	}
	return r
}

func newLanguageReport(loc *Locale) *LanguageReport {
	return &LanguageReport{
		Tag: loc.ID, Name: loc.Name, EnglishName: EnglishName(loc.Tag),
		Dir: loc.Dir, Script: Script(loc.Tag), File: loc.File,
		Status: loc.Status.Status, ReviewedBy: loc.Status.By, ReviewDate: loc.Status.Date,
		Plural:  slices.Clone(loc.Plural),
		Missing: []string{}, Stale: []string{}, NoHash: []string{}, Problems: []Problem{},
	}
}

// translationFile is the file where a translation of src belongs: the
// language's file in the folder of src's English, so a deployment's own
// message is translated in its texts folder; but a built-in message in a
// language only the deployment has (its French) is translated in the
// deployment's file of that language. The English locale's file is the
// built-in one (the first layer's).
func translationFile(src *source, loc *Locale) string {
	if src == nil || src.msg.File == "" || loc.english == nil {
		return loc.File
	}
	dir, base := path.Dir(src.msg.File), path.Dir(loc.english.File)
	if dir == base && path.Dir(loc.File) != base {
		return loc.File
	}
	return path.Join(dir, "active."+loc.ID+".json")
}

func newSource(m *Message) *source {
	s := &source{msg: m, hash: Hash(m.Desc, m.Forms["other"]), placeholders: map[string]bool{}}
	for form, text := range m.Forms {
		if form != "other" {
			s.plural = true
		}
		names, _, _ := actions(m.ID, text)
		for _, n := range names {
			s.placeholders[n] = true
		}
	}
	s.keep = keptNames(m.Desc)
	s.words = countWords(stripActions(m.Forms["other"]))
	return s
}

func checkEnglish(lr *LanguageReport, en *Locale, order []string, srcs map[string]*source, usedIDs []string) {
	lr.Translated, lr.Percent = len(order), 100
	for _, id := range order {
		m := en.Messages[id]
		p := Problem{File: m.File, Line: m.Line, ID: id}
		if strings.TrimSpace(m.Desc) == "" {
			p.Severity, p.Kind = SeverityWarning, KindNoDescription
			p.Explain = `no "description": translators need one to know where the text appears and what to keep`
			lr.add(p)
		}
		if _, ok := m.Forms["other"]; !ok {
			p.Severity, p.Kind = SeverityError, KindPluralMissing
			p.Explain = `no "other" text: every English message needs one`
			lr.add(p)
		}
		for _, form := range sortedForms(m.Forms) {
			checkText(lr, m, form, srcs[id], true)
		}
		checkPlain(lr, m)
	}
	seen := map[string]bool{}
	for _, id := range usedIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, ok := en.Messages[id]; !ok {
			lr.add(Problem{Severity: SeverityError, Kind: KindUnknownID, ID: id,
				Explain: "a page uses this message, but the English file does not have it: add it to " + en.File})
		}
	}
}

func checkTranslation(lr *LanguageReport, loc *Locale, order []string, srcs map[string]*source, used map[string]bool) {
	if loc.Draft() {
		lr.add(Problem{Severity: SeverityWarning, Kind: KindDraft, File: "status.toml",
			Explain: fmt.Sprintf("%s is a draft: no native speaker has reviewed it yet, and its pages say so. After a review, set status = \"reviewed\" for [%q] in status.toml", lr.EnglishName, loc.ID)})
	}
	for _, id := range order {
		if _, ok := loc.Messages[id]; !ok {
			lr.Missing = append(lr.Missing, id)
			// The translation goes beside its English: a deployment's
			// own message into its texts folder, not the built-in file.
			lr.add(Problem{Severity: SeverityWarning, Kind: KindMissing, ID: id, File: translationFile(srcs[id], loc),
				Explain: "not translated yet: the page shows the English text here"})
		} else {
			lr.Translated++
		}
	}
	if len(order) > 0 {
		lr.Percent = lr.Translated * 100 / len(order)
	}

	msgs := make([]*Message, 0, len(loc.Messages))
	for _, m := range loc.Messages {
		msgs = append(msgs, m)
	}
	sort.Slice(msgs, func(i, j int) bool {
		if msgs[i].File != msgs[j].File {
			return msgs[i].File < msgs[j].File
		}
		if msgs[i].Line != msgs[j].Line {
			return msgs[i].Line < msgs[j].Line
		}
		return msgs[i].ID < msgs[j].ID
	})
	for _, m := range msgs {
		src := srcs[m.ID]
		at := Problem{File: m.File, Line: m.Line, ID: m.ID}
		if src == nil {
			p := at
			p.Severity, p.Kind = SeverityError, KindExtraID
			p.Explain = "English has no message with this ID (misspelt, or removed or renamed in English?): remove it or correct the ID"
			lr.add(p)
			continue
		}
		if len(used) > 0 && !used[m.ID] {
			// English has it, but no page of this config shows it.
			continue
		}
		switch h := m.SourceHash(); {
		case h == "":
			lr.NoHash = append(lr.NoHash, m.ID)
		case h != src.hash:
			lr.Stale = append(lr.Stale, m.ID)
			p := at
			p.Severity, p.Kind = SeverityWarning, KindStale
			p.Explain = fmt.Sprintf("the English text or description changed after this was translated: compare with English and update the translation, then record it as current: waymark i18n --write-canonical DIR --updated %s:%s (or use goi18n merge: TRANSLATING.md, section 6)", loc.ID, m.ID)
			if f := translationFile(src, loc); path.Dir(f) != path.Dir(m.File) {
				// The deployment replaced the built-in English: its
				// translation belongs in the deployment's folder.
				p.File, p.Line = f, 0
				p.Explain = fmt.Sprintf("the deployment's English (%s) replaces the built-in text that %s:%d translates: add the translation of its wording to %s", src.msg.File, m.File, m.Line, f)
			}
			if loc.Withheld(m.ID) {
				p.Explain = fmt.Sprintf("the English changed a number (English now has %s; this translation has %s), so the page shows English here until the translation is updated. %s",
					listNumbers(Numbers(src.msg.Forms["other"])), listNumbers(Numbers(m.Forms["other"])), p.Explain)
			}
			lr.add(p)
		}
		checkForms(lr, loc, m, src)
		for _, form := range sortedForms(m.Forms) {
			checkText(lr, m, form, src, false)
			if !loc.Withheld(m.ID) {
				checkNumbers(lr, m, form, src)
			}
		}
		checkScript(lr, loc, m, src)
	}
	if n := len(lr.NoHash); n > 0 {
		lr.add(Problem{Severity: SeverityInfo, Kind: KindNoHash,
			Explain: fmt.Sprintf("%d of %d messages have no \"hash\", so nobody can tell whether English changed since they were translated; waymark i18n --write-canonical adds them (TRANSLATING.md, section 6)", n, len(loc.Messages))})
	}
}

// checkForms compares a translation's plural forms with the language's.
func checkForms(lr *LanguageReport, loc *Locale, m *Message, src *source) {
	at := Problem{File: m.File, Line: m.Line, ID: m.ID}
	if !src.plural {
		if _, ok := m.Forms["other"]; !ok {
			p := at
			p.Severity, p.Kind = SeverityError, KindPluralMissing
			p.Explain = `write the translation as "other": this message has no plural forms`
			lr.add(p)
		}
		for _, form := range sortedForms(m.Forms) {
			if form != "other" {
				p := at
				p.Severity, p.Kind, p.Form = SeverityWarning, KindPluralExtra, form
				p.Explain = fmt.Sprintf("the English message has no plural forms, so only \"other\" is ever shown: remove %q", form)
				lr.add(p)
			}
		}
		return
	}
	for _, form := range NeededForms(loc.Tag, loc.Plural, src.counts) {
		if _, ok := m.Forms[form]; !ok {
			p := at
			p.Severity, p.Kind, p.Form = SeverityError, KindPluralMissing, form
			p.Explain = fmt.Sprintf("%s needs the plural form %q here (it uses %s): without it some numbers show no text", lr.EnglishName, form, strings.Join(quoteAll(loc.Plural), ", "))
			if len(src.counts) > 0 {
				p.Explain = fmt.Sprintf("%s needs the plural form %q here: the page shows this message for %s (counts.toml), and %s uses %q for one of them", lr.EnglishName, form, joinInts(src.counts), lr.EnglishName, form)
			}
			lr.add(p)
		}
	}
	for _, form := range sortedForms(m.Forms) {
		if !slices.Contains(loc.Plural, form) {
			p := at
			p.Severity, p.Kind, p.Form = SeverityWarning, KindPluralExtra, form
			p.Explain = fmt.Sprintf("%s has no plural form %q (it uses %s), so this text is never shown: remove it", lr.EnglishName, form, strings.Join(quoteAll(loc.Plural), ", "))
			lr.add(p)
		}
	}
}

// checkText looks at one form of a message for unsafe content and for
// placeholders that differ from English.
func checkText(lr *LanguageReport, m *Message, form string, src *source, english bool) {
	text := m.Forms[form]
	at := Problem{File: m.File, Line: m.Line, ID: m.ID}
	if len(m.Forms) > 1 {
		at.Form = form
	}
	if strings.TrimSpace(text) == "" {
		p := at
		p.Severity, p.Kind = SeverityError, KindEmpty
		p.Explain = "the text is empty: write the translation, or delete the message so that English shows"
		lr.add(p)
		return
	}
	for _, why := range unsafeText(text) {
		p := at
		p.Severity, p.Kind, p.Explain = SeverityError, KindUnsafe, why
		lr.add(p)
	}
	names, others, err := actions(m.ID, text)
	if err != nil {
		p := at
		p.Severity, p.Kind = SeverityError, KindPlaceholder
		p.Explain = "a {{.Placeholder}} is broken: " + cleanTemplateErr(err)
		lr.add(p)
		return
	}
	for _, a := range others {
		p := at
		p.Severity, p.Kind = SeverityError, KindUnsafe
		p.Explain = fmt.Sprintf("%s is not a placeholder: only {{.Name}} placeholders as in English may appear; remove it", a)
		lr.add(p)
	}
	if english {
		return
	}
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
		if !src.placeholders[n] {
			p := at
			p.Severity, p.Kind = SeverityError, KindUnsafe
			p.Explain = fmt.Sprintf("{{.%s}} is not a placeholder of this message (English has %s): the page would show \"<no value>\"; remove it or correct its spelling", n, placeholderList(src.placeholders))
			lr.add(p)
		}
	}
	for _, n := range sortedKeys(src.placeholders) {
		if have[n] {
			continue
		}
		// A plural form for exactly one thing may say "once" rather than
		// "1 time": only "other" must show the count.
		if n == "Count" && src.plural && form != "other" {
			continue
		}
		p := at
		p.Severity, p.Kind = SeverityError, KindPlaceholder
		p.Explain = fmt.Sprintf("{{.%s}} is missing: copy it exactly as in English (English has %s), so the page shows the value", n, placeholderList(src.placeholders))
		lr.add(p)
	}
	if bad := nonASCIIDigits(text); bad != "" {
		p := at
		p.Severity, p.Kind = SeverityWarning, KindDigits
		p.Explain = fmt.Sprintf("digits %q: write numbers with 0-9, as on a phone keypad and in phone numbers", bad)
		lr.add(p)
	}
}

// checkScript finds text left in English or written in another script.
func checkScript(lr *LanguageReport, loc *Locale, m *Message, src *source) {
	other, ok := m.Forms["other"]
	if !ok {
		return
	}
	enOther := src.msg.Forms["other"]
	rest := stripActions(other)
	for _, k := range src.keep {
		rest = strings.ReplaceAll(rest, k, " ")
	}
	// A Chinese character or a Japanese or Korean syllable says more than
	// a Latin letter; counting it twice keeps an English gloss in brackets
	// from outweighing a Chinese sentence, while English text with a
	// character or two left in is still mostly Latin.
	latin, letters := 0, 0
	for _, r := range rest {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin++
			letters++
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			letters += 2
		default:
			letters++
		}
	}
	if letters == 0 {
		return // only names to keep, placeholders, digits or signs
	}
	at := Problem{File: m.File, Line: m.Line, ID: m.ID}
	if strings.TrimSpace(other) == strings.TrimSpace(enOther) {
		p := at
		if src.words >= 3 {
			p.Severity, p.Kind = SeverityError, KindUntranslated
			p.Explain = "still the English text: translate it (or delete the message, so that it counts as missing)"
		} else {
			p.Severity, p.Kind = SeverityWarning, KindSameAsEnglish
			p.Explain = "the same as English: fine if it is a name or the same word in your language, otherwise translate it"
		}
		lr.add(p)
		return
	}
	script := Script(loc.Tag)
	wrong := latin*2 > letters
	if script == "Latn" {
		wrong = latin*2 < letters
	}
	if !wrong {
		return
	}
	p := at
	p.Severity, p.Kind = SeverityError, KindWrongScript
	if script == "Latn" {
		p.Explain = fmt.Sprintf("most letters are not Latin letters, but %s is written in the Latin alphabet: is this text from another language?", lr.EnglishName)
	} else {
		p.Explain = fmt.Sprintf("most letters are Latin (English?), but %s is written in %s script: translate it (names that the English description says to keep are allowed)", lr.EnglishName, scriptName(script))
	}
	lr.add(p)
}

func scriptName(code string) string {
	names := map[string]string{
		"Arab": "Arabic", "Cyrl": "Cyrillic", "Ethi": "Ethiopic (Ge'ez)", "Hans": "Simplified Chinese",
		"Hant": "Traditional Chinese", "Hebr": "Hebrew", "Grek": "Greek", "Deva": "Devanagari",
		"Beng": "Bengali", "Thai": "Thai", "Geor": "Georgian", "Armn": "Armenian",
	}
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// actions parses a message text and returns the {{.Name}} placeholders in
// it and every other template action, written out.
func actions(id, text string) (names, others []string, err error) {
	t := parse.New(id)
	t.Mode = parse.SkipFuncCheck | parse.ParseComments
	if _, err := t.Parse(text, "{{", "}}", map[string]*parse.Tree{}); err != nil {
		return nil, nil, err
	}
	if t.Root == nil {
		return nil, nil, nil
	}
	for _, n := range t.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if name, ok := placeholder(n); ok {
				names = append(names, name)
				continue
			}
			others = append(others, shorten(n.String()))
		default:
			others = append(others, shorten(n.String()))
		}
	}
	return names, others, nil
}

// placeholder reports whether an action is a plain {{.Name}}.
func placeholder(n *parse.ActionNode) (string, bool) {
	if n.Pipe == nil || len(n.Pipe.Decl) > 0 || n.Pipe.IsAssign || len(n.Pipe.Cmds) != 1 {
		return "", false
	}
	args := n.Pipe.Cmds[0].Args
	if len(args) != 1 {
		return "", false
	}
	f, ok := args[0].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

var (
	actionRE = regexp.MustCompile(`\{\{.*?\}\}`)
	tagRE    = regexp.MustCompile(`<[A-Za-z!?/]`)
	entityRE = regexp.MustCompile(`&(#|[A-Za-z][A-Za-z0-9]*;)`)
	// A sentence of a description; names to keep are quoted in those that
	// say "keep" or "stay".
	sentenceRE = regexp.MustCompile(`[.!?]\s+`)
	quotedRE   = regexp.MustCompile(`(?:^|[\s(])['"‘“]([^'"‘’“”]+)['"’”](?:[\s.,;:)]|$)`)
)

func stripActions(s string) string { return actionRE.ReplaceAllString(s, " ") }

// keptNames returns the quoted names in a description's sentences that ask
// to keep them: "Keep 'Chrome' and 'Android'."
func keptNames(desc string) []string {
	var out []string
	for _, sentence := range sentenceRE.Split(desc, -1) {
		low := strings.ToLower(sentence)
		if !strings.Contains(low, "keep") && !strings.Contains(low, "stay") {
			continue
		}
		for _, m := range quotedRE.FindAllStringSubmatch(sentence, -1) {
			out = append(out, m[1])
		}
	}
	// Longest first, so that "Samsung Internet" goes before "Samsung".
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func countWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

// allowedFormat are invisible format characters that scripts need: ZWNJ
// and ZWJ (Persian, Indic scripts), the left-to-right, right-to-left and
// Arabic letter marks (which change no order beyond their neighbours) and
// the soft hyphen.
var allowedFormat = map[rune]bool{0x200C: true, 0x200D: true, 0x200E: true, 0x200F: true, 0x061C: true, 0x00AD: true}

var bidiNames = map[rune]string{
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
}

// unsafeText explains each kind of unsafe content in a text, once.
func unsafeText(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if loc := tagRE.FindStringIndex(text); loc != nil {
		end := loc[1]
		for end < len(text) && end-loc[0] < 12 && isASCIILetter(text[end]) {
			end++
		}
		add(fmt.Sprintf("%q looks like an HTML tag: translations are shown as plain text, so it would appear as written; remove it", text[loc[0]:end]))
	}
	if m := entityRE.FindString(text); m != "" {
		add(fmt.Sprintf("%q looks like an HTML entity: it would appear as written; type the character itself", m))
	}
	for _, r := range text {
		switch {
		case bidiNames[r] != "":
			add(fmt.Sprintf("invisible direction control U+%04X (%s): it can reorder the text around it, even phone numbers; remove it (the page sets the direction itself)", r, bidiNames[r]))
		case isPrivateUse(r):
			add(fmt.Sprintf("private-use character U+%04X: it has no meaning (and Waymark uses these internally); remove it", r))
		case r == '\n':
		case unicode.IsControl(r):
			add(fmt.Sprintf("control character U+%04X: remove it", r))
		case unicode.Is(unicode.Cf, r) && !allowedFormat[r]:
			add(fmt.Sprintf("invisible character U+%04X: remove it (only zero-width non-joiner U+200C and joiner U+200D are needed)", r))
		case r == unicode.ReplacementChar:
			add("replacement character U+FFFD: the text was damaged by a wrong encoding; type it again (save files as UTF-8)")
		}
	}
	return out
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func isPrivateUse(r rune) bool {
	return r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000 && r <= 0x10FFFD
}

func nonASCIIDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) && (r < '0' || r > '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func sortedForms(forms map[string]string) []string {
	var out []string
	for _, f := range allForms {
		if _, ok := forms[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func placeholderList(m map[string]bool) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, "{{."+k+"}}")
	}
	return strings.Join(parts, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
