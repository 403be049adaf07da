package audio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// encode makes an MP3 of a tone with ffmpeg, as a phone's recording
// would arrive after import or as a careless export would.
func encode(t *testing.T, seconds float64, args ...string) []byte {
	t.Helper()
	ffmpeg := realtools.Need(t, "ffmpeg", "ffmpeg")
	out := filepath.Join(t.TempDir(), "a.mp3")
	cmd := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
		"sine=frequency=440:duration=" + strconv.FormatFloat(seconds, 'f', 3, 64)}
	realtools.Run(t, ffmpeg, append(append(cmd, args...), "-c:a", "libmp3lame", out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ffprobeFrames is the number of audio frames ffprobe counts, to check
// ParseMP3 against a demuxer that is not ours.
func ffprobeFrames(t *testing.T, data []byte) int {
	t.Helper()
	ffprobe := realtools.Need(t, "ffprobe", "ffmpeg")
	f := filepath.Join(t.TempDir(), "p.mp3")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// -count_packets decodes nothing but counts every frame, so the
	// duration is not an estimate from the bit rate.
	out := strings.TrimSpace(realtools.Run(t, ffprobe, "-v", "error", "-select_streams", "a:0", "-count_packets",
		"-show_entries", "stream=nb_read_packets,sample_rate", "-of", "csv=p=0", f))
	parts := strings.Split(out, ",")
	if len(parts) != 2 {
		t.Fatalf("ffprobe said %q", out)
	}
	packets, err := strconv.Atoi(parts[1])
	if err != nil {
		t.Fatalf("ffprobe said %q", out)
	}
	return packets
}

func TestParseMP3AgreesWithFFprobe(t *testing.T) {
	cases := []struct {
		name    string
		seconds float64
		args    []string
	}{
		{"import format: MPEG-2 16 kHz mono 16 kbit/s", 7.3, []string{"-ac", "1", "-ar", "16000", "-b:a", "16k"}},
		{"MPEG-2 22.05 kHz mono VBR", 3.1, []string{"-ac", "1", "-ar", "22050", "-q:a", "9"}},
		{"MPEG-1 44.1 kHz stereo 128 kbit/s", 2.0, []string{"-ac", "2", "-ar", "44100", "-b:a", "128k"}},
		{"MPEG-2.5 8 kHz mono", 4.0, []string{"-ac", "1", "-ar", "8000", "-b:a", "8k"}},
		{"with an ID3v2 tag", 1.5, []string{"-ac", "1", "-ar", "16000", "-b:a", "16k", "-metadata", "title=x", "-id3v2_version", "3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := encode(t, c.seconds, c.args...)
			info, err := ParseMP3(data)
			if err != nil {
				t.Fatal(err)
			}
			if want := ffprobeFrames(t, data); info.Frames != want {
				t.Errorf("ParseMP3 counts %d audio frames, ffprobe %d", info.Frames, want)
			}
			// Without the encoder's padding (LAME tag), the duration is the
			// tone's, to the sample.
			if d := info.Duration.Seconds() - c.seconds; d < -0.001 || d > 0.001 {
				t.Errorf("duration %s for a %.3f s tone (padding %d samples)", info.Duration, c.seconds, info.Padding)
			}
			if n, ok := xingFrames(data); ok && n != info.Frames {
				t.Errorf("counted %d frames, the Info frame declares %d", info.Frames, n)
			}
		})
	}
}

// frames builds n silent-looking MPEG-2 layer III frames (8 kbit/s, 16 kHz,
// mono: 36 bytes, 36 ms each) without an encoder.
func frames(n int) []byte {
	f := make([]byte, 36)
	f[0], f[1], f[2], f[3] = 0xFF, 0xF3, 0x18, 0xC4
	return bytes.Repeat(f, n)
}

func TestValidateRefuses(t *testing.T) {
	good := frames(100)
	if info, err := Validate(good); err != nil || info.Duration != 3600*time.Millisecond {
		t.Fatalf("100 synthetic frames: %v, %v; want 3.6 s and no error", info.Duration, err)
	}
	wav := append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 64)...)
	stereo128 := encode(t, 3, "-ac", "2", "-ar", "44100", "-b:a", "128k")
	tooLong := frames(int(MaxDuration/(36*time.Millisecond)) + 30)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no audio frames"},
		{"a WAV file", wav, "WAV"},
		{"cut mid-frame", good[:len(good)-10], "cut short"},
		{"garbage in the middle", append(append(frames(10), "garbage!"...), frames(10)...), "byte 360"},
		{"too large: 128 kbit/s stereo", stereo128, "too large"},
		{"too long", tooLong, "too long"},
		{"layer II", append([]byte{0xFF, 0xFD, 0x18, 0xC4}, make([]byte, 100)...), "layer II"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Validate(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// The demo's recordings are valid, within budget, and made in the import
// format (16 kbit/s mono at 16 kHz).
func TestDemoRecordings(t *testing.T) {
	set, err := Load(lang.Layer{FS: locales.FS(), Name: "locales"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range set.Languages() {
		for _, r := range set.recs[l] {
			n++
			if r.Err != nil {
				t.Errorf("%s: %v", r.File, r.Err)
				continue
			}
			// The bit rate of the audio frames: a short file's average
			// also counts its Info frame (a digit lasts under a second).
			frames, err := Frames(r.Data)
			if err != nil {
				t.Fatal(err)
			}
			bitrate := len(frames) * 8 * r.Info.SampleRate / (r.Info.Frames * 576)
			if r.Info.Channels != 1 || r.Info.SampleRate != 16000 || math.Abs(float64(bitrate)-16000) > 1500 {
				t.Errorf("%s: %d channels at %d Hz, %d bit/s; want the import format", r.File, r.Info.Channels, r.Info.SampleRate, bitrate)
			}
			if r.Status != StatusPlaceholder {
				t.Errorf("%s: status %q; the demo's computer voices must say they are placeholders", r.File, r.Status)
			}
		}
	}
	if n == 0 {
		t.Fatal("the demo has no recordings")
	}
}

func TestLoadReportsBrokenManifests(t *testing.T) {
	mp3 := frames(50)
	fsys := fstest.MapFS{
		"audio/ar/manifest.toml": {Data: []byte("[emergency]\nfile = \"emergency.mp3\"\ntext = \"sha1-x\"\nstatus = \"placeholder\"\n" +
			"[helplines]\nfile = \"../en/x.mp3\"\nstatus = \"draft\"\n" +
			"[signs]\nfile = \"signs.mp3\"\nstatus = \"finished\"\n" +
			"[report]\nfile = \"missing.mp3\"\nstatus = \"draft\"\n")},
		"audio/ar/emergency.mp3": {Data: mp3},
		"audio/ar/signs.mp3":     {Data: mp3},
		"audio/es/manifest.toml": {Data: []byte("[emergency\n")},
		"audio/vi/manifest.toml": {Data: []byte("[signs]\nfile = \"signs.mp3\"\nstatus = \"draft\"\n")},
		"audio/vi/signs.mp3":     {Data: make([]byte, MaxSize+1)},
	}
	set, err := Load(lang.Layer{FS: fsys, Name: "texts"})
	if err != nil {
		t.Fatal(err)
	}
	if r := set.Get("ar", "emergency"); r == nil || r.Err != nil || r.Line != 1 || !strings.HasPrefix(r.Name, "emergency.") {
		t.Errorf("emergency: %+v", r)
	}
	for section, want := range map[string]string{"helplines": "give a file name", "signs": `status "finished"`, "report": "cannot read"} {
		if r := set.Get("ar", section); r == nil || r.Err == nil || !strings.Contains(r.Err.Error(), want) {
			t.Errorf("%s: %+v, want an error containing %q", section, r, want)
		}
	}
	if r := set.Get("vi", "signs"); r == nil || r.Err == nil || !strings.Contains(r.Err.Error(), "too large") || r.Data != nil {
		t.Errorf("a file over MaxSize: %v, want refused unread", r.Err)
	}
	if len(set.problems) != 1 || set.problems[0].lang != "es" || set.problems[0].p.File != "texts/audio/es/manifest.toml" || set.problems[0].p.Line == 0 {
		t.Errorf("broken es manifest: problems %+v", set.problems)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	in := map[string]Entry{
		"emergency":  {File: "emergency.mp3", Text: "sha1-a", Status: StatusDraft, By: "Amina", Date: "2026-12-01"},
		"rights.nrm": {File: "rights.nrm.mp3", Text: "sha1-b", Status: StatusReviewed},
	}
	out, err := ReadManifest(FormatManifest("ti", in))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out["rights.nrm"] != in["rights.nrm"] || out["emergency"] != in["emergency"] {
		t.Errorf("round trip: %+v", out)
	}
}

// A section reads its key's messages the page uses, in the page's order
// (a lesson: title, intro, steps, limits; step10 after step9), shown ones
// first, and never a message with a placeholder.
func TestSectionIDs(t *testing.T) {
	msgs := map[string]string{
		"lesson.x.title": "T", "lesson.x.intro": "I", "lesson.x.step1": "S1", "lesson.x.step2": "S2",
		"lesson.x.step10": "S10", "lesson.x.limit1": "L1", "lesson.x.strip": "Call {{.Number}}",
		"lesson.x.unused": "U", "lesson.xy.title": "other section", "course.next": "Next",
	}
	en := &lang.Locale{ID: "en", Messages: map[string]*lang.Message{}}
	used := map[string]bool{}
	for id, text := range msgs {
		en.Messages[id] = &lang.Message{ID: id, Forms: map[string]string{"other": text}}
		used[id] = id != "lesson.x.unused"
	}
	order := map[string]int{"lesson.x.title": 10, "lesson.x.intro": 20, "lesson.x.step1": 30, "lesson.x.step2": 40,
		"lesson.x.step10": 50, "lesson.x.strip": 55, "lesson.xy.title": 1}
	got := SectionIDs("lesson.x", en, used, order)
	want := []string{"lesson.x.title", "lesson.x.intro", "lesson.x.step1", "lesson.x.step2", "lesson.x.step10", "lesson.x.limit1"}
	if !slices.Equal(got, want) {
		t.Errorf("SectionIDs = %v\nwant %v", got, want)
	}
}
