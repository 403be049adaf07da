package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/assets"
	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/browser"
	"github.com/waymark/waymark/handlers"
	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
	"github.com/waymark/waymark/pages"
	"github.com/waymark/waymark/site"
)

// speech makes a WAV a volunteer's phone might give: silence, a tone of
// the given length, silence.
func speech(t *testing.T, seconds float64) string {
	t.Helper()
	ffmpeg := realtools.Need(t, "ffmpeg", "ffmpeg")
	out := filepath.Join(t.TempDir(), "take.wav")
	realtools.Run(t, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
		"sine=frequency=220:sample_rate=44100:duration="+strconv.FormatFloat(seconds, 'f', 2, 64)+",volume=0.3,adelay=1200,apad=pad_dur=1.5",
		"-ac", "2", out)
	return out
}

// TestAudioImportWithinBudget: the import trims the silence, encodes
// within 150 KB a minute and writes a manifest entry that is current.
func TestAudioImportWithinBudget(t *testing.T) {
	dir := t.TempDir()
	take := speech(t, 12)
	code, out, errOut := runCLI(t, "audio", "import", take, "--lang", "ti", "--section", "emergency", "--locales", dir, "--by", "Test")
	if code != 0 {
		t.Fatalf("audio import: exit %d\n%s\n%s", code, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "audio", "ti", "emergency.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := audio.ParseMP3(data)
	if err != nil {
		t.Fatal(err)
	}
	if perMin := float64(len(data)) / info.Duration.Minutes(); perMin > audio.MaxBytesPerMinute {
		t.Errorf("%d bytes for %s: %.0f bytes a minute, over the budget", len(data), info.Duration, perMin)
	}
	if info.Channels != 1 {
		t.Errorf("%d channels, want mono", info.Channels)
	}
	// 1.2 s and 1.5 s of silence around 12 s of sound: trimmed.
	if d := info.Duration.Seconds(); d < 11.8 || d > 12.6 {
		t.Errorf("duration %.2f s, want about 12 (silence trimmed)", d)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "audio", "ti", audio.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := audio.ReadManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	e := entries["emergency"]
	if e.Status != audio.StatusDraft || e.By != "Test" || e.File != "emergency.mp3" || !strings.HasPrefix(e.Text, "sha1-") {
		t.Errorf("manifest entry %+v", e)
	}
	// The script prints the hash the import recorded.
	_, script, _ := runCLI(t, "audio", "script", "--lang", "ti", "--section", "emergency", "--locales", dir)
	if !strings.Contains(script, e.Text) {
		t.Errorf("audio script does not show the recorded hash %s:\n%s", e.Text, script)
	}
	// A bad section is refused with the list of good ones.
	code, _, errOut = runCLI(t, "audio", "import", take, "--lang", "ti", "--section", "nope", "--locales", dir)
	if code == 0 || !strings.Contains(errOut, "signs") {
		t.Errorf("--section nope: exit %d, %s", code, errOut)
	}
}

// TestAudioImportPlaysInChromium: what the import writes plays in real
// Chromium from the real router, for the length of the sound imported.
func TestAudioImportPlaysInChromium(t *testing.T) {
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	const seconds = 9.0
	if code, out, errOut := runCLI(t, "audio", "import", speech(t, seconds), "--lang", "en", "--section", "signs", "--locales", dir); code != 0 {
		t.Fatalf("audio import: exit %d\n%s\n%s", code, out, errOut)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), LocalesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handlers.PublicRouter(handlers.NewPublic(s, handlers.PublicOptions{})))
	defer srv.Close()

	bctx, cancel, err := browser.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(bctx)
	defer cancelTab()
	ctx, cancelTime := context.WithTimeout(ctx, 30*time.Second)
	defer cancelTime()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/K7Q2M/en")); err != nil {
		t.Fatal(err)
	}
	// Load the metadata the way a press on play does, and read what the
	// browser's own demuxer says the length is.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(ok => {
  const a = document.querySelector("#l-signs ~ audio");
  if (!a) return ok("no control");
  a.addEventListener("loadedmetadata", () => ok(a.src + " " + a.duration));
  a.addEventListener("error", () => ok("error " + (a.error && a.error.code)));
  a.load();
})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	src, durS, _ := strings.Cut(got, " ")
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(srv.URL) + `/audio/en/signs\.[0-9a-f]{10}\.mp3$`).MatchString(src) {
		t.Fatalf("Chromium: %s", got)
	}
	dur, err := strconv.ParseFloat(durS, 64)
	if err != nil {
		t.Fatalf("Chromium: %s", got)
	}
	if dur < seconds-0.2 || dur > seconds+0.6 {
		t.Errorf("Chromium plays %.2f s, want about %.1f s (the sound imported, its silence trimmed)", dur, seconds)
	}
	// The validator's own reading of the frames agrees with the browser.
	info, err := audio.ParseMP3(mustRead(t, filepath.Join(dir, "audio", "en", "signs.mp3")))
	if err != nil {
		t.Fatal(err)
	}
	if d := dur - info.Duration.Seconds(); d < -0.02 || d > 0.02 {
		t.Errorf("Chromium plays %.3f s, ParseMP3 counts %s", dur, info.Duration)
	}
	t.Logf("Chromium: HTMLMediaElement.duration = %.3f s for %.1f s of sound; ParseMP3 %s", dur, seconds, info.Duration)
}

// TestAudioI18nReportsMissingStaleBroken plants a stale and a broken
// recording in a deployment's texts and leaves sections unrecorded: the
// report names each, with file and fix, and the broken one refuses the
// data like a broken translation, on check as on serve.
func TestAudioI18nReportsMissingStaleBroken(t *testing.T) {
	t.Setenv("WAYMARK_LOCALES", "")
	dir := t.TempDir()
	take := speech(t, 3)
	for _, sec := range []string{"emergency", "helplines"} {
		if code, out, errOut := runCLI(t, "audio", "import", take, "--lang", "es", "--section", sec, "--locales", dir); code != 0 {
			t.Fatalf("audio import %s: exit %d\n%s\n%s", sec, code, out, errOut)
		}
	}
	if code, out, errOut := runCLI(t, "i18n", "--locales", dir); code != 0 {
		t.Fatalf("i18n with two good recordings: exit %d\n%s\n%s", code, out, errOut)
	}

	// Stale: the deployment corrects the Spanish text after the recording.
	cat, err := lang.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	en, _ := cat.Locale("en")
	m := en.Messages["helplines.heading"]
	writeJSON(t, filepath.Join(dir, "active.es.json"), map[string]map[string]string{
		"helplines.heading": {"hash": lang.Hash(m.Desc, m.Forms["other"]), "other": "Habla con una persona"}})
	// Broken: a WAV saved under the name of an MP3.
	if err := os.WriteFile(filepath.Join(dir, "audio", "es", "signs.mp3"), mustRead(t, take), 0o644); err != nil {
		t.Fatal(err)
	}
	mf := filepath.Join(dir, "audio", "es", audio.ManifestName)
	old := mustRead(t, mf)
	if err := os.WriteFile(mf, append(old, "\n[\"signs\"]\nfile = \"signs.mp3\"\ntext = \"sha1-0\"\nstatus = \"draft\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, _ := runCLI(t, "i18n", "--locales", dir)
	if code == 0 {
		t.Errorf("i18n exit 0 with a broken recording")
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^  ERROR +` + regexp.QuoteMeta(filepath.Join(dir, "audio/es/signs.mp3")) + `: recording of section "signs" \(.*manifest.toml:\d+\): not a playable MP3 file \(a WAV file, not MP3\): import it with ` + "`waymark audio import`"),
		regexp.MustCompile(`(?m)^  warning +` + regexp.QuoteMeta(filepath.Join(dir, "audio/es/helplines.mp3")) + `: recording of section "helplines": the text changed since .*waymark audio script --lang es --section helplines`),
		regexp.MustCompile(`(?m)^  note +audio/es/manifest.toml: no recording of \d+ of \d+ sections \(report, .*\)`),
		regexp.MustCompile(`(?m)^  note +` + regexp.QuoteMeta(filepath.Join(dir, "audio/es/emergency.mp3")) + `: a draft recording`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the report lacks %s\n%s", want, grepLines(out, "audio"))
		}
	}
	if strings.Contains(grepLines(out, "emergency.mp3"), "stale") || strings.Contains(grepLines(out, "emergency.mp3"), "ERROR") {
		t.Errorf("the current emergency recording is reported as a problem:\n%s", grepLines(out, "emergency.mp3"))
	}

	// JSON: each kind once for es.
	_, js, _ := runCLI(t, "i18n", "--json", "--locales", dir)
	var r lang.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range r.Language("es").Problems {
		kinds[p.Kind]++
	}
	for _, k := range []string{audio.KindBroken, audio.KindStale, audio.KindMissing} {
		if kinds[k] != 1 {
			t.Errorf("es: %d problems of kind %s, want 1 (kinds: %v)", kinds[k], k, kinds)
		}
	}

	// The broken recording refuses the data on every path that loads it.
	code, _, errOut := runCLI(t, "check", "--locales", dir)
	if code == 0 || !strings.Contains(errOut, "signs.mp3") {
		t.Errorf("check with a broken recording: exit %d, %s", code, errOut)
	}
	_, err = pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), LocalesDir: dir})
	var rerr pages.ReportError
	if !errors.As(err, &rerr) || !strings.Contains(err.Error(), "signs.mp3") {
		t.Errorf("pages.Load with a broken recording: %v", err)
	}
	// The stale recording is not offered; the current one is.
	if err := os.WriteFile(mf, old, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := pages.Load(pages.Sources{Locales: locales.FS(), Assets: assets.FS(), LocalesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Join(s.AudioPaths(), " ")
	if !strings.Contains(paths, "/audio/es/emergency.") || strings.Contains(paths, "/audio/es/helplines.") {
		t.Errorf("offered recordings %s: want es emergency and not the stale es helplines", paths)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var audioSrcRE = regexp.MustCompile(`/audio/es/emergency\.[0-9a-f]{10}\.mp3`)

// TestAudioReloadKeepsSiteOnBrokenRecording: a real `waymark serve` with a
// deployment's recording. A recording broken on disk and SIGHUP: the error
// names the file, and the running site keeps the old recording; a new take
// and SIGHUP: the page offers it under a new name and the old name 404s.
func TestAudioReloadKeepsSiteOnBrokenRecording(t *testing.T) {
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	if err := os.Mkdir(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	importTake := func(seconds float64) {
		t.Helper()
		if code, out, errOut := runCLI(t, "audio", "import", speech(t, seconds), "--lang", "es", "--section", "emergency", "--locales", texts); code != 0 {
			t.Fatalf("audio import: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	importTake(2)
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg, "--locales", texts)
	src := func() string {
		_, page := faultGet(t, p.url("/K7Q2M/es"))
		return audioSrcRE.FindString(page)
	}
	first := src()
	if first == "" {
		t.Fatal("the Spanish page offers no emergency recording")
	}
	code, good := faultGet(t, p.url(first))
	if code != 200 || len(good) < 1000 {
		t.Fatalf("%s: %d, %d bytes", first, code, len(good))
	}

	mp3 := filepath.Join(texts, "audio", "es", "emergency.mp3")
	faultWrite(t, mp3, "not an mp3")
	p.signal(t, syscall.SIGHUP)
	p.waitLog(t, regexp.MustCompile(`texts/audio/es/emergency\.mp3: recording of section \\?"emergency\\?"`), 60*time.Second) // a reload; 60 s for a loaded machine
	if got := src(); got != first {
		t.Errorf("after a broken reload the page offers %q, want the old %q", got, first)
	}
	if code, body := faultGet(t, p.url(first)); code != 200 || body != good {
		t.Errorf("after a broken reload %s: %d, %d bytes; want the old recording", first, code, len(body))
	}

	importTake(3)
	p.signal(t, syscall.SIGHUP)
	var second string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if second = src(); second != first {
			break
		}
	}
	if second == first || second == "" {
		t.Fatalf("after the new take the page offers %q (was %q)", second, first)
	}
	if code, _ := faultGet(t, p.url(first)); code != 404 {
		t.Errorf("the old recording's name answers %d, want 404", code)
	}
	if code, _ := faultGet(t, p.url(second)); code != 200 {
		t.Errorf("the new recording answers %d", code)
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("serve exited with %v", err)
	}
}

// TestAudioSaysTheRegionsNumber: a person who cannot read hears the
// emergency number. A real `waymark serve`: the Arabic emergency recording
// of the UK page decodes (ffmpeg) to the section plus the digits of 999
// and 112; after the config's number changes and SIGHUP, the page offers a
// new file that says the new number and lasts longer by its extra digits.
func TestAudioSaysTheRegionsNumber(t *testing.T) {
	dir := t.TempDir()
	cfg := faultConfig(t, dir, func(s string) string { return s })
	p := faultStart(t, dir, cfg)
	srcRE := regexp.MustCompile(`/audio/ar/emergency\.[0-9a-f]{10}\.mp3`)
	// try fetches the page and its recording; false when a reload came
	// between the two (the page's recording is then the old site's).
	try := func() (string, []byte, bool) {
		t.Helper()
		_, page := faultGet(t, p.url("/K7Q2M/ar"))
		src := srcRE.FindString(page)
		if src == "" {
			t.Fatal("the Arabic page offers no emergency recording")
		}
		code, body := faultGet(t, p.url(src))
		return src, []byte(body), code == 200
	}
	fetch := func() (string, []byte) {
		t.Helper()
		src, body, ok := try()
		if !ok {
			t.Fatalf("%s: not served", src)
		}
		return src, body
	}
	set, err := audio.Load(lang.Layer{FS: locales.FS(), Name: "locales"})
	if err != nil {
		t.Fatal(err)
	}
	digit := func(d int) []byte {
		f, err := audio.Frames(set.Get("ar", audio.DigitKey(d)).Data)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	says := func(body []byte, digits string) {
		t.Helper()
		rest := body
		for _, d := range digits {
			i := bytes.Index(rest, digit(int(d-'0')))
			if i < 0 {
				t.Fatalf("the recording does not go on to say %s (digit %c missing after what it said before)", digits, d)
			}
			rest = rest[i+len(digit(int(d-'0'))):]
		}
	}
	alone := decodedSeconds(t, set.Get("ar", "emergency").Data)
	src1, body1 := fetch()
	says(body1, "999112")
	d1 := decodedSeconds(t, body1)
	var digits float64
	for _, d := range "999112" {
		digits += decodedSeconds(t, set.Get("ar", audio.DigitKey(int(d-'0'))).Data)
	}
	if d1 < alone+digits {
		t.Errorf("the recording lasts %.2f s: the section alone %.2f s plus the digits of 999 and 112 (%.2f s) would be more", d1, alone, digits)
	}

	// The region's second emergency number changes in the config.
	faultWrite(t, cfg, strings.Replace(string(site.DemoTOML()), `number = "112"`, `number = "11200"`, 1))
	p.signal(t, syscall.SIGHUP)
	var src2 string
	var body2 []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var ok bool
		if src2, body2, ok = try(); ok && src2 != src1 {
			break
		}
	}
	if src2 == src1 {
		t.Fatal("after the number changed, the page still offers the same recording")
	}
	says(body2, "99911200")
	if d2 := decodedSeconds(t, body2); d2 < d1+2*decodedSeconds(t, set.Get("ar", audio.DigitKey(0)).Data) {
		t.Errorf("with two more digits the recording lasts %.2f s, before %.2f s", d2, d1)
	}
	if code, _ := faultGet(t, p.url(src1)); code != 404 {
		t.Errorf("the old number's recording answers %d, want 404", code)
	}
	if err := p.stop(t, 10*time.Second); err != nil {
		t.Errorf("serve exited with %v", err)
	}
}

// decodedSeconds is the decoded length in seconds.
func decodedSeconds(t *testing.T, data []byte) float64 {
	return realtools.DecodedDuration(t, data).Seconds()
}
