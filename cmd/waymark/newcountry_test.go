//go:build linux

package main

// A new country from data alone, as docs/deploy.md ("A new country or
// city") walks an NGO through it: a config and a folder of the
// deployment's own texts (--locales), with a region, a rights topic and a
// helpline kind that no Go code names, and an area with a local
// organisation. Every path that reads data is driven as a user would:
// check, i18n, serve (a real process, with SIGHUP), export and poster.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

const newCountryConfig = `default_region = "ie"
languages = ["en", "ar"]

[[regions]]
id = "ie"
title = "Travel information"
exit_url = "https://www.met.ie"
rights = ["ie-recovery"]

  [[regions.emergency]]
  number = "112"
  source = "https://www.112.ie"
  verified = 2026-11-20

  [[regions.helplines]]
  name = "Garda Confidential Line"
  kind = "confidential-line"
  call = "1800 666 111"
  free = true
  note = "hours unverified: ask the Gardai"
  source = "https://www.garda.ie"
  verified = 2026-11-20

[[areas]]
id = "cork"
name = "Cork"
names = { ar = "كورك" }

  [[areas.helplines]]
  name = "Cork Migrant Centre"
  names = { ar = "مركز كورك للمهاجرين" }
  kind = "migrant-support"
  call = "021 000 0000"
  hours = "Mon-Fri 09:30-17:00"
  source = "https://example.org/cork"
  verified = 2026-11-20

[[venues]]
code = "C0RK7"
name = "Cork Kent station (test)"
region = "ie"
area = "cork"
languages = ["en", "ar"]
`

// newCountryTexts are the deployment's own English texts: one rights
// topic, two helpline kinds, and one built-in message replaced.
var newCountryTexts = map[string]map[string]string{
	"rights.ie-recovery.title":        {"description": "Rights topic title (Ireland).", "other": "Time to recover (Ireland)"},
	"rights.ie-recovery.p1":           {"description": "Rights topic text (Ireland).", "other": "You can get 60 days to recover and think."},
	"rights.ie-recovery.p2":           {"description": "Rights topic text (Ireland).", "other": "You do not have to help the Gardai during this time."},
	"helpline.kind.confidential-line": {"description": "What a helpline does.", "other": "Tell the police something in confidence."},
	"helpline.kind.migrant-support":   {"description": "What a helpline does.", "other": "Advice for migrants in Cork."},
	"page.intro":                      {"description": "One sentence under the main heading.", "other": "You are not in trouble for reading this, in Ireland too."},
}

func writeNewCountry(t *testing.T) (dir, cfg, texts string) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "ireland.toml")
	faultWrite(t, cfg, newCountryConfig)
	texts = filepath.Join(dir, "texts")
	if err := os.Mkdir(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTexts(t, texts, newCountryTexts)
	faultWrite(t, filepath.Join(texts, "active.ar.json"), `{
  "rights.ie-recovery.title": "وقت للتعافي (أيرلندا)"
}
`)
	return dir, cfg, texts
}

func writeTexts(t *testing.T, dir string, msgs map[string]map[string]string) {
	t.Helper()
	b, err := json.MarshalIndent(msgs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	faultWrite(t, filepath.Join(dir, "active.en.json"), string(b)+"\n")
}

func TestNewCountryFromData(t *testing.T) {
	clearServeEnv(t)
	dir, cfg, texts := writeNewCountry(t)

	// check passes, and lists the unconfirmed numbers with their lines.
	code, out, errOut := runCLI(t, "check", "--config", cfg, "--locales", texts)
	if code != 0 {
		t.Fatalf("check exited %d:\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "1 regions, 1 areas, 1 venues, 2 languages: OK") {
		t.Errorf("check output:\n%s", out)
	}
	code, out, _ = runCLI(t, "check", "--config", cfg, "--locales", texts, "--strict")
	for _, want := range []string{cfg + ":11: region ie: emergency number 112", cfg + ":18: region ie: Garda Confidential Line 1800 666 111", cfg + ":33: area cork: Cork Migrant Centre 021 000 0000"} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("check --strict (exit %d) does not list %q:\n%s", code, want, out)
		}
	}

	// The translators' report covers exactly what this config's pages use.
	code, out, errOut = runCLI(t, "i18n", "--config", cfg, "--locales", texts, "--json")
	if code != 0 {
		t.Fatalf("i18n exited %d:\n%s", code, errOut)
	}
	var report struct {
		Languages []struct {
			Tag     string   `json:"tag"`
			Missing []string `json:"missing"`
			Stale   []string `json:"stale"`
		} `json:"languages"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	for _, l := range report.Languages {
		if l.Tag != "ar" {
			continue
		}
		missing := strings.Join(l.Missing, " ")
		// The deployment changed page.intro's English: the translation
		// that the binary has is stale now.
		if !slices.Contains(l.Stale, "page.intro") {
			t.Errorf("ar: page.intro is not reported stale: %v", l.Stale)
		}
		for _, want := range []string{"rights.ie-recovery.p1", "helpline.kind.migrant-support"} {
			if !strings.Contains(missing, want) {
				t.Errorf("ar: %s should be missing (the page uses it): %s", want, missing)
			}
		}
		for _, not := range []string{"rights.ie-recovery.title", "area.heading", "rights.uk-s45.p1", "helpline.kind.slavery"} {
			if strings.Contains(missing, not) {
				t.Errorf("ar: %s is reported missing, but it is translated or this config does not use it", not)
			}
		}
	}

	// serve, a real process: the page shows the new region, topic, kinds
	// and area, in English and with the Arabic names and title.
	p := faultStart(t, dir, cfg, "--locales", texts)
	_, en := faultGet(t, p.url("/C0RK7/en"))
	for _, want := range []string{
		"Time to recover (Ireland)", "You can get 60 days to recover and think.", "You do not have to help the Gardai",
		"Tell the police something in confidence.", "Garda Confidential Line", "tel:1800666111",
		"Local help in Cork", "Cork Migrant Centre", "Advice for migrants in Cork.", "tel:0210000000",
		"You are not in trouble for reading this, in Ireland too.",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("/C0RK7/en lacks %q", want)
		}
	}
	if strings.Contains(en, "hours unverified") {
		t.Error("the operator's note is on the public page")
	}
	_, ar := faultGet(t, p.url("/C0RK7/ar"))
	for _, want := range []string{"وقت للتعافي (أيرلندا)", "كورك", "مركز كورك للمهاجرين"} {
		if !strings.Contains(ar, want) {
			t.Errorf("/C0RK7/ar lacks %q", want)
		}
	}
	// The region's own page, without a venue, has no area section.
	if _, root := faultGet(t, p.url("/en")); strings.Contains(root, "Cork Migrant Centre") {
		t.Error("the region page without a venue shows the area's organisations")
	}
	if _, kiosk := faultGet(t, p.url("/C0RK7/kiosk")); !strings.Contains(kiosk, "Local help in Cork") || !strings.Contains(kiosk, "Time to recover (Ireland)") {
		t.Error("the kiosk page lacks the area or the region's rights topic")
	}
	if _, stats := faultGet(t, p.adminURL("/stats")); !strings.Contains(stats, "C0RK7") {
		t.Error("the staff statistics do not list the new venue")
	}
	_, staff := faultGet(t, p.adminURL("/numbers"))
	if !strings.Contains(staff, "hours unverified: ask the Gardai") || !strings.Contains(staff, "Cork Migrant Centre") {
		t.Error("the staff numbers page lacks the note or the area's number")
	}

	// A broken deployment text on SIGHUP keeps the site and names the
	// file and line; the fixed file is taken on the next SIGHUP.
	enFile := filepath.Join(texts, "active.en.json")
	good, _ := os.ReadFile(enFile)
	faultWrite(t, enFile, strings.Replace(string(good), `"You can get 60 days to recover and think."`, `"You can get {{.Days}} days {{if .X}}to recover{{end}}."`, 1))
	p.signal(t, syscall.SIGHUP)
	p.waitLog(t, regexp.MustCompile(`texts/active\.en\.json:\d+: message \\?"rights\.ie-recovery\.p1\\?"`), 60*time.Second) // a reload; 60 s for a loaded machine
	if _, again := faultGet(t, p.url("/C0RK7/en")); !strings.Contains(again, "You can get 60 days to recover and think.") {
		t.Error("a broken deployment text replaced the page")
	}
	faultWrite(t, enFile, strings.Replace(string(good), "60 days", "sixty days", 1))
	p.signal(t, syscall.SIGHUP)
	faultWaitBody(t, p, "/C0RK7/en", "You can get sixty days", 60*time.Second)
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("serve exited with %v", err)
	}
	faultWrite(t, enFile, string(good))

	// export and poster read the same data.
	exportDir := filepath.Join(dir, "public-export")
	if code, _, errOut := runCLI(t, "export", exportDir, "--config", cfg, "--locales", texts); code != 0 {
		t.Fatalf("export exited %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(exportDir, "C0RK7", "en", "index.html")); err != nil || !strings.Contains(string(b), "Local help in Cork") {
		t.Errorf("exported /C0RK7/en lacks the area (%v)", err)
	}
	posterFile := filepath.Join(dir, "poster.html")
	if code, _, errOut := runCLI(t, "poster", "C0RK7", "--config", cfg, "--locales", texts, "--html", "-o", posterFile, "--base-url", "https://help.example.ie"); code != 0 {
		t.Fatalf("poster exited %d: %s", code, errOut)
	}

	// Without its English text, a kind is an error naming the message and
	// the config line that uses it, in check and in serve alike.
	delete(newCountryTexts, "helpline.kind.migrant-support")
	defer func() {
		newCountryTexts["helpline.kind.migrant-support"] = map[string]string{"description": "What a helpline does.", "other": "Advice for migrants in Cork."}
	}()
	writeTexts(t, texts, newCountryTexts)
	code, out, errOut = runCLI(t, "check", "--config", cfg, "--locales", texts)
	want := cfg + `:32: helpline "Cork Migrant Centre": kind "migrant-support" has no English text: add the message "helpline.kind.migrant-support"`
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("check exited %d; want an error saying\n%s\ngot:\n%s%s", code, want, out, errOut)
	}
	code, _, errOut = runCLI(t, "serve", "--config", cfg, "--locales", texts, "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("serve exited %d; want it to refuse to start, saying\n%s\ngot:\n%s", code, want, errOut)
	}
}

// The environment variable works as the flag does.
func TestLocalesFromEnvironment(t *testing.T) {
	clearServeEnv(t)
	_, cfg, texts := writeNewCountry(t)
	t.Setenv("WAYMARK_LOCALES", texts)
	t.Setenv("WAYMARK_CONFIG", cfg)
	if code, out, errOut := runCLI(t, "check"); code != 0 || !strings.Contains(out, "1 areas") {
		t.Errorf("check with WAYMARK_LOCALES exited %d:\n%s%s", code, out, errOut)
	}
	t.Setenv("WAYMARK_LOCALES", filepath.Join(texts, "nope"))
	if code, _, errOut := runCLI(t, "check"); code != 1 || !strings.Contains(errOut, "--locales") {
		t.Errorf("a missing --locales folder: exit %d, %s", code, errOut)
	}
}

// faultWaitBody waits until a page contains want.
func faultWaitBody(t *testing.T, p *faultProc, path, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		_, body := faultGet(t, p.url(path))
		if strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not show %q within %v:\n%s", path, want, within, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDeployDocNewCountry follows docs/deploy.md, "A new country or city",
// as written: its JSON becomes texts/active.en.json, its TOML waymark.toml,
// and its check command must pass.
func TestDeployDocNewCountry(t *testing.T) {
	clearServeEnv(t)
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## A new country or city\n")
	if !ok {
		t.Fatal(`docs/deploy.md has no section "A new country or city"`)
	}
	blocks := regexp.MustCompile("(?s)```(json|toml|sh)\n(.*?)```").FindAllStringSubmatch(section, -1)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "texts"), 0o755); err != nil {
		t.Fatal(err)
	}
	var commands []string
	for _, b := range blocks {
		switch b[1] {
		case "json":
			faultWrite(t, filepath.Join(dir, "texts", "active.en.json"), b[2])
		case "toml":
			faultWrite(t, filepath.Join(dir, "waymark.toml"), b[2])
		case "sh":
			commands = append(commands, strings.TrimSpace(b[2]))
		}
	}
	// ./waymark: on a laptop the program is where section 2 built it.
	if len(commands) != 1 || !strings.HasPrefix(commands[0], "./waymark check ") {
		t.Fatalf("want one `./waymark check` command in the section, got %q", commands)
	}
	t.Chdir(dir)
	code, out, errOut := runCLI(t, strings.Fields(strings.TrimPrefix(commands[0], "./waymark "))...)
	if code != 0 || !strings.Contains(out, "1 regions, 1 areas, 1 venues") {
		t.Errorf("%s: exit %d\n%s%s", commands[0], code, out, errOut)
	}
}
