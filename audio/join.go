package audio

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Spoken numbers. A recording of a section cannot say the region's
// numbers: one recording per language serves every region, and numbers
// change. So each language records its ten digits once ("digit.0" to
// "digit.9" in its manifest, read as a person reads a phone number), and
// the server joins a section's recording with the digits of the numbers
// the page shows into one file. Recordings are constant-bitrate MP3
// frames (`waymark audio import` encodes them all alike), so joining them
// is concatenating frames: no decoding on the server, and the result
// follows the config when a number changes.

// DigitPrefix starts the manifest key of a digit's recording: "digit.7".
const DigitPrefix = "digit."

// DigitKey is the manifest key of a digit's recording.
func DigitKey(d int) string { return DigitPrefix + strconv.Itoa(d) }

// DigitSections are the ten digits as sections to record: each reads one
// digit, so a translator's script for one is the digit itself.
func DigitSections() []Section {
	out := make([]Section, 10)
	for d := range out {
		out[d] = Section{Key: DigitKey(d)}
	}
	return out
}

// IsDigit reports whether a section key is a digit's.
func IsDigit(key string) bool {
	d, ok := strings.CutPrefix(key, DigitPrefix)
	return ok && len(d) == 1 && d[0] >= '0' && d[0] <= '9'
}

// Pauses around spoken numbers: a breath before the first number, a short
// one between the groups a number is written in (020 7243 2942), and a
// longer one between numbers.
const (
	pauseBefore = 700 * time.Millisecond
	pauseGroup  = 250 * time.Millisecond
	pauseNumber = 700 * time.Millisecond
)

// WithNumbers returns a recording of sec that goes on to say each number,
// digit by digit, with the language's digit recordings, or nil when there
// is nothing to say or the language lacks a usable recording of a digit
// it needs (the page then offers the section alone, and the translators'
// report says what is missing). The joined file is named after the
// section, the recording and the numbers, so that a changed number is a
// new address that no cache can confuse with the old.
func (s *Set) WithNumbers(rec *Recording, numbers []string) (*Recording, error) {
	if rec == nil || rec.Err != nil || len(numbers) == 0 {
		return nil, nil
	}
	pcm, first, err := audioFrames(rec.Data)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), pcm...)
	status := rec.Status
	said := 0
	for i, n := range numbers {
		groups := digitGroups(n)
		if len(groups) == 0 {
			continue
		}
		pause := pauseNumber
		if i == 0 {
			pause = pauseBefore
		}
		out = append(out, silence(first, pause)...)
		for g, group := range groups {
			if g > 0 {
				out = append(out, silence(first, pauseGroup)...)
			}
			for _, d := range group {
				dr := s.Get(rec.Lang, DigitKey(int(d-'0')))
				if dr == nil || dr.Err != nil {
					return nil, nil
				}
				frames, f, err := audioFrames(dr.Data)
				if err != nil {
					return nil, nil
				}
				if f.sampleRate != first.sampleRate || f.channels != first.channels || f.version != first.version {
					return nil, fmt.Errorf("%s: recorded at %d Hz, %d channel(s), but %s at %d Hz, %d channel(s): import both with `waymark audio import`",
						dr.File, f.sampleRate, f.channels, rec.File, first.sampleRate, first.channels)
				}
				out = append(out, frames...)
				if worse(dr.Status, status) {
					status = dr.Status
				}
				said++
			}
		}
	}
	if said == 0 {
		return nil, nil
	}
	info, err := Validate(out)
	if err != nil {
		return nil, fmt.Errorf("%s with its numbers: %v", rec.File, err)
	}
	// Named like any recording, after its bytes: the section's take, the
	// digits' and the numbers are all in them.
	sum := sha256.Sum256(out)
	return &Recording{Lang: rec.Lang, Section: rec.Section, File: rec.File, Manifest: rec.Manifest, Line: rec.Line,
		Name: rec.Section + "." + hex.EncodeToString(sum[:5]) + ".mp3", Data: out, TextHash: rec.TextHash,
		Status: status, By: rec.By, Date: rec.Date, Info: info}, nil
}

// worse orders statuses for a joined file: a computer voice anywhere in it
// makes it a placeholder, a draft anywhere a draft.
func worse(a, b string) bool {
	rank := map[string]int{StatusReviewed: 0, StatusDraft: 1, StatusPlaceholder: 2}
	return rank[a] > rank[b]
}

// digitGroups splits a number as written into its groups of digits:
// "020 7243 2942" is 020, 7243, 2942; "1-888-373-7888" four groups. A plus
// sign and other signs are not spoken.
func digitGroups(number string) []string {
	return strings.FieldsFunc(number, func(r rune) bool { return r < '0' || r > '9' })
}

// Frames returns the audio frames of an MP3 file: what a joined file
// holds of it.
func Frames(b []byte) ([]byte, error) {
	f, _, err := audioFrames(b)
	return f, err
}

// audioFrames returns the audio frames of an MP3 file, without its ID3
// tags and its Xing/Info frame (whose frame count would be wrong in a
// joined file; a constant-bitrate file needs none), and the format of its
// first frame.
func audioFrames(b []byte) ([]byte, frame, error) {
	if _, err := ParseMP3(b); err != nil {
		return nil, frame{}, err
	}
	off := 0
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		size := int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F)
		off = 10 + size
		if b[5]&0x10 != 0 {
			off += 10
		}
	}
	end := len(b)
	if end-off >= 128 && string(b[end-128:end-125]) == "TAG" {
		end -= 128
	}
	f, _ := header(b[off:end])
	if isInfoFrame(b[off:off+f.length], f) {
		off += f.length
	}
	first, _ := header(b[off:end])
	return b[off:end], first, nil
}

// silence is about d of silent frames in the format of f: a frame whose
// side information is all zero (no main data, every granule empty)
// decodes to zero samples in any decoder. The header is f's with no CRC
// and no padding bit, so each frame has the format's plain length.
func silence(f frame, d time.Duration) []byte {
	hdr := silentHeader(f)
	g, _ := header(hdr[:])
	n := int(d * time.Duration(f.sampleRate) / time.Second / time.Duration(g.samples))
	out := make([]byte, 0, n*g.length)
	for range n {
		out = append(out, hdr[:]...)
		out = append(out, make([]byte, g.length-4)...)
	}
	return out
}

// silentHeader builds a frame header for f's version, sample rate,
// channels and bit rate, so that a joined file stays constant-bitrate
// (players that estimate its length from its size get it right).
func silentHeader(f frame) [4]byte {
	var h [4]byte
	h[0] = 0xFF
	h[1] = 0xE0 | byte(f.version)<<3 | 1<<1 | 1 // layer III, no CRC
	si := 0
	for i, r := range sampleRates[f.version] {
		if r == f.sampleRate {
			si = i
		}
	}
	h[2] = byte(f.bitrate)<<4 | byte(si)<<2
	if f.channels == 1 {
		h[3] = 3 << 6
	}
	return h
}
