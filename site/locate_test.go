package site

import "testing"

// beforeVenues may cut the venues off a campaign's file only when nothing
// a check locates (a region, an area, a lesson) comes after them: a line
// number found in the prefix is the file's own.
func TestBeforeVenues(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		cut        int // bytes kept; -1: the whole file
	}{
		{"no venues", "[[regions]]\nid = \"x\"\n", -1},
		{"venues last", "[[regions]]\nid = \"x\"\n[[venues]]\ncode = \"A\"\n", len("[[regions]]\nid = \"x\"\n")},
		{"indented venues", "a = 1\n \t[[ venues ]]\ncode = \"A\"\n", len("a = 1\n")},
		{"region after venues", "[[venues]]\ncode = \"A\"\n[[regions]]\nid = \"x\"\n", -1},
		{"area table after venues", "[[venues]]\ncode = \"A\"\n  [areas.x]\n", -1},
		{"lesson after venues", "[[venues]]\ncode = \"A\"\r\n[[lessons]]\nid = \"x\"\n", -1},
		{"a venue named after a region", "[[venues]]\nname = \"[[regions]]\"\n", 0},
		{"venues' sub-table", "[[venues]]\n[[venues.print]]\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLocator([]byte(tc.data))
			got := l.beforeVenues()
			want := tc.cut
			if want < 0 {
				if got != l {
					t.Errorf("kept %q, want the whole file", got.data)
				}
				return
			}
			if string(got.data) != tc.data[:want] {
				t.Errorf("kept %q, want %q", got.data, tc.data[:want])
			}
		})
	}
}
