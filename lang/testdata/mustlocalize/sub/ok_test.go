// Test data for TestNoMustLocalize: tests may use MustLocalize.
package sub

import "github.com/nicksnyder/go-i18n/v2/i18n"

func mustTitle(l *i18n.Localizer) string {
	return l.MustLocalize(&i18n.LocalizeConfig{MessageID: "page.heading"})
}
