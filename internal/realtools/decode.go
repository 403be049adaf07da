package realtools

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// DecodedDuration decodes an MP3 with the real ffmpeg and returns the
// length of the samples it gives: what a phone plays, not what a header
// claims. A file ffmpeg complains about fails the test.
func DecodedDuration(t testing.TB, data []byte) time.Duration {
	t.Helper()
	ffmpeg := Need(t, "ffmpeg", "ffmpeg")
	f := filepath.Join(t.TempDir(), "d.mp3")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(ffmpeg, "-nostdin", "-v", "error", "-i", f, "-f", "s16le", "-ac", "1", "-ar", "16000", "-")
	cmd.Stderr = &stderr
	pcm, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg cannot decode it: %v: %s", err, stderr.String())
	}
	return time.Duration(len(pcm)/2) * time.Second / 16000
}
