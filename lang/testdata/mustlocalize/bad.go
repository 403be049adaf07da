// This file is test data for TestNoMustLocalize: the go tool ignores
// testdata folders, so it is never built.
package bad

import "github.com/nicksnyder/go-i18n/v2/i18n"

func title(l *i18n.Localizer) string {
	return l.MustLocalize(&i18n.LocalizeConfig{MessageID: "page.heading"})
}
