package main

import (
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/stats"
)

// scansIn writes scan counts into a new data folder: n scans of each code
// on the day back days before today.
func scansIn(t *testing.T, counts map[string][2]int) string {
	dir := t.TempDir()
	st, err := stats.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for code, c := range counts {
		for range c[1] {
			st.Inc(code, now.AddDate(0, 0, -c[0]))
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestStatsTodayOnly: with scans counted today and no day over yet, the
// table says why it is empty rather than "No scans recorded."; and it
// says the same with no scan today, so it dates nothing.
func TestStatsTodayOnly(t *testing.T) {
	for _, n := range []int{3, 0} {
		dir := scansIn(t, map[string][2]int{"K7Q2M": {0, n}})
		code, out, errOut := runCLI(t, "stats", "--data-dir", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if strings.Contains(out, "No scans recorded") || !strings.Contains(out, "shown once the day is over") {
			t.Errorf("%d scans today: stats says\n%s", n, out)
		}
	}
}

// TestStatsQuiet is the "done when": the quiet-posters report
// lists a venue with no scans over 28 completed days, and lists one with
// 1 to 4 in exactly the same way.
func TestStatsQuiet(t *testing.T) {
	dir := scansIn(t, map[string][2]int{
		"K7Q2M": {1, 12},  // busy
		"R4T8W": {3, 4},   // 4 scans: reads as none
		"N3VB7": {0, 40},  // today only: not over
		"H9XD2": {30, 40}, // before the window
	})
	code, out, errOut := runCLI(t, "stats", "--data-dir", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "5 of 6 venues show fewer than 5 scans in the 28 completed days") {
		t.Errorf("summary:\n%s", out)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && len(f[0]) == 5 {
			lines[f[0]] = l
		}
	}
	for _, c := range []string{"R4T8W", "N3VB7", "H9XD2", "S5FJ3", "B3RN4"} {
		if lines[c] == "" {
			t.Errorf("%s not listed as quiet:\n%s", c, out)
		}
	}
	if lines["K7Q2M"] != "" {
		t.Errorf("K7Q2M, with 12 scans yesterday, listed as quiet")
	}
	// 4 scans and none read alike: the same columns, no count.
	if !strings.HasPrefix(lines["R4T8W"], "R4T8W  uk") || !strings.HasPrefix(lines["S5FJ3"], "S5FJ3  us") || strings.ContainsAny(lines["R4T8W"][5:12], "01234") {
		t.Errorf("quiet lines differ in form:\n%q\n%q", lines["R4T8W"], lines["S5FJ3"])
	}

	// A window of its own, given as `--quiet 2`: K7Q2M's day is inside
	// and R4T8W's (three days back) is not.
	_, out, _ = runCLI(t, "stats", "--data-dir", dir, "--quiet", "2")
	if !strings.Contains(out, "in the 2 completed days") || strings.Contains(out, "\nK7Q2M") || !strings.Contains(out, "\nR4T8W") {
		t.Errorf("--quiet 2:\n%s", out)
	}
	if code, _, _ := runCLI(t, "stats", "--data-dir", dir, "--quiet", "400"); code == 0 {
		t.Error("--quiet 400 accepted")
	}
}
