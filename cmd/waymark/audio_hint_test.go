package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/site"
)

// TestAudioScriptUnknownLanguageHint: a deployment's own language is in
// its texts; without --config and --locales the command says so, rather
// than only that the language does not exist.
func TestAudioScriptUnknownLanguageHint(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	t.Setenv("WAYMARK_CONFIG", "")
	code, _, errOut := runCLI(t, "audio", "script", "--lang", "it")
	if code == 0 || !strings.Contains(errOut, `--lang "it": not one of the site's languages`) || !strings.Contains(errOut, "--config waymark.toml --locales texts") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	// Named, the deployment's Italian is there.
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	os.Mkdir(texts, 0o755)
	os.WriteFile(filepath.Join(texts, "active.it.json"), []byte(`{"action.call": "Chiama"}`), 0o644)
	cfg := filepath.Join(dir, "waymark.toml")
	os.WriteFile(cfg, []byte(strings.Replace(string(site.DemoTOML()), `languages = ["en", `, `languages = ["en", "it", `, 1)), 0o644)
	code, out, errOut := runCLI(t, "audio", "script", "--lang", "it", "--config", cfg, "--locales", texts)
	if code != 0 || !strings.Contains(out, "emergency") {
		t.Errorf("with --config and --locales: exit %d\n%s%s", code, out, errOut)
	}
}
