package lang

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// TestTranslatingPluralTable: every row of TRANSLATING.md's plural table
// says what go-i18n does: the forms of the language, and those that the
// Shift status's counts (1 and 2) need.
func TestTranslatingPluralTable(t *testing.T) {
	doc, err := os.ReadFile("../TRANSLATING.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	start := strings.Index(s, "## 8. Plural forms")
	end := strings.Index(s, "## 9.")
	if start < 0 || end < start {
		t.Fatal("no section 8 in TRANSLATING.md")
	}
	row := regexp.MustCompile("(?m)^\\| [^|]+ \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|$")
	paren := regexp.MustCompile(` \([^)]*\)`)
	forms := func(cell string) string { return strings.TrimSpace(paren.ReplaceAllString(cell, "")) }
	rows := 0
	for _, m := range row.FindAllStringSubmatch(s[start:end], -1) {
		tags := regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[1], -1)
		if len(tags) == 0 {
			continue
		}
		for _, tg := range tags {
			rows++
			tag := language.MustParse(tg[1])
			all := pluralCategories(tag)
			if got := strings.Join(all, ", "); got != forms(m[2]) {
				t.Errorf("%s: the table says %q, go-i18n has %q", tg[1], forms(m[2]), got)
			}
			if got := strings.Join(NeededForms(tag, all, []int{1, 2}), ", "); got != forms(m[3]) {
				t.Errorf("%s: the table says %q are needed for 1 and 2, Check asks for %q", tg[1], forms(m[3]), got)
			}
		}
	}
	if rows < 15 {
		t.Errorf("read only %d rows of the table", rows)
	}
}
