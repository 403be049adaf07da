// Test data for TestNoMustLocalize: Localize returns an error instead.
package sub

import "github.com/nicksnyder/go-i18n/v2/i18n"

func title(l *i18n.Localizer) string {
	s, _ := l.Localize(&i18n.LocalizeConfig{MessageID: "page.heading"})
	return s
}
