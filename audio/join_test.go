package audio

import (
	"bytes"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/realtools"
	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/locales"
)

// TestWithNumbers: the emergency recording joined with 999 decodes
// cleanly, holds the recording of the digit 9 three times, and lasts the
// section plus the digits plus the pauses; another number is another file.
func TestWithNumbers(t *testing.T) {
	set, err := Load(lang.Layer{FS: locales.FS(), Name: "locales"})
	if err != nil {
		t.Fatal(err)
	}
	rec := set.Get("en", "emergency")
	nine := set.Get("en", DigitKey(9))
	if rec == nil || nine == nil {
		t.Fatal("the demo has no English emergency or digit recording (audio/demo.sh)")
	}
	j, err := set.WithNumbers(rec, []string{"999"})
	if err != nil || j == nil {
		t.Fatalf("WithNumbers: %v, %v", j, err)
	}
	if _, err := Validate(j.Data); err != nil {
		t.Fatalf("joined file: %v", err)
	}
	nineFrames, err := Frames(nine.Data)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(j.Data, nineFrames); n != 3 {
		t.Errorf("the joined file says 9 %d times, want 3", n)
	}
	alone, joined, digit := realtools.DecodedDuration(t, rec.Data), realtools.DecodedDuration(t, j.Data), realtools.DecodedDuration(t, nine.Data)
	// Each part also brings its encoder's start and end padding (about
	// 70 ms at 16 kHz), which a player skips in a file of its own.
	want := alone + 3*digit + pauseBefore
	if d := joined - want; d < -100*time.Millisecond || d > 4*150*time.Millisecond {
		t.Errorf("joined lasts %v; the section %v, three nines of %v and a pause: %v", joined, alone, digit, want)
	}
	other, _ := set.WithNumbers(rec, []string{"112"})
	if other == nil || other.Name == j.Name {
		t.Errorf("112 and 999 have the same file name %q", j.Name)
	}
	if j.Name[:len("emergency.")] != "emergency." || !j.Placeholder() {
		t.Errorf("joined file %q, status %q", j.Name, j.Status)
	}
	// No digits recorded in that language: the section alone.
	if got, err := set.WithNumbers(&Recording{Lang: "xx", Section: "emergency", Data: rec.Data}, []string{"999"}); got != nil || err != nil {
		t.Errorf("without digits: %v, %v", got, err)
	}
}

func TestDigitGroups(t *testing.T) {
	for in, want := range map[string]int{"999": 1, "020 7243 2942": 3, "1-888-373-7888": 4, "+49 30 263 911 76": 5, "": 0} {
		if got := len(digitGroups(in)); got != want {
			t.Errorf("digitGroups(%q) has %d groups, want %d", in, got, want)
		}
	}
}
