package export

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
)

// The export carries every recording the pages offer, and nginx with the
// generated configuration serves each as the server does: the same bytes,
// audio/mpeg, the privacy headers, and a Range answer for media players.
func TestExportAudioServedByNginx(t *testing.T) {
	realtools.Need(t, "nginx", "nginx")
	s := plantedSite(t)
	if len(s.AudioPaths()) == 0 {
		t.Fatal("the site offers no recording to export")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	res, err := Write(s, dir, Options{BaseURL: "https://example.org", Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Audio) != len(s.AudioPaths()) {
		t.Fatalf("exported %d recordings, the pages offer %d", len(res.Audio), len(s.AudioPaths()))
	}
	// Every page's <audio src> is among the exported files.
	for _, p := range res.Pages {
		body, err := os.ReadFile(filepath.Join(dir, p.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(body), `<audio controls preload="none" src="`)[1:] {
			src, _, _ := strings.Cut(part, `"`)
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(src))); err != nil {
				t.Errorf("%s plays %s, which the export lacks", p.Path, src)
			}
		}
	}

	base := startNginx(t, dir)
	server := httptest.NewServer(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{BaseURL: "https://example.org"})))
	defer server.Close()
	for _, p := range res.Audio {
		want, wantH := get(t, server.URL+p, "identity", "")
		got, gotH := get(t, base+p, "identity", "")
		if gotH.status != 200 || !bytes.Equal(got, want) {
			t.Errorf("%s: nginx %d with %d bytes, server %d with %d", p, gotH.status, len(got), wantH.status, len(want))
		}
		for _, k := range []string{"Content-Type", "Cache-Control", "Referrer-Policy", "X-Content-Type-Options",
			"Cross-Origin-Resource-Policy", "Content-Security-Policy", "Permissions-Policy"} {
			if g, w := gotH.h.Get(k), wantH.h.Get(k); g != w {
				t.Errorf("%s %s: nginx %q, server %q", p, k, g, w)
			}
		}
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Range", "bytes=0-99")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent {
			t.Errorf("%s Range: nginx %d, want 206", p, resp.StatusCode)
		}
	}
}

// plantedSite is the demo with a deployment's recording of the Tigrinya
// emergency section (a few hundred synthetic MP3 frames) and whatever
// demo recordings are current: the test does not depend on the demo's
// placeholders staying current as texts change.
func plantedSite(t *testing.T) *pages.Site {
	t.Helper()
	d := demoSite(t)
	ti, _ := d.Catalog.Locale("ti")
	i := slices.IndexFunc(d.Sections, func(s audio.Section) bool { return s.Key == "emergency" })
	if i < 0 {
		t.Fatal("no emergency section")
	}
	texts := t.TempDir()
	frame := []byte{0xFF, 0xF3, 0x18, 0xC4}
	frame = append(frame, make([]byte, 32)...)
	if err := os.MkdirAll(filepath.Join(texts, "audio", "ti"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(texts, "audio", "ti", "emergency.mp3"), bytes.Repeat(frame, 300), 0o644)
	os.WriteFile(filepath.Join(texts, "audio", "ti", audio.ManifestName), audio.FormatManifest("ti", map[string]audio.Entry{
		"emergency": {File: "emergency.mp3", Text: audio.TextHash(ti, d.Sections[i].IDs), Status: audio.StatusReviewed}}), 0o644)
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), LocalesDir: texts})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(s.AudioPaths(), func(p string) bool { return strings.HasPrefix(p, "/audio/ti/emergency.") }) {
		t.Fatalf("the planted recording is not offered: %v", s.AudioPaths())
	}
	return s
}
