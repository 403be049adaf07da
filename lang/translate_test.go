package lang_test

import (
	"errors"
	"html/template"
	"strings"
	"testing"

	"github.com/waymark/waymark/lang"
)

func must(h template.HTML, err error) template.HTML {
	if err != nil {
		panic(err)
	}
	return h
}

// TestMissingKeyIsAnError: go-i18n prints "<no value>" for a placeholder
// without a value; T must refuse instead, naming file, line and message, so
// that the emergency number can never silently vanish from a page.
func TestMissingKeyIsAnError(t *testing.T) {
	cat := checkCatalog(t, "active.nl.json", "{\n  \"emergency.silent\": \"Bel {{.Numero}} vanaf een mobiel.\"\n}", "")
	nl, _ := cat.Locale("nl")
	h, err := nl.T("emergency.silent", "Number", lang.LTR("999"))
	var te *lang.TranslateError
	if !errors.As(err, &te) {
		t.Fatalf("T = %q, %v; want a *lang.TranslateError", h, err)
	}
	if strings.Contains(string(h), "no value") {
		t.Errorf("T returned %q", h)
	}
	for _, want := range []string{"active.nl.json:2", `"emergency.silent"`, "{{.Numero}}", "English"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// English itself: a text that uses a placeholder the page does not
	// give (a deployment's rights paragraph with {{.Number}}).
	en := cat.English()
	if h, err := en.T("emergency.silent"); err == nil {
		t.Errorf("English without its placeholder value = %q, want an error", h)
	}
	// Text, for Go callers such as the PDF title, never shows "<no value>".
	if s := nl.Text("emergency.silent", "Number", "999"); strings.Contains(s, "no value") {
		t.Errorf("Text = %q", s)
	}
}

// TestFallbackMarkedEnglish: a message a right-to-left (or any other)
// language lacks shows in English inside lang="en" dir="ltr", escaped, so
// that its punctuation does not flip and a screen reader reads it as
// English; the language's own messages are not wrapped.
func TestFallbackMarkedEnglish(t *testing.T) {
	cat := checkCatalog(t, "active.ar.json", `{"action.call": "اتصل"}`, "")
	ar, _ := cat.Locale("ar")
	if got := string(must(ar.T("action.call"))); got != "اتصل" {
		t.Errorf("own message = %q", got)
	}
	got := string(must(ar.T("emergency.silent", "Number", lang.LTR("999"))))
	want := `<span lang="en" dir="ltr">If you cannot speak: call <bdi dir="ltr">999</bdi> from a mobile, then press 55.</span>`
	if got != want {
		t.Errorf("fallback = %q, want %q", got, want)
	}
	if got := string(must(ar.TN("exit.status", 2))); !strings.HasPrefix(got, `<span lang="en" dir="ltr">Press Shift`) {
		t.Errorf("plural fallback = %q", got)
	}
	// English pages are not wrapped.
	if got := string(must(cat.English().T("action.call"))); got != "Call" {
		t.Errorf("English = %q", got)
	}
	// Escaped inside the span.
	cat = checkCatalog(t, "active.ar.json", `{}`, "")
	ar, _ = cat.Locale("ar")
	if got := string(must(ar.T("page.intro"))); strings.Count(got, "<") != 2 {
		t.Errorf("fallback markup = %q", got)
	}
}
