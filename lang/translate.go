package lang

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
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

// T translates a message. kv alternates placeholder names and values; a
// value of type LTR is isolated left to right. A missing message falls back
// to English (the loader and Check report it); it never shows its ID.
func (l *Locale) T(id string, kv ...any) template.HTML {
	return l.translate(id, nil, kv)
}

// TN translates a plural message for count.
func (l *Locale) TN(id string, count int, kv ...any) template.HTML {
	return l.translate(id, count, append(kv, "Count", LTR(fmt.Sprint(count))))
}

func (l *Locale) translate(id string, count any, kv []any) template.HTML {
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
	s, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		// Not even English has it: a bug that the template check catches.
		s = ""
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
	return template.HTML(out)
}

// Text translates a message to plain text (for the poster PDF title and
// the like), with placeholder values as given.
func (l *Locale) Text(id string, kv ...any) string {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		data[name] = fmt.Sprint(kv[i+1])
	}
	s, _ := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	return s
}

// Has reports whether this locale's own file has the message.
func (l *Locale) Has(id string) bool {
	_, ok := l.Messages[id]
	return ok
}
