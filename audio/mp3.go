package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// Info is what the frame headers of an MP3 file tell, read without
// decoding any audio: enough to check a recording at load time without
// ffprobe on the server.
type Info struct {
	Duration   time.Duration
	SampleRate int
	Channels   int
	// Frames counts audio frames (a Xing or Info frame, which holds only
	// the file's length for players, is not one).
	Frames int
	// Padding is the encoder's silence at the start and end that its LAME
	// tag declares, in samples; players leave it out of the duration, and
	// so does Duration.
	Padding int
	// Bitrate is the average over the whole file, in bits a second.
	Bitrate int
}

// Layer III bit rates in kbit/s, by bit-rate index, for MPEG-1 and for
// MPEG-2 and 2.5 (ISO/IEC 11172-3 and 13818-3).
var (
	bitratesV1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1}
	bitratesV2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1}
	// Sample rates by version bits (0 = MPEG-2.5, 2 = MPEG-2, 3 = MPEG-1).
	sampleRates = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}
)

type frame struct {
	version    int // version bits: 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
	sampleRate int
	channels   int
	length     int // bytes, header included
	samples    int // per channel
	bitrate    int // the header's bit-rate index
}

// header reads one Layer III frame header at b[0:4].
func header(b []byte) (frame, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return frame{}, fmt.Errorf("no frame header")
	}
	version := int(b[1]>>3) & 3
	if version == 1 {
		return frame{}, fmt.Errorf("reserved MPEG version")
	}
	if layer := (b[1] >> 1) & 3; layer != 1 {
		return frame{}, fmt.Errorf("MPEG layer %d, not layer III (MP3)", 4-layer)
	}
	bi, si := int(b[2]>>4), int(b[2]>>2)&3
	if si == 3 {
		return frame{}, fmt.Errorf("reserved sample rate")
	}
	f := frame{version: version, sampleRate: sampleRates[version][si], channels: 2, bitrate: bi}
	if b[3]>>6 == 3 {
		f.channels = 1
	}
	kbps := bitratesV2[bi]
	if version == 3 {
		kbps = bitratesV1[bi]
	}
	if kbps <= 0 {
		// Index 0 is "free format", which browsers do not all play.
		return frame{}, fmt.Errorf("free-format or invalid bit rate")
	}
	pad := int(b[2]>>1) & 1
	if version == 3 {
		f.samples = 1152
		f.length = 144*kbps*1000/f.sampleRate + pad
	} else {
		f.samples = 576
		f.length = 72*kbps*1000/f.sampleRate + pad
	}
	return f, nil
}

// isInfoFrame reports whether a frame is the Xing/Info (or VBRI) frame that
// encoders put first to give players the length: it holds no audio.
func isInfoFrame(b []byte, f frame) bool {
	side := 17 // MPEG-1 mono, MPEG-2 stereo
	switch {
	case f.version == 3 && f.channels == 2:
		side = 32
	case f.version != 3 && f.channels == 1:
		side = 9
	}
	if o := 4 + side; len(b) >= o+4 {
		if tag := string(b[o : o+4]); tag == "Xing" || tag == "Info" {
			return true
		}
	}
	return len(b) >= 40 && string(b[36:40]) == "VBRI"
}

// ParseMP3 walks every frame of an MP3 file. It accepts an ID3v2 tag at
// the start and an ID3v1 tag at the end and nothing else: a file with
// damage or stray bytes in the middle is refused, because some phones stop
// playing there.
func ParseMP3(b []byte) (Info, error) {
	var info Info
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
	var first frame
	samples := 0
	for off < end {
		f, err := header(b[off:end])
		if err != nil {
			if info.Frames == 0 && off < len(b) && bytes.HasPrefix(b[off:], []byte("RIFF")) {
				return info, fmt.Errorf("a WAV file, not MP3")
			}
			return info, fmt.Errorf("byte %d: %v", off, err)
		}
		if off+f.length > end {
			return info, fmt.Errorf("byte %d: the last frame is cut short (%d of %d bytes)", off, end-off, f.length)
		}
		if first.sampleRate == 0 {
			first = f
			if isInfoFrame(b[off:off+f.length], f) {
				info.Padding = lamePadding(b[off : off+f.length])
				off += f.length
				continue
			}
		} else if f.sampleRate != first.sampleRate || f.channels != first.channels {
			return info, fmt.Errorf("byte %d: the sample rate or channels change mid-file", off)
		}
		info.Frames++
		samples += f.samples
		off += f.length
	}
	if info.Frames == 0 {
		return info, fmt.Errorf("no audio frames")
	}
	info.SampleRate, info.Channels = first.sampleRate, first.channels
	if info.Padding < samples {
		samples -= info.Padding
	}
	info.Duration = time.Duration(samples) * time.Second / time.Duration(first.sampleRate)
	info.Bitrate = int(int64(len(b)) * 8 * int64(time.Second) / int64(info.Duration))
	return info, nil
}

// lamePadding reads the encoder delay and end padding from the LAME tag
// that follows the Xing/Info fields (LAME writes "LAME3.100" there, FFmpeg
// "Lavc59.37"; the layout is the same): 12 bits each, 21 bytes into the
// tag. Browsers (through FFmpeg's demuxer) and iOS leave them out for
// gapless playback, so a duration with them would be longer than the one
// the player shows.
func lamePadding(frame []byte) int {
	i := bytes.Index(frame, []byte("Info"))
	if j := bytes.Index(frame, []byte("Xing")); i < 0 || (j >= 0 && j < i) {
		i = j
	}
	if i < 0 || len(frame) < i+8 {
		return 0
	}
	flags := binary.BigEndian.Uint32(frame[i+4:])
	o := i + 8
	for bit, size := range []int{4, 4, 100, 4} { // frames, bytes, TOC, quality
		if flags&(1<<bit) != 0 {
			o += size
		}
	}
	if len(frame) < o+24 || frame[o] == 0 {
		return 0
	}
	p := frame[o+21:]
	delay := int(p[0])<<4 | int(p[1])>>4
	end := int(p[1]&0x0F)<<8 | int(p[2])
	return delay + end
}

// xingFrames returns the frame count a Xing/Info frame declares, if any;
// only the tests use it, to compare with what ParseMP3 counted.
func xingFrames(b []byte) (int, bool) {
	i := bytes.Index(b, []byte("Xing"))
	if i < 0 {
		i = bytes.Index(b, []byte("Info"))
	}
	if i < 0 || len(b) < i+12 || binary.BigEndian.Uint32(b[i+4:])&1 == 0 {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(b[i+8:])), true
}
