//go:build linux

package main

// France as data alone (issue 21): a text-only emergency number with its
// conditions, labelled numbers, lines whose sharing is known or not, and
// a tear-off strip line the config chose, where the first line listed is
// the children's line. No Go code names any of it: check, serve and a
// printed poster must all take it as written.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/internal/realtools"
)

const franceConfig = `default_region = "fr"
languages = ["en", "ar"]

[[regions]]
id = "fr"
title = "Informations voyageurs"
exit_url = "https://meteofrance.com"
rights = []

  [[regions.emergency]]
  number = "17"
  label = "police"
  source = "https://www.service-public.fr"
  verified = 2026-12-01

  [[regions.emergency]]
  number = "112"
  source = "https://www.service-public.fr"
  verified = 2026-12-01

  [[regions.emergency]]
  number = "114"
  text_only = true
  conditions = "deaf"
  source = "https://www.info.urgence114.fr"
  verified = 2026-12-01

  # Listed first, but not the strips' line: it is for children.
  [[regions.helplines]]
  name = "Allo Enfance en Danger"
  kind = "children-fr"
  audience = "children"
  call = "119"
  hours = "24/7"
  free = true
  source = "https://www.allo119.gouv.fr"
  verified = 2026-12-01

  [[regions.helplines]]
  name = "France Victimes"
  kind = "victims-fr"
  strip = true
  hours = "24/7"
  source = "https://www.france-victimes.fr"
  verified = 2026-12-01

    [[regions.helplines.channels]]
    type = "call"
    number = "116 006"
    cost = "free"
    interpreter = true

  [[regions.helplines]]
  name = "Violences Femmes Info"
  kind = "women"
  shares = "none"
  call = "3919"
  hours = "24/7"
  free = true
  source = "https://arretonslesviolences.gouv.fr"
  verified = 2026-12-01

[[venues]]
code = "P4R1S"
name = "Gare du Nord (test)"
region = "fr"
languages = ["en", "ar"]
`

var franceTexts = map[string]map[string]string{
	"helpline.kind.children-fr": {"description": "What a helpline does.", "other": "For children in danger, and adults worried about a child."},
	"helpline.kind.victims-fr":  {"description": "What a helpline does.", "other": "Help for victims of crime."},
}

func TestFranceFromData(t *testing.T) {
	clearServeEnv(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "france.toml")
	faultWrite(t, cfg, franceConfig)
	texts := filepath.Join(dir, "texts")
	if err := os.Mkdir(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTexts(t, texts, franceTexts)

	if code, out, errOut := runCLI(t, "check", "--config", cfg, "--locales", texts); code != 0 || !strings.Contains(out, "1 regions, 0 areas, 1 venues") {
		t.Fatalf("check exited %d:\n%s%s", code, out, errOut)
	}
	// Without its conditions, a text-only number is refused at its line.
	bad := filepath.Join(dir, "bad.toml")
	faultWrite(t, bad, strings.Replace(franceConfig, "  conditions = \"deaf\"\n", "", 1))
	if code, _, errOut := runCLI(t, "check", "--config", bad, "--locales", texts); code != 1 || !strings.Contains(errOut, bad+`:23: region "fr": emergency number "114": text_only needs conditions`) {
		t.Errorf("text_only without conditions: exit %d\n%s", code, errOut)
	}

	p := faultStart(t, dir, cfg, "--locales", texts)
	_, en := faultGet(t, p.url("/P4R1S/en"))
	for _, want := range []string{
		`href="sms:114"`, "if you are deaf, hard of hearing or have a speech disability.",
		`href="tel:17"`, "<small>Police</small>", `href="tel:112"`,
		// Confidential only over the line whose data says so.
		"Confidential support", "Violences Femmes Info",
		// Unknown sharing: ask first; channel detail from the data.
		"Other helplines", "Ask them first who they share information with.", "Interpreter on request",
		`href="tel:116006"`, `href="tel:119"`,
	} {
		if !strings.Contains(en, want) {
			t.Errorf("/P4R1S/en lacks %q", want)
		}
	}
	if strings.Contains(en, `href="tel:114"`) {
		t.Error("the text-only 114 has a call button")
	}
	if i, j := strings.Index(en, "Confidential support"), strings.Index(en, "Allo Enfance en Danger"); i < 0 || j < i {
		t.Error("the confidential line does not come first")
	}
	// Arabic: the same numbers; English stands in for texts not translated.
	if _, ar := faultGet(t, p.url("/P4R1S/ar")); !strings.Contains(ar, `href="sms:114"`) || !strings.Contains(ar, "116 006") {
		t.Error("/P4R1S/ar lacks the text-only 114 or the strip line")
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("serve exited with %v", err)
	}

	// The poster's strips carry the chosen line, not the first one listed.
	html := filepath.Join(dir, "poster.html")
	if code, _, errOut := runCLI(t, "poster", "P4R1S", "--config", cfg, "--locales", texts, "--html", "-o", html, "--base-url", "https://help.example.fr"); code != 0 {
		t.Fatalf("poster --html exited %d: %s", code, errOut)
	}
	b, _ := os.ReadFile(html)
	if n := strings.Count(string(b), ">116 006</bdi>"); n < 5 || strings.Contains(string(b), ">119</bdi>") {
		t.Errorf("the strips carry 116 006 %d times, or 119: the strip line is not the chosen one", n)
	}
	if _, err := browser.Find(); err != nil {
		t.Fatalf("%v (Debian package chromium): the poster is printed as a PDF", err)
	}
	pdftotext := realtools.Need(t, "pdftotext", "poppler-utils")
	pdf := filepath.Join(dir, "poster.pdf")
	if code, _, errOut := runCLI(t, "poster", "P4R1S", "--config", cfg, "--locales", texts, "--size", "A5", "-o", pdf, "--base-url", "https://help.example.fr"); code != 0 {
		t.Fatalf("poster exited %d: %s", code, errOut)
	}
	text := realtools.Run(t, pdftotext, "-enc", "UTF-8", pdf, "-")
	if !strings.Contains(text, "116 006") || !strings.Contains(text, "help.example.fr/P4R1S") {
		t.Errorf("the printed poster lacks the strip line or the address:\n%s", text)
	}
	if strings.Contains(text, "119") {
		t.Error("the printed poster carries the children's line 119")
	}
}
