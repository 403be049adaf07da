package lang_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/lang"
)

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWriteCanonicalUpdated: a stale translation stays stale through the
// conversion, in the file and in hashes.toml, until --updated names it;
// then its hash is the current English one.
func TestWriteCanonicalUpdated(t *testing.T) {
	stale := "sha1-0000000000000000000000000000000000000000"
	dir := writeDir(t, map[string]string{
		"active.en.json": checkEnglish,
		"active.nl.json": `{"page.intro": {"hash": "` + stale + `", "other": "Je krijgt geen problemen."}, "action.call": "Bellen"}`,
	})
	if _, err := lang.WriteCanonical(dir, nil); err != nil {
		t.Fatal(err)
	}
	read := func() *lang.LanguageReport {
		c, err := lang.Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		return c.Check(nil).Language("nl")
	}
	if lr := read(); len(lr.Stale) != 1 || lr.Stale[0] != "page.intro" || len(lr.NoHash) != 0 {
		t.Fatalf("after the conversion: stale %v, no hash %v", lr.Stale, lr.NoHash)
	}
	side, _ := os.ReadFile(filepath.Join(dir, lang.HashesFile))
	if !strings.Contains(string(side), `"page.intro" = "`+stale+`"`) {
		t.Errorf("hashes.toml does not keep the stale hash:\n%s", side)
	}
	if _, err := lang.WriteCanonical(dir, []string{"nl:page.intro"}); err != nil {
		t.Fatal(err)
	}
	if lr := read(); len(lr.Stale) != 0 {
		t.Errorf("after --updated nl:page.intro: stale %v", lr.Stale)
	}
	for _, bad := range []string{"nl", "xx:page.intro", "nl:page.heading"} {
		if _, err := lang.WriteCanonical(dir, []string{bad}); err == nil {
			t.Errorf("--updated %q accepted", bad)
		}
	}
	// A message English lacks would be lost: refused, naming it.
	dir = writeDir(t, map[string]string{
		"active.en.json": checkEnglish,
		"active.nl.json": "{\n  \"page.intrro\": \"Je krijgt geen problemen.\"\n}\n",
	})
	if _, err := lang.WriteCanonical(dir, nil); err == nil || !strings.Contains(err.Error(), "active.nl.json:2") {
		t.Errorf("extra ID: %v", err)
	}
}
