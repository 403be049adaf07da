package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark/waymark/site"
)

// campaignSheet is a field team's sheet of n venues with mixed regions,
// areas, languages and paper sizes, as a spreadsheet saves it.
func campaignSheet(n int) []byte {
	rnd := rand.New(rand.NewPCG(24, 24))
	regions := []struct{ id, area string }{{"uk", "london"}, {"uk", ""}, {"nl", ""}, {"us", ""}, {"de", ""}}
	langs := []string{"en", "nl", "ar", "pl", "ro", "es", "uk", "zh-Hans", "vi", "ti"}
	papers := []string{"A5", "a4", "A3", ""}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"Own ID", "Name", "Region", "Area", "Languages", "Paper size", "Copies"})
	for i := range n {
		r := regions[rnd.IntN(len(regions))]
		perm := rnd.Perm(len(langs))[:1+rnd.IntN(4)]
		var ls []string
		for _, p := range perm {
			ls = append(ls, langs[p])
		}
		copies := ""
		if i%3 == 0 {
			copies = fmt.Sprint(1 + rnd.IntN(5))
		}
		w.Write([]string{fmt.Sprintf("FR-%03d", i), fmt.Sprintf("Venue %d, \"hall\" %c", i, 'A'+i%26), r.id, r.area, strings.Join(ls, ", "), papers[rnd.IntN(len(papers))], copies})
	}
	w.Flush()
	return b.Bytes()
}

// TestVenuesImport500 is the "done when": a 500-row sheet imports
// into a copy of the demo config in one command, which keeps the demo's
// own text byte for byte; check passes; the same import again changes
// nothing; venues export gives the rows back with their codes.
func TestVenuesImport500(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "waymark.toml")
	if err := os.WriteFile(cfg, site.DemoTOML(), 0o600); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "venues.csv")
	os.WriteFile(sheet, campaignSheet(500), 0o600)

	code, out, errOut := runCLI(t, "venues", "import", sheet, "--config", cfg)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "500 added, 0 updated, 0 unchanged, 0 refused") {
		t.Errorf("summary: %s", out)
	}
	after, _ := os.ReadFile(cfg)
	if !bytes.HasPrefix(after, bytes.TrimRight(site.DemoTOML(), "\n")) {
		t.Error("the import changed the demo's own text (comments, order): it must only append")
	}
	if code, out, errOut := runCLI(t, "check", "--config", cfg); code != 0 || !strings.Contains(out, "506 venues") {
		t.Fatalf("check after import: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, "venues", "import", sheet, "--config", cfg)
	if code != 0 || !strings.Contains(out, "0 added, 0 updated, 500 unchanged, 0 refused") {
		t.Errorf("second import: exit %d\n%s\n%s", code, out, errOut)
	}
	again, _ := os.ReadFile(cfg)
	if !bytes.Equal(after, again) {
		t.Error("importing the same sheet again changed the config")
	}

	code, out, errOut = runCLI(t, "venues", "export", "--config", cfg, "--base-url", "https://help.example.org")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+506 {
		t.Fatalf("export has %d rows, want a header and 506", len(rows))
	}
	in, _ := csv.NewReader(bytes.NewReader(campaignSheet(500))).ReadAll()
	codeRE := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}$`)
	seen := map[string]bool{}
	for i, r := range rows[7:] {
		src := in[1+i]
		if r[1] != src[0] || r[2] != src[1] || r[3] != src[2] || r[4] != src[3] {
			t.Errorf("export row %d = %q, from sheet row %q", i+8, r, src)
		}
		if !codeRE.MatchString(r[0]) || seen[r[0]] {
			t.Errorf("export row %d: code %q: want five characters of the code alphabet, each once", i+8, r[0])
		}
		seen[r[0]] = true
		if site.SpellsWord(r[0]) {
			t.Errorf("code %q spells a blocked word", r[0])
		}
		if r[8] != "https://help.example.org/"+r[0] {
			t.Errorf("poster address %q for %s", r[8], r[0])
		}
	}

	// The export, edited and imported back, is matched by code: a name
	// corrected in the sheet keeps its venue and code.
	rows[10][2] = "Renamed venue"
	rows[11][6] = map[string]string{"A5": "A3"}[rows[11][6]]
	if rows[11][6] == "" {
		rows[11][6] = "A5"
	}
	var b bytes.Buffer
	csv.NewWriter(&b).WriteAll(rows)
	os.WriteFile(sheet, b.Bytes(), 0o600)
	code, out, errOut = runCLI(t, "venues", "import", sheet, "--config", cfg)
	if code != 0 || !strings.Contains(out, "0 added, 2 updated, 504 unchanged, 0 refused") {
		t.Errorf("import of the edited export: exit %d\n%s\n%s", code, out, errOut)
	}
	_, out, _ = runCLI(t, "venues", "--config", cfg)
	if !strings.Contains(out, rows[10][0]+"\t"+rows[10][3]) || !strings.Contains(out, "Renamed venue") {
		t.Errorf("renamed venue lost its code:\n%s", out)
	}
}

// TestVenuesImportRefuses: bad rows are refused with their row number and
// column, the others still go in, and the config is never left invalid.
func TestVenuesImportRefuses(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "waymark.toml")
	os.WriteFile(cfg, site.DemoTOML(), 0o600)
	sheet := filepath.Join(dir, "venues.tsv")
	os.WriteFile(sheet, []byte("name\tregion\tarea\tlanguages\tpaper size\tcopies\n"+
		"Gare du Nord\tuk\t\ten, ar\tA3\t2\n"+
		"Lille Europe\tfr\t\ten\t\t\n"+ // row 3: no region fr
		"Calais port\tuk\tcalais\ten\t\t\n"+ // row 4: no area calais
		"Dover\tuk\t\ten, xx\t\t\n"+ // row 5: no language xx
		"Folkestone\tuk\t\ten\tB5\t\n"+ // row 6: paper
		"Ashford\tuk\t\ten\t\tmany\n"+ // row 7: copies
		"Gare du Nord\tuk\t\ten\t\t\n"), 0o600) // row 8: same as row 2
	code, out, errOut := runCLI(t, "venues", "import", sheet, "--config", cfg)
	if code != 1 {
		t.Errorf("exit %d, want 1 for refused rows", code)
	}
	for _, want := range []string{
		"row 3, column region: region \"fr\" is not defined",
		"row 4, column area: area \"calais\" is not defined",
		"row 5, column languages: language \"xx\"",
		"row 6, column paper size: paper size \"B5\"",
		"row 7, column copies: copies \"many\"",
		"row 8: the same venue as row 2",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("no %q in:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "1 added, 0 updated, 0 unchanged, 6 refused") {
		t.Errorf("summary: %s", out)
	}
	if code, out, errOut := runCLI(t, "check", "--config", cfg); code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, errOut)
	}
	_, out, _ = runCLI(t, "venues", "--config", cfg)
	if !strings.Contains(out, "\tuk\ten,ar\tGare du Nord\n") {
		t.Errorf("Gare du Nord not imported:\n%s", out)
	}
}

// TestVenuesImportInPlace: an update rewrites only the settings that
// changed, keeping comments on their lines and everything else as it was;
// settings the venue lacked are added to its own block.
func TestVenuesImportInPlace(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "waymark.toml")
	demo := string(site.DemoTOML())
	text := strings.Replace(demo, `code = "R4T8W"
name = "Birmingham New Street, toilets by platform 5 (demo)"`, `code = "R4T8W"
name = "Birmingham New Street, toilets by platform 5 (demo)"   # the station manager agreed in May`, 1)
	text = strings.Replace(text, "[[venues]]\ncode = \"N3VB7\"", "# Dutch stations\n[[venues]]\ncode = \"N3VB7\"", 1)
	os.WriteFile(cfg, []byte(text), 0o600)
	sheet := filepath.Join(dir, "venues.csv")
	os.WriteFile(sheet, []byte("code;name;region;languages;paper size;copies\n"+
		"R4T8W;Birmingham New Street, platform 5;uk;en, ro, pl, ar;A5;3\n"), 0o600)
	code, out, errOut := runCLI(t, "venues", "import", sheet, "--config", cfg)
	if code != 0 || !strings.Contains(out, "0 added, 1 updated") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	got, _ := os.ReadFile(cfg)
	want := strings.Replace(text, `name = "Birmingham New Street, toilets by platform 5 (demo)"   # the station manager agreed in May
region = "uk"
languages = ["en", "ro", "pl", "ar"]
`, `name = "Birmingham New Street, platform 5"   # the station manager agreed in May
region = "uk"
languages = ["en", "ro", "pl", "ar"]
paper = "A5"
copies = 3
`, 1)
	if string(got) != want {
		t.Errorf("config after the import:\n%s\nwant:\n%s", got, want)
	}
}

// TestFolderName: a region or area ID never leads a print run outside
// its folder.
func TestFolderName(t *testing.T) {
	for in, want := range map[string]string{"uk": "uk", "north-east": "north-east", "../etc": "___etc", "a/b": "a_b", "": "_"} {
		if got := folderName(in); got != want {
			t.Errorf("folderName(%q) = %q, want %q", in, got, want)
		}
	}
}
