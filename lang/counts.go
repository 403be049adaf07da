package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// CountsFile declares, for a plural message, every count the pages can
// show it with: the Shift status only ever counts 1 or 2. A translator is
// then asked only for the plural forms those counts select in their
// language, not for CLDR's "many" of Spanish, French, Italian and
// Portuguese (for a million and more), which "1 or 2" can never reach. A
// plural message not listed needs every form of the language.
//
//	"exit.status" = [1, 2]
const CountsFile = "counts.toml"

// loadCounts reads a layer's counts.toml, if it has one.
func loadCounts(layer Layer) (map[string][]int, error) {
	file := path.Join(layer.Name, CountsFile)
	data, err := readLayerFile(layer, CountsFile, maxDataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	_, err = toml.Decode(string(data), &raw)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, &FileError{File: file, Line: perr.Position.Line, Problem: perr.Message}
		}
		return nil, &FileError{File: file, Problem: err.Error()}
	}
	out := map[string][]int{}
	for id, v := range raw {
		line := lineOfKey(data, id)
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, &FileError{File: file, Line: line, ID: id, Problem: "want a list of the counts the page shows, e.g. [1, 2]"}
		}
		for _, n := range list {
			i, ok := n.(int64)
			if !ok || i < 0 || i > 1_000_000_000 {
				return nil, &FileError{File: file, Line: line, ID: id, Problem: fmt.Sprintf("%v is not a count (a whole number, 0 or more)", n)}
			}
			out[id] = append(out[id], int(i))
		}
	}
	return out, nil
}

// Counts returns the counts declared for a message, nil if none are.
func (c *Catalog) Counts(id string) []int { return c.counts[id] }

// NeededForms returns the plural forms a translation of a plural message
// must have: those its declared counts select in the language, and
// "other" (go-i18n's last resort); every form of the language when no
// counts are declared.
func NeededForms(tag language.Tag, all []string, counts []int) []string {
	if len(counts) == 0 {
		return all
	}
	need := map[string]bool{"other": true}
	for _, n := range counts {
		need[pluralFormOf(tag, n)] = true
	}
	var out []string
	for _, f := range allForms {
		if need[f] && (f == "other" || slices.Contains(all, f)) {
			out = append(out, f)
		}
	}
	return out
}

// pluralFormOf is the CLDR plural category go-i18n picks for n, asked the
// same way as pluralCategories.
func pluralFormOf(tag language.Tag, n int) string {
	tag = PluralTag(tag)
	b := i18n.NewBundle(tag)
	probe := &i18n.Message{ID: "p", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := b.AddMessages(tag, probe); err != nil {
		return "other"
	}
	s, err := i18n.NewLocalizer(b, tag.String()).Localize(&i18n.LocalizeConfig{MessageID: "p", PluralCount: n})
	if err != nil {
		return "other"
	}
	return s
}

func joinInts(ns []int) string {
	s := ""
	for i, n := range ns {
		switch {
		case i == 0:
		case i == len(ns)-1:
			s += " and "
		default:
			s += ", "
		}
		s += fmt.Sprint(n)
	}
	return s
}

// lineOfKey finds the line of a key in a small TOML file.
func lineOfKey(data []byte, key string) int {
	for _, k := range []string{fmt.Sprintf("%q", key), key} {
		if i := strings.Index(string(data), k); i >= 0 {
			return lineAt(data, int64(i))
		}
	}
	return 0
}
