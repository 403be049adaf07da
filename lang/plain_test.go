package lang_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/lang"
)

// TestPlainEnglish: an English sentence over 25 words is a warning naming
// the file, line and message; shorter sentences, and long paragraphs of
// short sentences, are not.
func TestPlainEnglish(t *testing.T) {
	long := strings.Repeat("word ", 26) + "end."
	en := `{
  "short": {"description": "D.", "other": "One short sentence. And another one: with a colon. Then {{.Number}}."},
  "long": {"description": "D.", "other": "Fine here. ` + long + `"}
}`
	cat, err := lang.Load(fstest.MapFS{"active.en.json": {Data: []byte(en)}})
	if err != nil {
		t.Fatal(err)
	}
	r := cat.Check(nil)
	var found []lang.Problem
	for _, p := range r.Language("en").Problems {
		if p.Kind == lang.KindLongSentence {
			found = append(found, p)
		}
	}
	if len(found) != 1 || found[0].ID != "long" || found[0].Line != 3 || found[0].Severity != lang.SeverityWarning ||
		!strings.Contains(found[0].Explain, "27 words") {
		t.Errorf("want one warning on \"long\" at line 3 counting 27 words, got %+v", found)
	}
	if r.Errors != 0 {
		t.Errorf("a long sentence is a warning, not an error: %d errors", r.Errors)
	}
}
