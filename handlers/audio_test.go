package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// mpegFrames is n frames of MPEG-2 layer III (8 kbit/s, 16 kHz, mono):
// a file the loader accepts, made without an encoder.
func mpegFrames(n int) []byte {
	f := make([]byte, 36)
	f[0], f[1], f[2], f[3] = 0xFF, 0xF3, 0x18, 0xC4
	return bytes.Repeat(f, n)
}

// plantedSite is the demo with the English emergency section recorded and
// a stale Arabic one (its hash is of another text).
func plantedSite(t *testing.T) (*pages.Site, []byte) {
	t.Helper()
	d := demo(t)
	en, _ := d.Catalog.Locale("en")
	i := slices.IndexFunc(d.Sections, func(s audio.Section) bool { return s.Key == "emergency" })
	if i < 0 {
		t.Fatal("no emergency section")
	}
	data := mpegFrames(200)
	fsys := fstest.MapFS{
		"audio/en/manifest.toml": {Data: audio.FormatManifest("en", map[string]audio.Entry{"emergency": {
			File: "emergency.mp3", Text: audio.TextHash(en, d.Sections[i].IDs), Status: audio.StatusReviewed}})},
		"audio/en/emergency.mp3": {Data: data},
		"audio/ar/manifest.toml": {Data: audio.FormatManifest("ar", map[string]audio.Entry{"emergency": {
			File: "emergency.mp3", Text: "sha1-0000", Status: audio.StatusReviewed}})},
		"audio/ar/emergency.mp3": {Data: data},
	}
	set, err := audio.Load(lang.Layer{FS: fsys, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := pages.BuildWithAudio(d.Config, d.Catalog, assets.FS(), set)
	if err != nil {
		t.Fatal(err)
	}
	return s, data
}

func TestAudioRoute(t *testing.T) {
	s, data := plantedSite(t)
	logs := &syncBuffer{}
	scans := 0
	h := PublicRouter(NewPublic(s, PublicOptions{Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Scanned: func(string) { scans++ }}))
	page := get(t, h, "GET", "/K7Q2M/en", nil).Body.String()
	_, rest, ok := strings.Cut(page, `<audio controls preload="none" src="`)
	if !ok {
		t.Fatal("the English page offers no recording")
	}
	src, _, _ := strings.Cut(rest, `"`)
	if !strings.HasPrefix(src, "/audio/en/emergency.") {
		t.Fatalf("src %q", src)
	}
	if ar := get(t, h, "GET", "/K7Q2M/ar", nil).Body.String(); strings.Contains(ar, "<audio") {
		t.Error("the Arabic page offers a stale recording")
	}
	arName := "/audio/ar/" + strings.TrimPrefix(src, "/audio/en/")
	scans = 0

	cases := []struct {
		name, method, path string
		header             map[string]string
		status             int
		body               []byte
	}{
		{"the recording", "GET", src, nil, 200, data},
		{"HEAD", "HEAD", src, nil, 200, nil},
		{"a range", "GET", src, map[string]string{"Range": "bytes=0-9"}, 206, data[:10]},
		{"a range past the end", "GET", src, map[string]string{"Range": "bytes=99999-"}, 416, nil},
		// Issue 22, finding 3: one range only (as the export's nginx,
		// max_ranges 1): several are answered with the whole file, and
		// an empty suffix is unsatisfiable, not an inverted 206.
		{"3,900 ranges", "GET", src, map[string]string{"Range": "bytes=" + strings.Repeat("0-0,", 3899) + "0-0"}, 200, data},
		{"two ranges", "GET", src, map[string]string{"Range": "bytes=0-9,20-29"}, 200, data},
		{"an empty suffix", "GET", src, map[string]string{"Range": "bytes=-0"}, 416, nil},
		{"an empty suffix, spaced", "GET", src, map[string]string{"Range": "bytes= -00"}, 416, nil},
		{"a suffix", "GET", src, map[string]string{"Range": "bytes=-10"}, 206, data[len(data)-10:]},
		{"an unknown file", "GET", "/audio/en/emergency.0000000000.mp3", nil, 404, nil},
		{"the plain file name", "GET", "/audio/en/emergency.mp3", nil, 404, nil},
		{"the stale recording", "GET", arName, nil, 404, nil},
		{"a language the site lacks", "GET", "/audio/xx/" + strings.TrimPrefix(src, "/audio/en/"), nil, 404, nil},
		{"out of the folder", "GET", "/audio/en/..%2fmanifest.toml", nil, 404, nil},
		{"the manifest", "GET", "/audio/en/manifest.toml", nil, 404, nil},
		{"deeper", "GET", src + "/x", nil, 404, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := get(t, h, c.method, c.path, c.header)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d", rec.Code, c.status)
			}
			for k, v := range publicHeaders {
				if got := rec.Header().Get(k); got != v[0] {
					t.Errorf("%s = %q, want %q", k, got, v[0])
				}
			}
			if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("Set-Cookie") != "" {
				t.Errorf("headers %v", rec.Header())
			}
			body := rec.Body.Bytes()
			switch {
			case c.status == 404:
				// The help page, as for any unknown path: never a trace.
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !bytes.Contains(body, []byte(`id="exit"`)) {
					t.Errorf("404 is %s, not the help page", ct)
				}
				if bytes.Contains(body, []byte("goroutine")) {
					t.Error("a stack trace")
				}
			case c.body != nil || c.method == "HEAD":
				if ct := rec.Header().Get("Content-Type"); ct != "audio/mpeg" {
					t.Errorf("Content-Type %q", ct)
				}
				if !bytes.Equal(body, c.body) {
					t.Errorf("body %d bytes, want %d", len(body), len(c.body))
				}
			}
		})
	}
	if scans != 0 {
		t.Errorf("audio requests counted %d scans", scans)
	}
	if l := logs.String(); strings.Contains(l, strings.TrimPrefix(src, "/audio/en/")) || !strings.Contains(l, "route=/audio/:lang/:file status=206") {
		t.Errorf("the log names more than route and status, or not them:\n%s", l)
	}
	if rec := get(t, h, "POST", src, nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

// The page stays one response within 14 KB gzipped with every section's
// control shown.
func TestAudioPageSize(t *testing.T) {
	s, _ := plantedSite(t)
	p, ok := s.PageFor("uk", "en")
	if !ok {
		t.Fatal("no uk page")
	}
	if n := len(p.AppendGzip(nil, "")); n > 14*1024 {
		t.Errorf("English page with a recording: %d bytes gzipped, over 14 KB", n)
	}
}

// Each lesson is a recorded section like the help page's: the English
// lesson page offers the demo's computer-voice recording of it, says it is
// one, and /audio serves it; a language whose lesson text is still the
// English fallback offers none (the demo records no Spanish lesson).
func TestAudioLesson(t *testing.T) {
	d := demo(t)
	en, _ := d.Catalog.Locale("en")
	scans, views := 0, 0
	h := PublicRouter(NewPublic(d, PublicOptions{Log: slog.New(slog.DiscardHandler),
		Scanned: func(string) { scans++ }, Viewed: func(string) { views++ }}))
	lessons := d.Config.LessonsOf("uk")
	if len(lessons) == 0 {
		t.Fatal("the demo's UK page has no lessons")
	}
	for i, l := range lessons {
		key := "lesson." + l.ID
		t.Run(key, func(t *testing.T) {
			// The recording reads the lesson as the page shows it: title,
			// intro, the steps, then what they cannot do.
			want := []string{key + ".title", key + ".intro"}
			for _, part := range []string{".step", ".limit"} {
				for n := 1; en.Messages[fmt.Sprint(key, part, n)] != nil; n++ {
					want = append(want, fmt.Sprint(key, part, n))
				}
			}
			j := slices.IndexFunc(d.Sections, func(s audio.Section) bool { return s.Key == key })
			if j < 0 {
				t.Fatalf("no section %s", key)
			}
			if got := d.Sections[j].IDs; !slices.Equal(got, want) {
				t.Errorf("reads %v\nwant %v", got, want)
			}

			page := get(t, h, "GET", fmt.Sprintf("/K7Q2M/en/%d", i+1), nil).Body.String()
			_, rest, ok := strings.Cut(page, `<audio controls preload="none" src="`)
			if !ok {
				t.Fatal("the English lesson page offers no recording")
			}
			src, _, _ := strings.Cut(rest, `"`)
			if !strings.HasPrefix(src, "/audio/en/"+key+".") || !strings.Contains(rest, template.HTMLEscapeString(en.Text("audio.placeholder"))) {
				t.Errorf("src %q, or no placeholder note after it", src)
			}
			views = 0
			rec := get(t, h, "GET", src, nil)
			file, err := fs.ReadFile(locales.FS(), "audio/en/"+key+".mp3")
			if err != nil {
				t.Fatal(err)
			}
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "audio/mpeg" {
				t.Errorf("%s: status %d, %s", src, rec.Code, rec.Header().Get("Content-Type"))
			}
			// A lesson that shows numbers (the lines that take texts, the
			// strip's number) goes on to say them, as the helplines
			// section does; any other is its file as recorded.
			if numbers := lessonNumbers(t, d, l); len(numbers) == 0 {
				if !bytes.Equal(rec.Body.Bytes(), file) {
					t.Errorf("%s: %d bytes; want the file's %d", src, rec.Body.Len(), len(file))
				}
			} else {
				saysAfter(t, rec.Body.Bytes(), file, numbers)
			}
			for k, v := range publicHeaders {
				if got := rec.Header().Get(k); got != v[0] {
					t.Errorf("%s = %q, want %q", k, got, v[0])
				}
			}
			if views != 0 {
				t.Error("listening counted as a lesson view")
			}
			// The Spanish page offers its own recording (the demo has
			// Spanish placeholders), never the English one.
			es := get(t, h, "GET", fmt.Sprintf("/K7Q2M/es/%d", i+1), nil).Body.String()
			if strings.Contains(es, `src="/audio/en/`) {
				t.Error("the Spanish lesson page offers a recording of the English text")
			}
			if !strings.Contains(es, `src="/audio/es/`+key+`.`) {
				t.Error("the Spanish lesson page offers no Spanish recording")
			}
		})
	}
	if scans != 0 {
		t.Errorf("%d scans counted", scans)
	}
}

// lessonNumbers are the numbers a UK lesson's recording says: those of
// the confidential lines that take texts, then the strip's (if it is
// confidential). The UK's only line that takes texts is the police's.
func lessonNumbers(t *testing.T, d *pages.Site, l *site.Lesson) []string {
	t.Helper()
	r, _ := d.Config.Region("uk")
	var out []string
	if slices.Contains(l.Show, site.ShowTexts) {
		for i := range r.Helplines {
			if h := &r.Helplines[i]; h.TakesTexts() && h.Confidential() {
				for _, ch := range h.All() {
					if ch.Dialable() {
						out = append(out, ch.Number)
					}
				}
			}
		}
	}
	if s := d.Config.StripLine(&site.Venue{Region: "uk"}); slices.Contains(l.Show, site.ShowStrip) && s != nil && s.Confidential() {
		out = append(out, s.FirstCall())
	}
	return out
}

// saysAfter checks that a joined recording is the section's file, then
// every digit of each number in turn.
func saysAfter(t *testing.T, body, file []byte, numbers []string) {
	t.Helper()
	frames := func(b []byte) []byte {
		f, err := audio.Frames(b)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	got, section := frames(body), frames(file)
	if !bytes.HasPrefix(got, section) {
		t.Fatal("the joined recording does not start with the section's own")
	}
	set, err := audio.Load(lang.Layer{FS: locales.FS(), Name: "locales"})
	if err != nil {
		t.Fatal(err)
	}
	rest := got[len(section):]
	for _, n := range numbers {
		for _, c := range n {
			if c < '0' || c > '9' {
				continue
			}
			digit := frames(set.Get("en", audio.DigitKey(int(c-'0'))).Data)
			i := bytes.Index(rest, digit)
			if i < 0 {
				t.Fatalf("the recording does not go on to say %s (digit %c)", n, c)
			}
			rest = rest[i+len(digit):]
		}
	}
}
