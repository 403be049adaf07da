package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
)

// TestPORoundTrip is TRANSLATING.md section 11 run as written, on a copy
// of the locales: the Arabic PO from `i18n --to-po`, one plural form of
// one message edited through translate-toolkit (pomerge, which reads and
// rewrites the whole file as Weblate's toolkit does), and back with
// `i18n --from-po --write-canonical`. That form changes; all six Arabic
// forms, every ID, description and hash, and every other file stay.
func TestPORoundTrip(t *testing.T) {
	pomerge := realtools.Need(t, "pomerge", "translate-toolkit")
	dir := copyLocales(t)
	before := readFiles(t, dir, "*")
	work := t.TempDir()
	po := filepath.Join(work, "ar.po")
	if code, _, errOut := runCLI(t, "i18n", "--locales", dir, "--to-po", po); code != 0 {
		t.Fatalf("--to-po: %s", errOut)
	}
	text, _ := os.ReadFile(po)
	for _, want := range []string{`msgctxt "exit.status"`, "msgstr[5] ", "#. Read aloud by screen readers", "#. hash: sha1-", "X-Waymark-Plural-Categories: zero one two few many other"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("ar.po lacks %q", want)
		}
	}

	// The edit: a translator's one-unit PO, merged by translate-toolkit.
	const edited = "اضغط على Shift {{.Count}} مرات أخرى للخروج"
	edit := filepath.Join(work, "edit.po")
	os.WriteFile(edit, []byte(`msgid ""
msgstr ""
"Language: ar\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\n"

msgctxt "exit.status"
msgid "Press Shift {{.Count}} more time to leave"
msgid_plural "Press Shift {{.Count}} more times to leave"
msgstr[0] "اضغط {{.Count}} مرة أخرى على Shift للخروج"
msgstr[1] "اضغط مرة واحدة أخرى على Shift للخروج"
msgstr[2] "اضغط مرتين أخريين على Shift للخروج"
msgstr[3] "`+edited+`"
msgstr[4] "اضغط {{.Count}} مرة أخرى على Shift للخروج"
msgstr[5] "اضغط {{.Count}} مرة أخرى على Shift للخروج"
`), 0o644)
	merged := filepath.Join(work, "ar.merged.po")
	realtools.Run(t, pomerge, "--progress=none", "-t", po, "-i", edit, "-o", merged)
	if m, _ := os.ReadFile(merged); !bytes.Contains(m, []byte(edited)) || !bytes.Contains(m, []byte("#. hash: sha1-")) {
		t.Fatalf("pomerge lost the edit or the hashes:\n%.2000s", m)
	}

	code, out, errOut := runCLI(t, "i18n", "--from-po", merged, "--write-canonical", dir, "--json")
	if code != 0 {
		t.Fatalf("--from-po: exit %d\n%s", code, errOut)
	}
	after := readFiles(t, dir, "*")
	for name, b := range before {
		if name != "active.ar.json" && !bytes.Equal(after[name], b) {
			t.Errorf("%s changed", name)
		}
	}
	var old, now map[string]map[string]string
	json.Unmarshal(before["active.ar.json"], &old)
	json.Unmarshal(after["active.ar.json"], &now)
	if len(now) != len(old) {
		t.Errorf("%d Arabic messages after, %d before", len(now), len(old))
	}
	for id, m := range old {
		want := m
		if id == "exit.status" {
			want = map[string]string{}
			for k, v := range m {
				want[k] = v
			}
			want["few"] = edited
		}
		if !mapsEqual(now[id], want) {
			t.Errorf("ar %s after the round trip:\n%v\nwant\n%v", id, now[id], want)
		}
	}
	if forms := now["exit.status"]; len(forms) != 8 { // six forms, a description, a hash
		t.Errorf("exit.status has %d keys, want all six Arabic forms with description and hash: %v", len(forms), forms)
	}

	// The report after writing is of the files as written: the edit is
	// in, and the stale messages are still stale.
	var r lang.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	_, outBefore, _ := runCLI(t, "i18n", "--json")
	var rb lang.Report
	json.Unmarshal([]byte(outBefore), &rb)
	if ar, arb := r.Language("ar"), rb.Language("ar"); ar == nil || !slices.Equal(ar.Stale, arb.Stale) || len(ar.NoHash) != 0 {
		t.Errorf("ar after the round trip: stale %v (before %v), %d without hash", ar.Stale, arb.Stale, len(ar.NoHash))
	}

	// A unit the tool marked fuzzy is a guess: the file keeps its text.
	fuzzy := strings.Replace(string(text), "msgctxt \"action.call\"", "#, fuzzy\nmsgctxt \"action.call\"", 1)
	fuzzy = strings.Replace(fuzzy, "msgstr \"اتصل\"", "msgstr \"guess\"", 1)
	if !strings.Contains(fuzzy, "#, fuzzy\nmsgctxt \"action.call\"\nmsgid \"Call\"\nmsgstr \"guess\"") {
		t.Fatalf("the fuzzy unit was not made:\n%.600s", fuzzy)
	}
	os.WriteFile(po, []byte(fuzzy), 0o644)
	if code, _, errOut := runCLI(t, "i18n", "--from-po", po, "--write-canonical", dir); code != 0 {
		t.Fatal(errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "active.ar.json")); bytes.Contains(b, []byte("guess")) {
		t.Error("a fuzzy unit's text went into the locale file")
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
