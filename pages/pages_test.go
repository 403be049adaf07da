package pages_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

var (
	demoOnce sync.Once
	demoSite *pages.Site
	demoErr  error
)

func demo(t testing.TB) *pages.Site {
	t.Helper()
	demoOnce.Do(func() {
		demoSite, demoErr = pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS()})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoSite
}

// wantDir is the direction a language's own text needs: rtl when most of
// the letters of its translations are in a right-to-left script. It reads
// the translations, not the tag, so a wrong script guess in lang.Dir (which
// goes by the tag) fails here, and a language a translator adds to the
// demo is checked without editing this test.
func wantDir(loc *lang.Locale) string {
	rtl, letters := 0, 0
	for _, m := range loc.Messages {
		for _, r := range actionRE.ReplaceAllString(m.Forms["other"], "") {
			if !unicode.IsLetter(r) {
				continue
			}
			letters++
			if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Adlam, unicode.Samaritan, unicode.Mandaic) {
				rtl++
			}
		}
	}
	if rtl*2 > letters {
		return "rtl"
	}
	return "ltr"
}

var actionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// maxGzip is the budget of one page: about ten TCP packets, so that it
// arrives in the first round trips even on a poor connection.
const maxGzip = 14 << 10

var (
	scriptRE = regexp.MustCompile(`(?s)<script\b.*?</script>`)
	styleRE  = regexp.MustCompile(`(?s)<style\b.*?</style>`)
	htmlRE   = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)
)

// TestEveryPage renders every region, and every region with each area
// that a venue names, in every language and looks for the marks of a
// broken page.
func TestEveryPage(t *testing.T) {
	s := demo(t)
	en := s.Catalog.English()
	ids, err := pages.UsedIDs(assets.FS(), en, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	largest, largestName := 0, ""
	defer func() { t.Logf("largest page: %s, %d bytes gzipped (budget %d)", largestName, largest, maxGzip) }()
	dirs := map[string]bool{}
	for _, loc := range s.Locales {
		dirs[wantDir(loc)] = true
	}
	if !dirs["rtl"] || !dirs["ltr"] {
		t.Errorf("the demo's languages do not include both directions (%v): the direction checks go untested", dirs)
	}
	type place struct{ region, area string }
	var places []place
	for _, r := range s.Config.Regions {
		places = append(places, place{r.ID, ""})
	}
	for _, v := range s.Config.Venues {
		if p := (place{v.Region, v.Area}); v.Area != "" && !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	if len(places) == len(s.Config.Regions) {
		t.Error("no demo venue names an area: the area pages go untested")
	}
	// check runs every page check on one rendered page.
	check := func(t *testing.T, name string, loc *lang.Locale, html string) {
		for _, bad := range []string{"<no value>", "ZgotmplZ", "%!", "\ufffd"} {
			if i := strings.Index(html, bad); i >= 0 {
				t.Errorf("page has %q: …%s…", bad, around(html, i))
			}
		}
		for i, c := range html {
			if c >= 0xE000 && c <= 0xF8FF {
				t.Errorf("page has private-use U+%04X (a placeholder slot left behind): …%s…", c, around(html, i))
				break
			}
		}
		// Message IDs showing as text or in attributes (a missing
		// message shown by its ID). Script and style are code.
		content := styleRE.ReplaceAllString(scriptRE.ReplaceAllString(html, ""), "")
		for _, id := range ids {
			if i := strings.Index(content, id); i >= 0 {
				t.Errorf("page shows the message ID %q: …%s…", id, around(content, i))
			}
		}

		m := htmlRE.FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("no <html lang dir> in %.200s", html)
		}
		if m[1] != loc.ID {
			t.Errorf("lang=%q, want %q", m[1], loc.ID)
		}
		if want := wantDir(loc); m[2] != want {
			t.Errorf("dir=%q, want %q", m[2], want)
		}

		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write([]byte(html))
		zw.Close()
		if z.Len() > largest {
			largest, largestName = z.Len(), name+"/"+loc.ID
		}
		if z.Len() > maxGzip {
			t.Errorf("page is %d bytes gzipped, over the %d budget", z.Len(), maxGzip)
		}
	}
	lessons := 0
	for _, p := range places {
		name := strings.TrimSuffix(p.region+"+"+p.area, "+")
		for _, loc := range s.Locales {
			t.Run(name+"/"+loc.ID, func(t *testing.T) {
				page, ok := s.AreaPageFor(p.region, p.area, loc.ID)
				if !ok {
					t.Fatal("no page")
				}
				check(t, name, loc, page.String())
				// The course's lessons: the same checks, the same budget.
				for n := 1; ; n++ {
					page, ok := s.LessonPageFor(p.region, p.area, loc.ID, n)
					if !ok {
						break
					}
					lessons++
					check(t, fmt.Sprintf("%s/lesson %d", name, n), loc, page.String())
				}
			})
		}
	}
	if lessons == 0 {
		t.Error("the demo has no lessons: the course's pages go untested")
	}
}

func around(s string, i int) string {
	lo, hi := max(0, i-60), min(len(s), i+60)
	for lo > 0 && !isRuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !isRuneStart(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// TestTemplateIDsExistInEnglish: every message the templates use is in
// English (goi18n extract cannot see templates), and the dynamic IDs are
// expanded over every helpline kind, rights topic, browser and day.
func TestTemplateIDsExistInEnglish(t *testing.T) {
	s := demo(t)
	en := s.Catalog.English()
	tids, err := pages.TemplateIDs(assets.FS(), s.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"exit.button", "exit.status", "page.draft", "hours.range", "language.label", "about.unconfirmed",
		"helpline.kind.slavery", "helpline.kind.labour", "helpline.kind.transport-police",
		"rights.uk-s45.title", "rights.us-hotline-2025.title", "rights.nl-reflection.title",
		"helplines.police-note.de", "emergency.for.police", "action.chat", "action.form",
		"online.chrome.title", "online.firefox.steps", "online.samsung.steps",
		"day.mon", "day.sun",
	} {
		if !slices.Contains(tids, want) {
			t.Errorf("TemplateIDs lacks %q", want)
		}
	}
	if slices.Contains(tids, "rights.uk-s45.p1") {
		t.Error("TemplateIDs lists a rights paragraph, which templates get as data")
	}
	used, err := pages.UsedIDs(assets.FS(), en, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rights.uk-s45.p1", "rights.uk-nrm.p3", "rights.us-hotline-2025.p3"} {
		if !slices.Contains(used, want) {
			t.Errorf("UsedIDs lacks %q", want)
		}
	}
	if slices.Contains(used, "rights.uk-nrm.p4") {
		t.Error("UsedIDs lists a paragraph English does not have")
	}
	if !slices.IsSorted(used) || len(slices.Compact(slices.Clone(used))) != len(used) {
		t.Error("UsedIDs is not sorted and unique")
	}
	for _, id := range used {
		if !en.Has(id) {
			t.Errorf("the pages use %q, which is not in active.en.json", id)
		}
	}
}

// TestTemplateIDsParse: literal and built IDs are found in any receiver
// (.L, $.L, $.Tear, a chained call), and a built ID that cannot be
// expanded is an error naming the template and line.
func TestTemplateIDsParse(t *testing.T) {
	tests := []struct {
		name, tmpl string
		want       []string
		wantErr    string
	}{
		{"literal", `{{define "p"}}<p>{{.L.T "a.b"}}</p>{{end}}`, []string{"a.b"}, ""},
		{"plural and variable receiver", `{{range .X}}{{$.L.TN "c.d" 2}}{{$.Tear.T "e.f"}}{{end}}`, []string{"c.d", "e.f"}, ""},
		{"chained receiver", `{{(index .Blocks 0).L.T "g.h" "N" (ltr .N)}}`, []string{"g.h"}, ""},
		{"nested call", `{{.L.T "hours.day" "Day" (.L.T (print "day." .FirstDay))}}`,
			[]string{"day.fri", "day.mon", "day.sat", "day.sun", "day.thu", "day.tue", "day.wed", "hours.day"}, ""},
		{"prefix and suffix", `{{range .B}}{{$.L.T (print "online." . ".steps")}}{{end}}`,
			[]string{"online.chrome.steps", "online.firefox.steps", "online.safari.steps", "online.samsung.steps"}, ""},
		{"unknown prefix", "line one\n{{.L.T (print \"secret.\" .Kind)}}", nil, "t.html:2"},
		{"two variable parts", `{{.L.T (print "rights." .Topic .Part)}}`, nil, "more than one variable part"},
		{"not print", `{{.L.T (printf "day.%s" .Day)}}`, nil, "cannot tell"},
		{"does not parse", `{{.L.T "a"`, nil, "templates/t.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"templates/t.html": {Data: []byte(tt.tmpl)}}
			got, err := pages.TemplateIDs(fsys, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestChoosePathBeatsAcceptLanguage: the language in the path wins; an
// unknown one falls back to Accept-Language, then to the venue's first
// language.
func TestChoosePathBeatsAcceptLanguage(t *testing.T) {
	s := demo(t)
	region := s.Config.Default()
	venue, ok := s.Config.Venue("K7Q2M")
	if !ok {
		t.Fatal("demo venue K7Q2M missing")
	}
	tests := []struct {
		path, accept string
		venue        bool
		want         string
		known        bool
	}{
		{"ar", "ti", true, "ar", true},
		{"ti", "ar;q=0.9, en;q=0.8", true, "ti", true},
		{"zh-hans", "ar", false, "zh-Hans", true},
		{"", "ar", true, "ar", true},
		{"", "ru", true, venue.Languages[0], true},
		{"", "", false, s.Locales[0].ID, true},
		{"xx", "fa-AF", true, "prs", false}, // phones in Afghanistan send fa-AF for Dari
		{"xx", "fa-IR", true, "fa", false},
		{"zh-TW", "", true, venue.Languages[0], false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s|%s", tt.path, tt.accept), func(t *testing.T) {
			v := venue
			if !tt.venue {
				v = nil
			}
			c := s.Choose(region, tt.path, tt.accept, v)
			if c.Locale.ID != tt.want || c.Known != tt.known {
				t.Errorf("Choose = %s (known %v), want %s (known %v)", c.Locale.ID, c.Known, tt.want, tt.known)
			}
			// A venue's page is its own variant (featured.go), so compare
			// the language the page is written in.
			if !strings.Contains(c.Page.String(), `<html lang="`+c.Locale.ID+`"`) {
				t.Error("the page is not the chosen language's")
			}
			if v != nil && v.Area != "" && !strings.Contains(c.Page.String(), "Kalayaan") {
				t.Error("the venue's page lacks its area's organisations")
			}
		})
	}
}

// TestEveryLessonStepHasASource: each step and limit of every lesson has
// its row in docs/content.md (source, versions checked, date), so that the
// yearly re-check covers it; a step without a source is left out.
func TestEveryLessonStepHasASource(t *testing.T) {
	s := demo(t)
	doc, err := os.ReadFile("../docs/content.md")
	if err != nil {
		t.Fatal(err)
	}
	en := s.Catalog.English()
	n := 0
	for _, id := range slices.Sorted(maps.Keys(en.Messages)) {
		if !strings.HasPrefix(id, "lesson.") || strings.HasSuffix(id, ".title") {
			continue
		}
		n++
		row := regexp.MustCompile("(?m)^\\| [a-z-]+ \\| `" + regexp.QuoteMeta(id) + "` \\|[^|]+\\|[^|]*[A-Za-z][^|]*\\|[^|]+\\| 20[0-9]{2}-[0-9]{2}")
		if !row.Match(doc) {
			t.Errorf("docs/content.md has no source row for %s (lesson | message | says | source | checked against | date)", id)
		}
	}
	if n == 0 {
		t.Fatal("English has no lesson messages")
	}
}
