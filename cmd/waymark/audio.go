package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/waymark/waymark/audio"
	"github.com/waymark/waymark/pages"
)

// runAudio is `waymark audio import|script`: recordings of the page's
// sections, for people who cannot read well (docs/audio.md).
func runAudio(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return runAudioImport(ctx, args[1:], stdout, stderr)
		case "script":
			return runAudioScript(args[1:], stdout, stderr)
		}
	}
	fmt.Fprint(stderr, `Usage:
  waymark audio script --lang TAG [--section KEY] [--config FILE] [--locales DIR]
      print the exact text to read for a section (without --section: list the sections)
  waymark audio import FILE --lang TAG --section KEY [--status draft] [--by NAME] [--config FILE] [--locales DIR]
      normalise loudness, trim silence and encode FILE (any format ffmpeg reads) as
      16 kbit/s mono MP3 into DIR/audio/TAG/ (./locales/audio/TAG/ without --locales),
      and record the current text's hash in its manifest.toml

Run `+"`waymark audio script --help`"+` or `+"`waymark audio import --help`"+` for the flags.
`)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return nil
	}
	return errUsage
}

// audioFlags are the flags both subcommands share.
type audioFlags struct {
	data    *dataFlags
	lang    *string
	section *string
}

func addAudioFlags(fs interface {
	String(name, value, usage string) *string
}, data *dataFlags) audioFlags {
	return audioFlags{data: data,
		lang:    fs.String("lang", "", "the recording's language tag (ti, ar, zh-Hans)"),
		section: fs.String("section", "", "the section: emergency, helplines, signs, report, online, rights.<topic> or lesson.<id>; digit.0 to digit.9 for the digits that recordings say numbers with")}
}

// load reads the site whose texts the recording reads. Without --locales
// an import goes into the repository's ./locales, so the texts are read
// from there too (as --dev does), not from the copy built into this
// binary; the script falls back to the built-in texts when there is no
// ./locales, so that a volunteer needs only the program.
func (a audioFlags) load(write bool) (*pages.Site, string, error) {
	dev := a.data.locales == ""
	if dev {
		for _, d := range []string{"locales", "assets"} {
			if st, err := os.Stat(d); err != nil || !st.IsDir() {
				if !write {
					dev = false
					break
				}
				return nil, "", fmt.Errorf("no --locales folder given and no ./%s here: give --locales DIR (the deployment's texts folder), "+
					"or run from the repository's root to record the built-in texts", d)
			}
		}
	}
	s, _, report, err := pages.LoadReport(a.data.sources(dev))
	if err != nil {
		return nil, "", err
	}
	if s == nil {
		return nil, "", pages.ReportError{Report: report}
	}
	dir := a.data.locales
	if dev {
		dir = "locales"
	}
	return s, dir, nil
}

// find checks --lang and --section against the site.
func (a audioFlags) find(s *pages.Site) (audio.Section, error) {
	if err := a.checkLang(s); err != nil {
		return audio.Section{}, err
	}
	if audio.IsDigit(*a.section) {
		return audio.Section{Key: *a.section}, nil
	}
	i := slices.IndexFunc(s.Sections, func(sec audio.Section) bool { return sec.Key == *a.section })
	if i < 0 {
		return audio.Section{}, fmt.Errorf("--section %q: not a section of these pages; they have: %s", *a.section, sectionKeys(s))
	}
	return s.Sections[i], nil
}

// checkLang checks --lang against the site's languages.
func (a audioFlags) checkLang(s *pages.Site) error {
	loc, ok := s.Locale(*a.lang)
	if *a.lang == "" || !ok || loc.ID != *a.lang {
		var tags []string
		for _, l := range s.Locales {
			tags = append(tags, l.ID)
		}
		hint := ""
		if *a.lang != "" && (a.data.config == "" || a.data.locales == "") {
			// A deployment's own language (French in a French
			// deployment) is in its texts, which only --locales
			// reads; its config says which languages its pages show.
			hint = fmt.Sprintf("; if %s is a language of your deployment, name its files: --config waymark.toml --locales texts", *a.lang)
		}
		return fmt.Errorf("--lang %q: not one of the site's languages (%s)%s", *a.lang, strings.Join(tags, ", "), hint)
	}
	return nil
}

func sectionKeys(s *pages.Site) string {
	var keys []string
	for _, sec := range s.Sections {
		keys = append(keys, sec.Key)
	}
	return strings.Join(keys, ", ")
}

func runAudioScript(args []string, stdout, stderr io.Writer) error {
	fs := flags("audio script", "", stderr)
	a := addAudioFlags(fs, addDataFlags(fs))
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, _, err := a.load(false)
	if err != nil {
		return err
	}
	if *a.section == "" {
		if *a.lang != "" {
			if err := a.checkLang(s); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout, sectionKeys(s))
		fmt.Fprintln(stdout, "digits, so that recordings can say phone numbers: digit.0, digit.1, ... digit.9")
		return nil
	}
	sec, err := a.find(s)
	if err != nil {
		return err
	}
	loc, _ := s.Locale(*a.lang)
	if audio.IsDigit(sec.Key) {
		fmt.Fprintf(stdout, "# %s, %s: say this one digit, as you say it when you read out a phone number.\n", loc.ID, sec.Key)
		fmt.Fprintf(stdout, "# The server joins the digits into the numbers the page shows.\n\n%s\n", strings.TrimPrefix(sec.Key, audio.DigitPrefix))
		return nil
	}
	fmt.Fprintf(stdout, "# %s, section %s: read exactly this, calmly, with a short pause between paragraphs.\n", loc.ID, sec.Key)
	fmt.Fprintf(stdout, "# text hash %s\n\n", audio.TextHash(loc, sec.IDs))
	for _, p := range audio.Script(loc, sec.IDs) {
		fmt.Fprintf(stdout, "%s\n\n", p)
	}
	return nil
}

// ffmpegFilter trims silence from both ends (silenceremove trims the start;
// reversing twice trims the end) without touching the pauses between
// sentences, then normalises loudness to -16 LUFS, the usual level for
// speech on phones (EBU R128 / podcast practice).
const ffmpegFilter = "silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.15," +
	"areverse,silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.25,areverse," +
	"loudnorm=I=-16:TP=-2:LRA=11"

func runAudioImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("audio import", " FILE", stderr)
	a := addAudioFlags(fs, addDataFlags(fs))
	status := fs.String("status", audio.StatusDraft, "the recording's status: draft (a volunteer's take), placeholder (a computer voice) or reviewed")
	by := fs.String("by", "", "who recorded it, as the manifest should name them (a first name or a role; never the reader's)")
	in, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	if *status != audio.StatusDraft && *status != audio.StatusPlaceholder && *status != audio.StatusReviewed {
		return fmt.Errorf("--status %q: want draft, placeholder or reviewed", *status)
	}
	if _, err := os.Stat(in); err != nil {
		return err
	}
	s, dir, err := a.load(true)
	if err != nil {
		return err
	}
	sec, err := a.find(s)
	if err != nil {
		return err
	}
	loc, _ := s.Locale(*a.lang)
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return errors.New("ffmpeg is needed to import a recording (Debian and Ubuntu: apt-get install ffmpeg)")
	}
	outDir := filepath.Join(dir, "audio", loc.ID)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	name := sec.Key + ".mp3"
	tmp := filepath.Join(outDir, "."+name+".tmp.mp3")
	defer os.Remove(tmp)
	// 16 kbit/s mono MPEG-2 layer III at 16 kHz: 120 KB a minute, which
	// every current phone browser plays (docs/audio.md). -map_metadata -1
	// and no ID3 tag: a phone's recording can carry its place and owner.
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", in,
		"-vn", "-map_metadata", "-1", "-af", ffmpegFilter,
		"-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "16k", "-id3v2_version", "0", "-write_id3v1", "0",
		"-f", "mp3", tmp)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ffmpeg could not read or encode %s: %v: %s", in, err, strings.TrimSpace(errb.String()))
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	info, err := audio.Validate(data)
	if err != nil {
		return fmt.Errorf("%s: %v", in, err)
	}
	manifest := filepath.Join(outDir, audio.ManifestName)
	entries := map[string]audio.Entry{}
	if old, err := os.ReadFile(manifest); err == nil {
		if entries, err = audio.ReadManifest(old); err != nil {
			return fmt.Errorf("%s: %v (fix it or remove it, then import again)", manifest, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(outDir, name)); err != nil {
		return err
	}
	entries[sec.Key] = audio.Entry{File: name, Text: audio.TextHash(loc, sec.IDs), Status: *status, By: *by,
		Date: time.Now().UTC().Format("2006-01-02")}
	if err := os.WriteFile(manifest, audio.FormatManifest(loc.ID, entries), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s, %.1f s, %d KB (%d KB a minute), status %s\n", filepath.Join(outDir, name), sec.Key,
		info.Duration.Seconds(), (len(data)+999)/1000, int(float64(len(data))/info.Duration.Minutes()/1000), *status)
	return nil
}
