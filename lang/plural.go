package lang

import (
	"slices"
	"strconv"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// pluralCategories returns the CLDR plural categories that go-i18n uses for
// a language. go-i18n keeps its rule table internal, so we ask it: a probe
// message carries every category's name as its text, and counting through
// integers and decimals shows which ones it picks. The answer is the rule
// that Localize will apply, which is what a translator must satisfy.
func pluralCategories(tag language.Tag) []string {
	tag = PluralTag(tag)
	b := i18n.NewBundle(tag)
	probe := &i18n.Message{ID: "p", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := b.AddMessages(tag, probe); err != nil {
		return nil
	}
	loc := i18n.NewLocalizer(b, tag.String())
	seen := map[string]bool{}
	try := func(count any) {
		s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: "p", PluralCount: count})
		if err == nil {
			seen[s] = true
		}
	}
	for i := 0; i <= 200; i++ {
		try(i)
	}
	for _, n := range []int{1000, 10000, 100000, 1000000, 2000000} {
		try(n)
	}
	for i := 0; i <= 30; i++ {
		try(strconv.Itoa(i) + ".5")
		try(strconv.Itoa(i) + ".0")
	}
	var out []string
	for _, f := range allForms {
		if seen[f] {
			out = append(out, f)
		}
	}
	if !slices.Contains(out, "other") {
		return nil
	}
	return out
}

// pluralAliases are languages whose CLDR plural rule go-i18n files under
// another tag. Dari (prs) is the Persian of Afghanistan: CLDR gives it
// Persian's rule, and go-i18n knows that rule as fa (fa-AF reaches it).
var pluralAliases = map[string]string{"prs": "fa-AF"}

// PluralTag is the tag under which go-i18n holds a language's plural rule
// and messages: the language's own, or its alias.
func PluralTag(tag language.Tag) language.Tag {
	if a, ok := pluralAliases[tag.String()]; ok {
		return language.MustParse(a)
	}
	return tag
}
