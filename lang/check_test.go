package lang_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// checkEnglish is the source of the Check tests: a plural message, one
// with a placeholder, a name to keep, a short word and a sentence.
const checkEnglish = `{
  "exit.status": {
    "description": "Shown after Shift. {{.Count}} is how many more presses.",
    "one": "Press Shift {{.Count}} more time to leave",
    "other": "Press Shift {{.Count}} more times to leave"
  },
  "emergency.silent": {
    "description": "Advice. {{.Number}} is the emergency number.",
    "other": "If you cannot speak: call {{.Number}} from a mobile, then press 55."
  },
  "online.firefox.title": {
    "description": "Browser name as a sub-heading. Keep 'Firefox'.",
    "other": "Firefox"
  },
  "online.chrome.title": {
    "description": "Browser name as a sub-heading. Keep 'Chrome' and 'Android'.",
    "other": "Chrome on Android"
  },
  "action.call": {
    "description": "Button that starts a call. One short verb.",
    "other": "Call"
  },
  "page.intro": {
    "description": "One sentence under the heading.",
    "other": "You are not in trouble for reading this."
  }
}`

// checkCatalog loads English and one translation.
func checkCatalog(t *testing.T, file, data, status string) *lang.Catalog {
	t.Helper()
	fsys := fstest.MapFS{"active.en.json": {Data: []byte(checkEnglish)}}
	if file != "" {
		fsys[file] = &fstest.MapFile{Data: []byte(data)}
	}
	if status != "" {
		fsys["status.toml"] = &fstest.MapFile{Data: []byte(status)}
	}
	cat, err := lang.Load(fsys)
	if err != nil {
		t.Fatalf("fixture does not load: %v", err)
	}
	return cat
}

func englishHash(t *testing.T, cat *lang.Catalog, id string) string {
	m := cat.English().Messages[id]
	if m == nil {
		t.Fatalf("no English %q", id)
	}
	return lang.Hash(m.Desc, m.Forms["other"])
}

func find(lr *lang.LanguageReport, kind, id string) *lang.Problem {
	for i, p := range lr.Problems {
		if p.Kind == kind && p.ID == id {
			return &lr.Problems[i]
		}
	}
	return nil
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		tag  string
		data string
		// The problem that must be reported, and whether the language then
		// has errors.
		kind, id  string
		severity  lang.Severity
		wantError bool
		// say is in the explanation, if set.
		say string
	}{
		{"script tag", "nl", `{"page.intro": "<script>alert(1)</script>"}`,
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, `"<script"`},
		{"closing tag alone", "nl", `{"page.intro": "U zit niet in de problemen</b>"}`,
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, ""},
		{"HTML entity", "nl", `{"page.intro": "U zit niet in de problemen&nbsp;hier."}`,
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, ""},
		{"numeric entity", "nl", `{"page.intro": "U zit niet in de problemen&#x202E;hier."}`,
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, ""},
		{"bidi override", "ar", "{\"emergency.silent\": \"إذا كنت لا تستطيع الكلام: اتصل بالرقم \u202e{{.Number}}\u202c من هاتف محمول.\"}",
			lang.KindUnsafe, "emergency.silent", lang.SeverityError, true, "direction control U+202E"},
		{"bidi isolate", "fa", "{\"emergency.silent\": \"اگر نمی\u200cتوانید حرف بزنید: با \u2067{{.Number}}\u2069 زنگ بزنید.\"}",
			lang.KindUnsafe, "emergency.silent", lang.SeverityError, true, "direction control U+2067"},
		{"private-use character", "nl", "{\"page.intro\": \"U zit niet in de problemen \ue001 hier.\"}",
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, "private-use character U+E001"},
		{"control character", "nl", "{\"page.intro\": \"U zit niet in de \\u0007 problemen.\"}",
			lang.KindUnsafe, "page.intro", lang.SeverityError, true, ""},
		{"placeholder English lacks", "nl", `{"emergency.silent": "Bel {{.Number}} of {{.Other}} vanaf een mobiel."}`,
			lang.KindUnsafe, "emergency.silent", lang.SeverityError, true, ""},
		{"missing placeholder", "nl", `{"emergency.silent": "Als u niet kunt praten: bel het alarmnummer vanaf een mobiel."}`,
			lang.KindPlaceholder, "emergency.silent", lang.SeverityError, true, ""},
		{"misspelt placeholder", "nl", `{"emergency.silent": "Bel {{.Nummer}} vanaf een mobiel."}`,
			lang.KindPlaceholder, "emergency.silent", lang.SeverityError, true, ""},
		{"missing Count in other", "uk", `{"exit.status": {"one": "Натисніть ще {{.Count}} раз", "few": "Натисніть ще {{.Count}} рази", "many": "Натисніть ще {{.Count}} разів", "other": "Натисніть ще раз"}}`,
			lang.KindPlaceholder, "exit.status", lang.SeverityError, true, ""},
		{"missing plural category", "pl", `{"exit.status": {"one": "Naciśnij Shift jeszcze {{.Count}} raz", "other": "Naciśnij Shift jeszcze {{.Count}} razy"}}`,
			lang.KindPluralMissing, "exit.status", lang.SeverityError, true, ""},
		{"plural category the language lacks", "zh-Hans", `{"exit.status": {"one": "再按 {{.Count}} 次 Shift 即可离开", "other": "再按 {{.Count}} 次 Shift 即可离开"}}`,
			lang.KindPluralExtra, "exit.status", lang.SeverityWarning, false, ""},
		{"English sentence in a Tigrinya file", "ti", `{"page.intro": "You are not in trouble for reading this."}`,
			lang.KindUntranslated, "page.intro", lang.SeverityError, true, ""},
		{"English words in a Tigrinya file", "ti", `{"page.intro": "You are not in any trouble ኢኻ."}`,
			lang.KindWrongScript, "page.intro", lang.SeverityError, true, ""},
		{"Latin text in a Chinese file", "zh-Hans", `{"page.intro": "Ni bu hui yin wei yue du zhe ge er you ma fan 你"}`,
			lang.KindWrongScript, "page.intro", lang.SeverityError, true, ""},
		{"Cyrillic in a Polish file", "pl", `{"page.intro": "Ви не матимете проблем через те, що читаєте це."}`,
			lang.KindWrongScript, "page.intro", lang.SeverityError, true, ""},
		{"English sentence in a Latin-script file", "so", `{"page.intro": "You are not in trouble for reading this."}`,
			lang.KindUntranslated, "page.intro", lang.SeverityError, true, ""},
		{"short word as in English", "nl", `{"action.call": "Call"}`,
			lang.KindSameAsEnglish, "action.call", lang.SeverityWarning, false, ""},
		{"short word as in English, other script", "am", `{"action.call": "Call"}`,
			lang.KindSameAsEnglish, "action.call", lang.SeverityWarning, false, ""},
		{"message English does not have", "nl", `{"page.introo": "U zit niet in de problemen."}`,
			lang.KindExtraID, "page.introo", lang.SeverityError, true, ""},
		{"blank text", "nl", `{"page.intro": "  "}`,
			lang.KindEmpty, "page.intro", lang.SeverityError, true, ""},
		{"missing message", "nl", `{"action.call": "Bellen"}`,
			lang.KindMissing, "page.intro", lang.SeverityWarning, false, ""},
		{"stale hash", "nl", `{"action.call": {"hash": "sha1-0123456789abcdef0123456789abcdef01234567", "other": "Bellen"}}`,
			lang.KindStale, "action.call", lang.SeverityWarning, false, ""},
		{"number changed", "ar", `{"emergency.silent": "إذا كنت لا تستطيع الكلام: اتصل بالرقم {{.Number}} من هاتف محمول، ثم اضغط 555."}`,
			lang.KindNumbers, "emergency.silent", lang.SeverityError, true, "English has 55; this translation has 555"},
		{"number dropped", "nl", `{"emergency.silent": "Kunt u niet praten: bel {{.Number}} vanaf een mobiel."}`,
			lang.KindNumbers, "emergency.silent", lang.SeverityError, true, "English has 55; this translation has no number"},
		{"number added", "nl", `{"page.intro": "U zit niet in de problemen. Bel 112."}`,
			lang.KindNumbers, "page.intro", lang.SeverityError, true, "English has no number; this translation has 112"},
		{"native digits changed", "fa", "{\"emergency.silent\": \"اگر نمی\u200cتوانید حرف بزنید: با {{.Number}} زنگ بزنید و ۵۶ را فشار دهید.\"}",
			lang.KindNumbers, "emergency.silent", lang.SeverityError, true, "this translation has 56"},
		{"Eastern Arabic digits", "fa", "{\"emergency.silent\": \"اگر نمی\u200cتوانید حرف بزنید: با {{.Number}} زنگ بزنید و ۵۵ را فشار دهید.\"}",
			lang.KindDigits, "emergency.silent", lang.SeverityWarning, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := checkCatalog(t, "active."+tt.tag+".json", tt.data, "")
			r := cat.Check(nil)
			lr := r.Language(tt.tag)
			if lr == nil {
				t.Fatalf("no report for %q", tt.tag)
			}
			p := find(lr, tt.kind, tt.id)
			if p == nil {
				t.Fatalf("no %s problem for %q; got %v", tt.kind, tt.id, lr.Problems)
			}
			if tt.say != "" && !strings.Contains(p.Explain, tt.say) {
				t.Errorf("explanation %q does not say %q", p.Explain, tt.say)
			}
			if p.Severity != tt.severity {
				t.Errorf("%s is %s, want %s", p, p.Severity, tt.severity)
			}
			if p.File != "active."+tt.tag+".json" || p.Explain == "" {
				t.Errorf("problem not located or not explained: %+v", p)
			}
			if tt.kind != lang.KindMissing && p.Line == 0 {
				t.Errorf("problem has no line: %v", p)
			}
			if got := lr.Errors > 0; got != tt.wantError {
				t.Errorf("errors = %d, want error %v: %v", lr.Errors, tt.wantError, lr.Problems)
			}
			if r.OK() == tt.wantError {
				t.Errorf("Report.OK() = %v with %d errors", r.OK(), r.Errors)
			}
		})
	}
}

// TestCheckAllows: text that is right must not be reported as an error.
func TestCheckAllows(t *testing.T) {
	tests := []struct {
		name, tag, data string
	}{
		{"ZWNJ and ZWJ in Persian", "fa", "{\"page.intro\": \"به خاطر خواندن این صفحه دچار دردسر نمی\u200cشوید.\", \"action.call\": \"تماس\u200d\"}"},
		{"names to keep in another script", "ti", `{"online.firefox.title": "Firefox", "online.chrome.title": "Chrome ኣብ Android"}`},
		{"names to keep in a Latin-script language", "nl", `{"online.firefox.title": "Firefox", "online.chrome.title": "Chrome op Android"}`},
		{"a one form that says once", "fa", `{"exit.status": {"one": "یک بار دیگر Shift را فشار دهید", "other": "{{.Count}} بار دیگر Shift را فشار دهید"}}`},
		{"all six Arabic forms", "ar", `{"exit.status": {"zero": "اضغط {{.Count}} مرة", "one": "اضغط مرة أخرى", "two": "اضغط مرتين", "few": "اضغط {{.Count}} مرات", "many": "اضغط {{.Count}} مرة", "other": "اضغط {{.Count}} مرة"}}`},
		{"Chinese with an English gloss", "zh-Hans", `{"page.intro": "阅读本页不会给你带来麻烦（not in trouble）。"}`},
		{"placeholders and digits only", "nl", `{"emergency.silent": "Bel {{.Number}}: 55."}`},
		{"a less-than sign before a digit", "nl", `{"emergency.silent": "Bel {{.Number}} vanaf een mobiel en druk dan <55."}`},
		{"a number in Arabic-Indic digits", "ar", `{"emergency.silent": "إذا كنت لا تستطيع الكلام: اتصل بالرقم {{.Number}} من هاتف محمول، ثم اضغط ٥٥."}`},
		{"a number in Devanagari digits", "hi", `{"emergency.silent": "अगर आप बोल नहीं सकते: मोबाइल से {{.Number}} पर कॉल करें, फिर ५५ दबाएँ।"}`},
		{"a number repeated as a gloss", "nl", `{"emergency.silent": "Kunt u niet praten: bel {{.Number}} vanaf een mobiel en druk dan 55 (press 55)."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := checkCatalog(t, "active."+tt.tag+".json", tt.data, "")
			lr := cat.Check(nil).Language(tt.tag)
			for _, p := range lr.Problems {
				if p.Severity == lang.SeverityError {
					t.Errorf("false alarm: %v", p)
				}
				if p.Kind == lang.KindSameAsEnglish || p.Kind == lang.KindPluralExtra {
					t.Errorf("needless warning: %v", p)
				}
			}
		})
	}
}

// TestScriptTagRendersAsText: whatever Check says, T never lets a
// translation's markup through: it shows as text.
func TestScriptTagRendersAsText(t *testing.T) {
	cat := checkCatalog(t, "active.nl.json",
		`{"page.intro": "<script>alert(1)</script>", "emergency.silent": "<b>Bel</b> {{.Number}} <img src=x onerror=alert(1)>"}`, "")
	nl, _ := cat.Locale("nl")
	got := string(must(nl.T("page.intro")))
	if want := "&lt;script&gt;alert(1)&lt;/script&gt;"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	got = string(must(nl.T("emergency.silent", "Number", lang.LTR("999"))))
	if strings.Contains(got, "<b>") || strings.Contains(got, "<img") {
		t.Errorf("markup from the translation got through: %q", got)
	}
	if !strings.Contains(got, `<bdi dir="ltr">999</bdi>`) {
		t.Errorf("placeholder value missing: %q", got)
	}
	lr := cat.Check(nil).Language("nl")
	if lr.Errors == 0 || find(lr, lang.KindUnsafe, "page.intro") == nil || find(lr, lang.KindUnsafe, "emergency.silent") == nil {
		t.Errorf("Check did not fail the markup: %v", lr.Problems)
	}
}

func TestCheckHashes(t *testing.T) {
	cat := checkCatalog(t, "", "", "")
	current := englishHash(t, cat, "action.call")
	// The goi18n merge hash of the English message.
	if want := "sha1-"; !strings.HasPrefix(current, want) || len(current) != len(want)+40 {
		t.Fatalf("hash %q", current)
	}
	data := `{
  "action.call": {"hash": "` + current + `", "other": "Bellen"},
  "page.intro": {"hash": "sha1-0000000000000000000000000000000000000000", "other": "U zit niet in de problemen."},
  "online.firefox.title": "Firefox"
}`
	cat = checkCatalog(t, "active.nl.json", data, "")
	lr := cat.Check(nil).Language("nl")
	if !slices.Equal(lr.Stale, []string{"page.intro"}) {
		t.Errorf("Stale = %v, want [page.intro]", lr.Stale)
	}
	if !slices.Equal(lr.NoHash, []string{"online.firefox.title"}) {
		t.Errorf("NoHash = %v, want [online.firefox.title]", lr.NoHash)
	}
	if find(lr, lang.KindStale, "action.call") != nil {
		t.Error("a current hash was reported stale")
	}
	if lr.Errors != 0 {
		t.Errorf("stale or unhashed messages are not errors: %v", lr.Problems)
	}
	var notes int
	for _, p := range lr.Problems {
		if p.Kind == lang.KindNoHash {
			notes++
			if p.Severity != lang.SeverityInfo {
				t.Errorf("no-hash is %s, want info", p.Severity)
			}
		}
	}
	if notes != 1 {
		t.Errorf("%d no-hash notes, want one for the language", notes)
	}
}

func TestCheckPercentAndStatus(t *testing.T) {
	status := "[en]\nstatus = \"reviewed\"\n[nl]\nstatus = \"reviewed\"\nby = \"A. Reviewer\"\ndate = 2026-11-30\n"
	cat := checkCatalog(t, "active.nl.json", `{"action.call": "Bellen", "page.intro": "U zit niet in de problemen als u dit leest.", "online.firefox.title": "Firefox"}`, status)
	r := cat.Check(nil)
	lr := r.Language("nl")
	if r.Messages != 6 || lr.Translated != 3 || lr.Percent != 50 {
		t.Errorf("messages %d translated %d percent %d, want 6, 3, 50", r.Messages, lr.Translated, lr.Percent)
	}
	want := []string{"exit.status", "emergency.silent", "online.chrome.title"}
	if !slices.Equal(lr.Missing, want) {
		t.Errorf("Missing = %v, want %v (English file order)", lr.Missing, want)
	}
	if lr.Status != "reviewed" || lr.ReviewedBy != "A. Reviewer" || lr.ReviewDate != "2026-11-30" {
		t.Errorf("status %q by %q on %q", lr.Status, lr.ReviewedBy, lr.ReviewDate)
	}
	if find(lr, lang.KindDraft, "") != nil {
		t.Error("a reviewed language is reported as draft")
	}
	if lr.Errors != 0 || lr.Warnings != 3 {
		t.Errorf("errors %d warnings %d, want 0 and 3 (the missing messages): %v", lr.Errors, lr.Warnings, lr.Problems)
	}

	// Without a status entry a language is a draft: a warning.
	cat = checkCatalog(t, "active.nl.json", `{"action.call": "Bellen"}`, "")
	lr = cat.Check(nil).Language("nl")
	p := find(lr, lang.KindDraft, "")
	if p == nil || p.Severity != lang.SeverityWarning || p.File != "status.toml" {
		t.Errorf("draft not reported as a status.toml warning: %v", lr.Problems)
	}
	if lr.Errors != 0 {
		t.Errorf("a draft is not an error: %v", lr.Problems)
	}
}

// TestCheckUsedIDs: a message a template uses must exist in English.
func TestCheckUsedIDs(t *testing.T) {
	cat := checkCatalog(t, "", "", "")
	r := cat.Check([]string{"action.call", "helpline.kind.nonsense", "action.call"})
	en := r.Language("en")
	p := find(en, lang.KindUnknownID, "helpline.kind.nonsense")
	if p == nil || p.Severity != lang.SeverityError {
		t.Fatalf("unknown used ID not an error: %v", en.Problems)
	}
	if find(en, lang.KindUnknownID, "action.call") != nil || en.Errors != 1 {
		t.Errorf("want exactly one error: %v", en.Problems)
	}
	if r.OK() {
		t.Error("Report.OK() with an error")
	}
}

// TestShippedLocalesHaveNoErrors guards the real files: a translation
// that would show markup, lose a phone number or show English in the
// wrong place fails here before it ships.
func TestShippedLocalesHaveNoErrors(t *testing.T) {
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := site.Demo(cat)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pages.UsedIDs(assets.FS(), cat.English(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 50 {
		t.Fatalf("only %d message IDs found in the templates", len(ids))
	}
	r := cat.Check(ids)
	if len(r.Languages) != len(cat.IDs()) {
		t.Fatalf("report has %d languages, catalog %d", len(r.Languages), len(cat.IDs()))
	}
	for _, l := range r.Languages {
		for _, p := range l.Problems {
			if p.Severity == lang.SeverityError {
				t.Errorf("locales/%v", p)
			}
		}
	}
	if r.Errors != 0 {
		t.Errorf("%d errors in the shipped locales", r.Errors)
	}
}

// TestDeclaredCounts: a plural message whose counts are declared in
// counts.toml needs only the forms those counts select: Spanish "many"
// (a million and more) is not required for 1 or 2 presses, Arabic still
// needs "one" and "two" but not "few" or "many". Undeclared, every CLDR
// form is required, as before.
func TestDeclaredCounts(t *testing.T) {
	es := `{"exit.status": {"one": "Presiona Shift {{.Count}} vez más", "other": "Presiona Shift {{.Count}} veces más"}}`
	ar := `{"exit.status": {"one": "اضغط {{.Count}} مرة", "other": "اضغط {{.Count}} مرات"}}`
	load := func(counts string) *lang.Report {
		fsys := fstest.MapFS{
			"active.en.json": {Data: []byte(checkEnglish)},
			"active.es.json": {Data: []byte(es)},
			"active.ar.json": {Data: []byte(ar)},
		}
		if counts != "" {
			fsys["counts.toml"] = &fstest.MapFile{Data: []byte(counts)}
		}
		cat, err := lang.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return cat.Check(nil)
	}
	forms := func(lr *lang.LanguageReport) []string {
		var out []string
		for _, p := range lr.Problems {
			if p.Kind == lang.KindPluralMissing {
				out = append(out, p.Form)
			}
		}
		return out
	}
	r := load("")
	if got := forms(r.Language("es")); !slices.Equal(got, []string{"many"}) {
		t.Errorf("undeclared: es missing %v, want [many]", got)
	}
	if got := forms(r.Language("ar")); !slices.Equal(got, []string{"zero", "two", "few", "many"}) {
		t.Errorf("undeclared: ar missing %v", got)
	}
	r = load(`"exit.status" = [1, 2]`)
	if got := forms(r.Language("es")); len(got) != 0 {
		t.Errorf("counts 1, 2: es still asked for %v", got)
	}
	p := r.Language("ar")
	if got := forms(p); !slices.Equal(got, []string{"two"}) {
		t.Errorf("counts 1, 2: ar missing %v, want [two]", got)
	} else if e := find(p, lang.KindPluralMissing, "exit.status"); !strings.Contains(e.Explain, "1 and 2") {
		t.Errorf("explanation does not name the counts: %s", e.Explain)
	}
	// A broken counts.toml names its line.
	_, err := lang.Load(fstest.MapFS{"active.en.json": {Data: []byte(checkEnglish)}, "counts.toml": {Data: []byte("\n\"exit.status\" = [1, -2]\n")}})
	if err == nil || !strings.Contains(err.Error(), "counts.toml:2") {
		t.Errorf("bad counts.toml: %v", err)
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Press 55 when asked.", []string{"55"}},
		{"Call {{.Number}} and press 55.", []string{"55"}},
		{"Open 24/7, 09:00 to 17:00.", []string{"24", "7", "09", "00", "17", "00"}},
		{"اضغط ٥٥", []string{"55"}}, // Arabic-Indic
		{"۳۰ روز", []string{"30"}},  // Persian
		{"धारा ४५", []string{"45"}}, // Devanagari
		{"১২ মাস", []string{"12"}},  // Bengali
		{"๓๐ วัน", []string{"30"}},  // Thai
		{"section 45 of the Act 2015", []string{"45", "2015"}},
		{"no numbers here", nil},
		{"{{.Count}} times", nil},
	}
	for _, tt := range tests {
		if got := lang.Numbers(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Numbers(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestStaleNumbersWithheld: when English changes a number, a translation
// made from the old English is not an error (the deployment keeps
// running) but its old number never reaches a page: the page shows the
// English there, and the report says why.
func TestStaleNumbersWithheld(t *testing.T) {
	const old = `{"emergency.silent": {"hash": "sha1-0123456789abcdef0123456789abcdef01234567", "other": "Kunt u niet praten: bel {{.Number}} en druk dan 56."},
 "page.intro": {"hash": "sha1-0123456789abcdef0123456789abcdef01234567", "other": "U zit niet in de problemen."}}`
	cat := checkCatalog(t, "active.nl.json", old, "")
	r := cat.Check(nil)
	lr := r.Language("nl")
	if lr.Errors != 0 {
		t.Errorf("a stale translation is an error: %v", lr.Problems)
	}
	p := find(lr, lang.KindStale, "emergency.silent")
	if p == nil || !strings.Contains(p.Explain, "English now has 55; this translation has 56") {
		t.Errorf("stale problem does not name the numbers: %v", p)
	}
	nl, _ := cat.Locale("nl")
	got := string(must(nl.T("emergency.silent", "Number", lang.LTR("999"))))
	if !strings.Contains(got, "press 55") || strings.Contains(got, "56") {
		t.Errorf("page shows %q, want the English with 55", got)
	}
	// A stale translation whose numbers still agree is shown as it is.
	if got := string(must(nl.T("page.intro"))); got != "U zit niet in de problemen." {
		t.Errorf("page.intro = %q", got)
	}
}
