package site

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// manyVenues is validConfig with n more venues after its own.
func manyVenues(n int, edit func(i int, table string) string) string {
	var b strings.Builder
	b.WriteString(validConfig)
	for i := range n {
		table := fmt.Sprintf("\n[[venues]] # generated\ncode = \"%s\"\nname = \"Venue %d\"\nregion = \"uk\"\nlanguages = [\"en\", \"ar\"]\nkiosk_idle = %d\n",
			testCode(i), i, 1+i%100)
		if edit != nil {
			table = edit(i, table)
		}
		b.WriteString(table)
	}
	return b.String()
}

// testCode is the i-th code of the form V0000..VZZZZ.
func testCode(i int) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := []byte("V0000")
	for j := 4; j >= 1; j-- {
		b[j] = alphabet[i%32]
		i /= 32
	}
	return string(b)
}

// wholeDecode is what decoding the file in one piece gives.
func wholeDecode(t *testing.T, src string) Config {
	t.Helper()
	var c Config
	if _, err := toml.NewDecoder(bytes.NewReader([]byte(src))).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestChunkedDecodeIsTheWholeDecode: decoding a large file's venues in
// chunks gives exactly what decoding it whole gives, and anything the
// split could get wrong falls back to the whole decode.
func TestChunkedDecodeIsTheWholeDecode(t *testing.T) {
	n := 2*venueChunk + 17
	tests := []struct {
		name    string
		src     string
		chunked bool // whether the chunked path may take it
	}{
		{"venues at the end", manyVenues(n, nil), true},
		// Venues before another table: decoded whole.
		{"a region after some venues", strings.Replace(manyVenues(n, nil), "\n[[venues]] # generated\ncode = \"V0010\"",
			"\n[[regions]]\nid = \"nl\"\ntitle = \"Reisinformatie\"\nexit_url = \"https://example.nl\"\n\n[[venues]] # generated\ncode = \"V0010\"", 1), false},
		// The line inside the string falls where a chunk would begin: the
		// chunk before it fails to decode, and the file is decoded whole.
		{"a header inside a multi-line string", manyVenues(n, func(i int, table string) string {
			if i == venueChunk-2 {
				return strings.Replace(table, `name = "Venue `, "name = \"\"\"\n[[venues]]\ncode = \"\"\" \n\nkiosk_exit = \"leave\"\nx = \"Venue ", 1)
			}
			return table
		}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := wholeDecode(t, tt.src)
			var got Config
			if _, ok := decodeChunked([]byte(tt.src), &got); ok != tt.chunked {
				t.Errorf("chunked path taken: %v, want %v", ok, tt.chunked)
			}
			got = Config{}
			undecoded, err := decodeConfig([]byte(tt.src), &got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("chunked decode differs from the whole decode (%d and %d venues)", len(got.Venues), len(want.Venues))
			}
			if tt.chunked && len(undecoded) != 0 {
				t.Errorf("undecoded keys %v", undecoded)
			}
		})
	}
}

// TestChunkedErrorsNameTheWholeFilesLine: a mistake deep in a large file
// is reported at its line in the file, as without chunks.
func TestChunkedErrorsNameTheWholeFilesLine(t *testing.T) {
	n := 3 * venueChunk
	at := 2*venueChunk + 5
	line := strings.Count(validConfig, "\n") + 7*at + 4 // the generated table's name line
	for _, tt := range []struct {
		name, old, new, want string
	}{
		{"syntax", `name = "Venue`, `name = Venue`, fmt.Sprintf("test.toml:%d:", line)},
		{"unknown key", `name = "Venue`, `colour = "red"` + "\n" + `name = "Venue`, fmt.Sprintf("unknown setting %q", "venues.colour")},
		{"wrong type", `kiosk_idle = `, `kiosk_idle = "x"` + "\n#", "incompatible types"},
		{"validation", `region = "uk"`, `region = "fr"`, fmt.Sprintf("test.toml:%d: venue %q: region \"fr\"", line+1, testCode(at))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := manyVenues(n, func(i int, table string) string {
				if i == at {
					return strings.Replace(table, tt.old, tt.new, 1)
				}
				return table
			})
			_, err := Parse("test.toml", []byte(src), testLangs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzChunkedDecode: whenever the chunked decode accepts a file, it means
// what the whole decode means.
func FuzzChunkedDecode(f *testing.F) {
	f.Add([]byte(validConfig))
	f.Add([]byte(manyVenues(3, nil)))
	f.Add([]byte("a = 1\n[[venues]]\ncode = \"\"\"\n[[venues]]\n\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var chunked Config
		if _, ok := decodeChunked(data, &chunked); !ok {
			return
		}
		var whole Config
		if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&whole); err != nil {
			t.Fatalf("chunked decode accepted what the whole decode refuses: %v", err)
		}
		if !reflect.DeepEqual(chunked, whole) {
			t.Fatalf("chunked decode differs:\n%+v\n%+v", chunked, whole)
		}
	})
}
