package handlers

import (
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

var h1RE = regexp.MustCompile(`<h1>([^<]*)</h1>`)

// TestLessonRoutes: lessons are at /{CODE}/{lang}/{n} and /{lang}/{n};
// an address that names no lesson gets the help page with 404, never a
// dead end; only a GET of a lesson counts, by lesson ID alone.
func TestLessonRoutes(t *testing.T) {
	var mu sync.Mutex
	var viewed []string
	p := NewPublic(demo(t), PublicOptions{Log: slog.New(slog.DiscardHandler), Viewed: func(id string) {
		mu.Lock()
		viewed = append(viewed, id)
		mu.Unlock()
	}})
	h := PublicRouter(p)
	en := demo(t).Catalog.English()
	title := func(id string) string { return string(en.Text("lesson." + id + ".title")) }
	help := string(en.Text("page.help"))
	tests := []struct {
		name, method, path string
		status             int
		lang, h1           string
		counted            []string
	}{
		{"venue lesson", "GET", "/K7Q2M/en/1", 200, "en", title("where"), []string{"where"}},
		{"venue lesson rtl", "GET", "/K7Q2M/ar/3", 200, "ar", "", []string{"apps"}},
		{"generic lesson", "GET", "/en/6", 200, "en", title("taken"), []string{"taken"}},
		{"other region", "GET", "/S5FJ3/es/2", 200, "es", "", []string{"accounts"}},
		{"head counts nothing", "HEAD", "/K7Q2M/en/1", 200, "", "", nil},
		{"past the last", "GET", "/K7Q2M/en/7", 404, "en", help, nil},
		{"zero", "GET", "/K7Q2M/en/0", 404, "en", help, nil},
		{"leading zero", "GET", "/K7Q2M/en/02", 404, "en", help, nil},
		{"plus", "GET", "/K7Q2M/en/+2", 404, "en", help, nil},
		{"trailing slash", "GET", "/K7Q2M/ar/2/", 404, "en", help, nil},
		{"word", "GET", "/K7Q2M/en/where", 404, "en", help, nil},
		{"unknown language", "GET", "/K7Q2M/xx/2", 404, "en", help, nil},
		{"unknown code", "GET", "/ZZZZ9/en/2", 404, "en", help, nil},
		{"deeper", "GET", "/K7Q2M/en/2/3", 404, "en", help, nil},
		{"post", "POST", "/K7Q2M/en/1", 405, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			viewed = nil
			mu.Unlock()
			rec := get(t, h, tt.method, tt.path, nil)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			assertPrivacyHeaders(t, rec.Header())
			body := rec.Body.String()
			if tt.lang != "" {
				if m := langRE.FindStringSubmatch(body); m == nil || m[1] != tt.lang {
					t.Errorf("page language %v, want %q", m, tt.lang)
				}
				// The title is the region's neutral one on every page.
				if !strings.Contains(body, "<title>Travel information</title>") && !strings.Contains(body, "<title>Reisinformatie</title>") {
					t.Error("the page title is not the region's neutral title")
				}
			}
			if tt.h1 != "" {
				if m := h1RE.FindStringSubmatch(body); m == nil || m[1] != htmlEscape(tt.h1) {
					t.Errorf("h1 %v, want %q", m, tt.h1)
				}
			}
			mu.Lock()
			got := strings.Join(viewed, ",")
			mu.Unlock()
			if want := strings.Join(tt.counted, ","); got != want {
				t.Errorf("counted %q, want %q", got, want)
			}
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestLessonLinks: a lesson's links are relative, so that one page serves
// every venue and the generic page, and each carries data-r, so that with
// JavaScript it replaces the page in history; the guides leave with no
// referrer. The help page links every lesson of its region in order.
func TestLessonLinks(t *testing.T) {
	h, _ := newPublic(t, nil)
	body := get(t, h, "GET", "/K7Q2M/ar/2", nil).Body.String()
	for _, want := range []string{
		`<a class="btn" href="3" data-r>`,        // next
		`<a class="btn" href="../ar" data-r>`,    // back to the help page
		`<a href="../fa/2" lang="fa"`,            // the same lesson in another language
		`<a href="https://refugetechsafety.org"`, // the UK's own guide
	} {
		if !strings.Contains(body, want) {
			t.Errorf("lesson page lacks %s", want)
		}
	}
	for _, a := range regexp.MustCompile(`<a [^>]*>`).FindAllString(body, -1) {
		switch {
		case strings.Contains(a, `id="exit"`):
		case strings.Contains(a, `href="https://`):
			if !strings.Contains(a, `rel="noreferrer"`) {
				t.Errorf("a link out without rel=noreferrer: %s", a)
			}
		case strings.Contains(a, `href="tel:`), strings.Contains(a, `href="sms:`):
		case !strings.Contains(a, " data-r"):
			t.Errorf("a link inside the site without data-r: %s", a)
		}
	}
	last := get(t, h, "GET", "/K7Q2M/ar/6", nil).Body.String()
	if strings.Contains(last, `>`+string(demo(t).Catalog.English().Text("course.next"))+`<`) || strings.Contains(last, `href="7"`) {
		t.Error("the last lesson links to a next one")
	}
	// The help page's online section lists the region's lessons in order.
	page := get(t, h, "GET", "/K7Q2M/en", nil).Body.String()
	i := strings.Index(page, `id="h-course"`)
	if i < 0 {
		t.Fatal("the help page has no list of lessons")
	}
	prev := i
	for n := 1; n <= 6; n++ {
		j := strings.Index(page, `href="/K7Q2M/en/`+string(rune('0'+n))+`" data-r>`)
		if j < prev {
			t.Errorf("lesson %d is not listed after lesson %d on the help page", n, n-1)
		}
		prev = j
	}
}

// TestCourseFromConfig: a deployment that drops lesson 3 and reorders
// the rest does it in its config alone: the demo's config with its
// [[lessons]] rewritten, loaded as `serve --config` loads it.
func TestCourseFromConfig(t *testing.T) {
	demoTOML := site.DemoTOML()
	// Only the [[lessons]] tables change: taken, asking, traces,
	// accounts, where (no "apps"), and "where" for the UK only.
	cfg := regexp.MustCompile(`(?s)\[\[lessons\]\].*?\n(\[\[regions\]\])`).ReplaceAllString(string(demoTOML), `[[lessons]]
id = "taken"
show = ["strip"]

[[lessons]]
id = "asking"
show = ["texts"]

[[lessons]]
id = "traces"

[[lessons]]
id = "accounts"

[[lessons]]
id = "where"
regions = ["uk"]

$1`)
	if cfg == string(demoTOML) {
		t.Fatal("the demo config has no [[lessons]] to rewrite")
	}
	path := filepath.Join(t.TempDir(), "course.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	h := PublicRouter(NewPublic(s, PublicOptions{Log: slog.New(slog.DiscardHandler)}))
	en := s.Catalog.English()
	for _, tt := range []struct {
		path, lesson string // "" : no such lesson (404)
	}{
		{"/K7Q2M/en/1", "taken"},
		{"/K7Q2M/en/3", "traces"},
		{"/K7Q2M/en/4", "accounts"},
		{"/K7Q2M/en/5", "where"},
		{"/K7Q2M/en/6", ""},
		{"/S5FJ3/en/4", "accounts"}, // the US
		{"/S5FJ3/en/5", ""},         // "where" is the UK's only
	} {
		rec := get(t, h, "GET", tt.path, nil)
		body := rec.Body.String()
		if tt.lesson == "" {
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404 (no such lesson)", tt.path, rec.Code)
			}
			continue
		}
		want := htmlEscape(string(en.Text("lesson." + tt.lesson + ".title")))
		if m := h1RE.FindStringSubmatch(body); rec.Code != 200 || m == nil || m[1] != want {
			t.Errorf("%s: status %d, h1 %v, want %q", tt.path, rec.Code, m, want)
		}
	}
	page := get(t, h, "GET", "/K7Q2M/en", nil).Body.String()
	if strings.Contains(page, htmlEscape(string(en.Text("lesson.apps.title")))) {
		t.Error("the help page still lists the dropped lesson")
	}
}
