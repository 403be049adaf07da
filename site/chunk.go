package site

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
)

// venueChunk is how many [[venues]] tables are decoded at a time.
const venueChunk = 1000

// decodeConfig decodes a config file into c and returns the keys that
// matched no field.
//
// The TOML decoder builds a generic tree of the whole file before filling
// the structs, and a national campaign's file has 100,000 venue tables:
// that tree held about 160 MB at once and made start-up RSS 300 MB. Most
// of such a file is one run of [[venues]] tables at its end, so that run is
// decoded a thousand tables at a time, each into Venue structs, and only
// the structs stay. Every chunk is a complete TOML document (a run of
// tables, each with only its own keys), so it means what it meant in the
// whole file. Anything this cannot split safely (no such run, venues also
// defined before it) is decoded whole, as is any file where a chunk fails
// to decode, so that errors are the decoder's own, with the whole file's
// line numbers.
func decodeConfig(data []byte, c *Config) ([]toml.Key, error) {
	if undecoded, ok := decodeChunked(data, c); ok {
		return undecoded, nil
	}
	*c = Config{}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(c)
	if err != nil {
		return nil, err
	}
	return md.Undecoded(), nil
}

func decodeChunked(data []byte, c *Config) ([]toml.Key, bool) {
	head, chunks := splitVenues(data)
	if len(chunks) == 0 {
		return nil, false
	}
	md, err := toml.Decode(string(head), c)
	if err != nil || md.IsDefined("venues") {
		return nil, false
	}
	undecoded := md.Undecoded()
	// The chunks are independent: decoded on every core (a national
	// campaign's venues are most of its start-up), put together in order.
	type result struct {
		venues    []Venue
		undecoded []toml.Key
		err       error
	}
	results := make([]result, len(chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(chunks); i = int(next.Add(1)) - 1 {
				var part struct {
					Venues []Venue `toml:"venues"`
				}
				md, err := toml.Decode(string(chunks[i]), &part)
				results[i] = result{part.Venues, md.Undecoded(), err}
			}
		})
	}
	wg.Wait()
	n := 0
	for _, r := range results {
		if r.err != nil {
			return nil, false
		}
		n += len(r.venues)
	}
	c.Venues = make([]Venue, 0, n)
	for i := range results {
		c.Venues = append(c.Venues, results[i].venues...)
		undecoded = append(undecoded, results[i].undecoded...)
		results[i] = result{}
	}
	return undecoded, true
}

// splitVenues finds the run of [[venues]] tables that ends the file (no
// other table header after its first line) and cuts it into chunks of
// venueChunk tables. It returns no chunks if there is no such run.
func splitVenues(data []byte) (head []byte, chunks [][]byte) {
	var starts []int // offsets of the [[venues]] headers of the final run
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off + 1
		}
		line := bytes.TrimSpace(data[off:end])
		if len(line) > 0 && line[0] == '[' {
			if isVenuesHeader(line) {
				starts = append(starts, off)
			} else {
				starts = starts[:0] // another table: the run starts later
			}
		}
		off = end
	}
	if len(starts) == 0 {
		return data, nil
	}
	for i := 0; i < len(starts); i += venueChunk {
		end := len(data)
		if j := i + venueChunk; j < len(starts) {
			end = starts[j]
		}
		chunks = append(chunks, data[starts[i]:end])
	}
	return data[:starts[0]], chunks
}

// isVenuesHeader reports whether a trimmed line is "[[venues]]", with an
// optional comment after it.
func isVenuesHeader(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("[[venues]]"))
	if !ok {
		return false
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || rest[0] == '#'
}
