package lang

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
)

// LTR marks a placeholder value that must read left to right even inside
// right-to-left text: phone numbers, times, dates, addresses.
type LTR string

// Translations are untrusted input. T escapes the translated text first and
// only then puts the placeholder values in, so a translation cannot inject
// markup, and numbers can be isolated in <bdi dir="ltr"> without trusting
// the translation with that markup. Placeholder values travel through the
// translation as private-use characters, which Check forbids in files.
const slot = '\uE000'

// strict executes message templates with missing keys as errors: go-i18n's
// default prints "<no value>" where a placeholder has no value, which on a
// help page once replaced the emergency number. Every Localize call uses
// this one parser, because go-i18n caches a message's parsed template with
// the first parser that executes it.
var strict = &i18ntemplate.TextParser{Option: "missingkey=error"}

// TranslateError is a message that cannot be shown as written: a
// placeholder with no value on the page that uses it, or a plural form
// missing. Rendering stops with it, so a page never shows "<no value>" or a
// blank where a number belongs, and a load keeps the previous version.
type TranslateError struct {
	File string
	Line int
	ID   string
	Lang string
	Err  error
}

// Where is the file and line of the message, as errors name them.
func (e *TranslateError) Where() string {
	switch {
	case e.File == "":
		return "locale " + e.Lang
	case e.Line > 0:
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

func (e *TranslateError) Error() string {
	return fmt.Sprintf("%s: message %q: %s", e.Where(), e.ID, e.Why())
}

// Why explains the problem in a translator's words.
func (e *TranslateError) Why() string {
	why := e.Err.Error()
	if i := strings.Index(why, "map has no entry for key "); i >= 0 {
		key := strings.Trim(why[i+len("map has no entry for key "):], `"`)
		why = fmt.Sprintf("{{.%s}} has no value where this message is shown: use only the placeholders of the English text (the page would show \"<no value>\")", key)
	}
	return why
}

func (e *TranslateError) Unwrap() error { return e.Err }

// T translates a message. kv alternates placeholder names and values; a
// value of type LTR is isolated left to right. A message this language
// lacks falls back to English, marked lang="en" dir="ltr" so that a
// right-to-left page neither reads it with the wrong voice nor flips its
// punctuation; it never shows its ID.
//
// A message that cannot be executed (a placeholder the page does not
// supply) is a *TranslateError, which html/template makes the error of the
// page being rendered. pages.Load renders every page before a site is
// used, so such a message stops a start or a reload instead of reaching a
// reader.
func (l *Locale) T(id string, kv ...any) (template.HTML, error) {
	return l.translate(id, nil, kv)
}

// TN translates a plural message for count.
func (l *Locale) TN(id string, count int, kv ...any) (template.HTML, error) {
	return l.translate(id, count, append(kv, "Count", LTR(fmt.Sprint(count))))
}

func (l *Locale) translate(id string, count any, kv []any) (template.HTML, error) {
	data := make(map[string]any, len(kv)/2)
	var values []string
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		var html string
		switch v := kv[i+1].(type) {
		case LTR:
			html = `<bdi dir="ltr">` + template.HTMLEscapeString(string(v)) + `</bdi>`
		case template.HTML:
			html = string(v)
		default:
			html = template.HTMLEscapeString(fmt.Sprint(v))
		}
		data[name] = string(slot) + string(rune(0xE001+len(values)))
		values = append(values, html)
	}
	s, fallback, err := l.localize(id, data, count)
	if err != nil {
		return "", err
	}
	out := template.HTMLEscapeString(s)
	if len(values) > 0 {
		var b strings.Builder
		runes := []rune(out)
		for i := 0; i < len(runes); i++ {
			if runes[i] == slot && i+1 < len(runes) {
				if k := int(runes[i+1] - 0xE001); k >= 0 && k < len(values) {
					b.WriteString(values[k])
					i++
					continue
				}
			}
			b.WriteRune(runes[i])
		}
		out = b.String()
	}
	if fallback && out != "" {
		out = `<span lang="en" dir="ltr">` + out + `</span>`
	}
	return template.HTML(out), nil
}

// localize executes a message in this language, or in English when this
// language's files lack it (fallback is then true). Any other failure is a
// *TranslateError.
func (l *Locale) localize(id string, data map[string]any, count any) (s string, fallback bool, err error) {
	loc := l
	if (!l.Has(id) || l.withheld[id]) && l.english != nil && l.english != l {
		loc, fallback = l.english, true
	}
	if !loc.Has(id) {
		// Not even English has it: the template check (UsedIDs) refuses
		// such a page before it renders; show nothing rather than the ID.
		return "", false, nil
	}
	s, err = loc.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count, TemplateParser: strict})
	if err != nil {
		var nf *i18n.MessageNotFoundErr
		if errors.As(err, &nf) && s != "" {
			return s, true, nil
		}
		m := loc.Messages[id]
		return "", false, &TranslateError{File: m.File, Line: m.Line, ID: id, Lang: loc.ID, Err: err}
	}
	return s, fallback, nil
}

// Text translates a message to plain text (for the poster PDF title and
// the like), with placeholder values as given. It never panics: a message
// that cannot be executed gives "".
func (l *Locale) Text(id string, kv ...any) string {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		data[name] = fmt.Sprint(kv[i+1])
	}
	s, _, err := l.localize(id, data, nil)
	if err != nil {
		return ""
	}
	return s
}

// Has reports whether this locale's own file has the message.
func (l *Locale) Has(id string) bool {
	_, ok := l.Messages[id]
	return ok
}
