//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/waymark/waymark/lang"
)

// TestI18nDeploymentTextsWarnings: for a deployment (docs/deploy.md's new
// country), the report points each of its own messages at its texts
// folder, where the translation goes, not at the built-in file; and it
// does not ask for messages its pages never show (the UK's silent-call
// and text-registration advice, a tag its helplines never carry).
func TestI18nDeploymentTextsWarnings(t *testing.T) {
	clearServeEnv(t)
	_, cfg, texts := writeNewCountry(t)
	os.WriteFile(filepath.Join(texts, "active.it.json"), []byte(`{"action.call": "Chiama"}`), 0o644)
	_, out, errOut := runCLI(t, "i18n", "--config", cfg, "--locales", texts, "--json")
	var r lang.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	shown := filepath.ToSlash(filepath.Clean(texts))
	ar := r.Language("ar")
	files := map[string]string{}
	for _, p := range ar.Problems {
		if p.ID != "" && (p.Kind == lang.KindMissing || p.Kind == lang.KindStale) {
			files[p.ID] = p.File
		}
	}
	for _, id := range []string{"rights.ie-recovery.p1", "rights.ie-recovery.p2", "helpline.kind.confidential-line", "page.intro"} {
		if files[id] != shown+"/active.ar.json" {
			t.Errorf("ar %s points at %q, want the deployment's %s/active.ar.json", id, files[id], shown)
		}
	}
	fr := r.Language("it")
	for _, id := range []string{"emergency.silent", "emergency.text", "helpline.interpreters"} {
		if slices.Contains(fr.Missing, id) {
			t.Errorf("it is asked for %s, which no page of this deployment shows", id)
		}
	}
	for _, p := range fr.Problems {
		if p.Kind == lang.KindMissing && p.File != shown+"/active.it.json" {
			t.Errorf("it %s points at %q: the deployment's Italian is in %s/active.it.json", p.ID, p.File, shown)
			break
		}
	}
}
