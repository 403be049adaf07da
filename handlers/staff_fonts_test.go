package handlers

import (
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/poster"
)

// TestStaffPosterRefusesScriptWithoutFont: the staff pages refuse a poster
// whose text is in a script no poster font covers, as the CLI does, naming
// the script and the font to add, in HTML and PDF alike (no silent
// fallback to a system font); with the font given (serve --fonts), the
// same poster is made.
func TestStaffPosterRefusesScriptWithoutFont(t *testing.T) {
	texts := t.TempDir()
	if err := os.WriteFile(filepath.Join(texts, "active.ar.json"),
		[]byte("{\n  \"poster.headline\": \"უფასო და კონფიდენციალური რჩევა\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), LocalesDir: texts})
	if err != nil {
		t.Fatal(err)
	}
	router := func(fonts *poster.Fonts) http.Handler {
		return StaffRouter(NewStaff(StaffOptions{Site: func() *pages.Site { return s }, Assets: assets.FS(), BaseURL: staffBase,
			Fonts: fonts, RateLimit: 1e6, RateBurst: 1e6, Log: slog.New(slog.DiscardHandler)}))
	}
	h := router(nil)
	for _, target := range []string{"/venues/K7Q2M/poster?langs=ar,en", "/venues/K7Q2M/poster.pdf?langs=ar,en", "/posters?langs=en,ar"} {
		rec := staffGet(h, target, "", nil)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Georgian script") || !strings.Contains(body, "--fonts") {
			t.Errorf("%s = %d, want 400 naming the Georgian script and --fonts:\n%.600s", target, rec.Code, body)
		}
	}

	fontDir := t.TempDir()
	for _, name := range []string{"NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"} {
		data, err := os.ReadFile(filepath.Join("/usr/share/fonts/truetype/noto", name))
		if err != nil {
			t.Fatalf("%v: install fonts-noto-core (test.sh does)", err)
		}
		if err := os.WriteFile(filepath.Join(fontDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fonts, err := poster.LoadFonts(assets.FS(), fontDir)
	if err != nil {
		t.Fatal(err)
	}
	rec := staffGet(router(fonts), "/venues/K7Q2M/poster?langs=ar,en", "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `font-family:"NotoSansGeorgian"`) {
		t.Errorf("with --fonts: %d, want 200 with the Georgian font embedded:\n%.300s", rec.Code, rec.Body.String())
	}
}
