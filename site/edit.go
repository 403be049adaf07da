package site

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Editing a config file in place (`waymark venues import`). The TOML
// library cannot write a file back with its comments, and an operator's
// config is mostly comments that say why each number is there, so the
// import edits the text: it rewrites only the lines of the settings that
// change, adds lines for new settings at the end of their venue's block,
// and appends new venues at the end of the file. Everything else stays
// byte for byte. The caller parses the result again before writing it.

// VenueChange is one venue to write: Old is its place in the config's
// venues and what it holds now, or -1 and nil for a new venue.
type VenueChange struct {
	Index int
	Old   *Venue
	New   Venue
}

// venueKeys are the settings an import writes, in the order a new block
// lists them.
var venueKeys = []string{"code", "own_id", "name", "region", "area", "languages", "paper", "copies"}

// venueValue is the TOML value of one of a venue's settings, or "" when
// the setting is left out (its zero value).
func venueValue(v *Venue, key string) string {
	switch key {
	case "code":
		return tomlString(v.Code)
	case "own_id":
		if v.OwnID != "" {
			return tomlString(v.OwnID)
		}
	case "name":
		return tomlString(v.Name)
	case "region":
		return tomlString(v.Region)
	case "area":
		if v.Area != "" {
			return tomlString(v.Area)
		}
	case "languages":
		q := make([]string, len(v.Languages))
		for i, l := range v.Languages {
			q[i] = tomlString(l)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case "paper":
		if v.Paper != "" {
			return tomlString(v.Paper)
		}
	case "copies":
		if v.Copies != 0 {
			return strconv.Itoa(v.Copies)
		}
	}
	return ""
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var venueTableRE = regexp.MustCompile(`^\s*\[\[\s*venues\s*\]\]\s*(#.*)?$`)

// EditVenues returns the config text data with the changes made. count is
// how many venues the config holds, as parsed: the text must have one
// [[venues]] table for each, or the import cannot tell which is which.
func EditVenues(data []byte, count int, changes []VenueChange) ([]byte, error) {
	text := string(data)
	crlf := strings.Contains(text, "\r\n")
	if crlf {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	lines := strings.Split(text, "\n")
	// blocks[i] is the first line after venue i's header, and the line
	// of the next table header (or the end).
	var starts []int
	var blocks [][2]int
	for i, l := range lines {
		if tableRE.MatchString(l) {
			if n := len(starts); n > 0 && blocks[n-1][1] == -1 {
				blocks[n-1][1] = i
			}
			if venueTableRE.MatchString(l) {
				starts = append(starts, i)
				blocks = append(blocks, [2]int{i + 1, -1})
			}
		}
	}
	if n := len(blocks); n > 0 && blocks[n-1][1] == -1 {
		blocks[n-1][1] = len(lines)
	}
	if len(blocks) != count {
		return nil, fmt.Errorf("the file has %d [[venues]] tables for %d venues: write each venue as its own [[venues]] table so that the import can edit it", len(blocks), count)
	}

	// Edits replace line ranges; they are applied from the end so that
	// earlier line numbers stay true.
	type edit struct {
		from, to int // replace lines[from:to]
		with     []string
	}
	var edits []edit
	var appended []string
	for _, ch := range changes {
		if ch.Index < 0 {
			appended = append(appended, "", "[[venues]]")
			for _, k := range venueKeys {
				if v := venueValue(&ch.New, k); v != "" {
					appended = append(appended, k+" = "+v)
				}
			}
			continue
		}
		if ch.Index >= len(blocks) {
			return nil, fmt.Errorf("venue %d is not in the file", ch.Index+1)
		}
		b := blocks[ch.Index]
		insertAt, indent := b[0], ""
		var inserted []string
		for _, k := range venueKeys {
			old, nw := venueValue(ch.Old, k), venueValue(&ch.New, k)
			if old == nw {
				continue
			}
			at, end, comment, err := findKey(lines, b[0], b[1], k)
			if err != nil {
				return nil, fmt.Errorf("venue %q: %w", ch.Old.Code, err)
			}
			switch {
			case at < 0 && nw != "":
				inserted = append(inserted, k+" = "+nw)
			case at < 0:
			case nw == "":
				edits = append(edits, edit{at, end + 1, nil})
			default:
				ind := lines[at][:len(lines[at])-len(strings.TrimLeft(lines[at], " \t"))]
				edits = append(edits, edit{at, end + 1, []string{ind + k + " = " + nw + comment}})
			}
		}
		if len(inserted) > 0 {
			// After the block's last setting, with its indent, so that
			// comments heading the next table stay with it.
			for i := b[0]; i < b[1]; i++ {
				t := strings.TrimSpace(lines[i])
				if t == "" || strings.HasPrefix(t, "#") {
					continue
				}
				if _, end, _, err := findKey(lines, i, b[1], ""); err == nil && end >= i {
					insertAt = end + 1
					indent = lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
					i = end
				}
			}
			for i := range inserted {
				inserted[i] = indent + inserted[i]
			}
			edits = append(edits, edit{insertAt, insertAt, inserted})
		}
	}
	// Apply from the last line up, so that earlier line numbers stay
	// true; the edits of one block never overlap.
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Or(b.from-a.from, b.to-a.to) })
	for _, e := range edits {
		tail := append([]string{}, lines[e.to:]...)
		lines = append(append(lines[:e.from], e.with...), tail...)
	}
	if len(appended) > 0 {
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		lines = append(lines, appended...)
		lines = append(lines, "")
	}
	out := strings.Join(lines, "\n")
	if crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return []byte(out), nil
}

var keyLineRE = regexp.MustCompile(`^\s*("?)([A-Za-z0-9_-]+)("?)\s*=`)

// findKey finds the setting key in lines[from:to]: its first and last
// line (a value such as an array may span lines) and the comment that
// ends its last line, with the spaces before it. at is -1 when the block
// has no such setting. With key "", it reads the setting at line from.
func findKey(lines []string, from, to int, key string) (at, end int, comment string, err error) {
	for i := from; i < to; i++ {
		m := keyLineRE.FindStringSubmatchIndex(lines[i])
		if m == nil || m[2] != m[3] && m[6] == m[7] {
			continue
		}
		if key != "" && lines[i][m[4]:m[5]] != key {
			continue
		}
		if key == "" && i != from {
			break
		}
		end, comment, err := valueEnd(lines, i, m[1], to)
		return i, end, comment, err
	}
	return -1, -1, "", nil
}

// valueEnd scans a TOML value that starts at lines[i][col:] and returns
// its last line and the comment after it. It knows strings and nested
// arrays and inline tables, which is all a venue's settings use; a
// multi-line string it refuses rather than guess.
func valueEnd(lines []string, i, col, to int) (int, string, error) {
	depth := 0
	for ; i < to; i, col = i+1, 0 {
		l := lines[i]
		for j := col; j < len(l); j++ {
			switch c := l[j]; c {
			case '"', '\'':
				if strings.HasPrefix(l[j:], `"""`) || strings.HasPrefix(l[j:], "'''") {
					return 0, "", fmt.Errorf("line %d: a multi-line string; write it on one line for the import to edit", i+1)
				}
				k := j + 1
				for ; k < len(l) && l[k] != c; k++ {
					if c == '"' && l[k] == '\\' {
						k++
					}
				}
				j = k
			case '[', '{':
				depth++
			case ']', '}':
				depth--
			case '#':
				if depth == 0 {
					s := j
					for s > 0 && (l[s-1] == ' ' || l[s-1] == '\t') {
						s--
					}
					return i, l[s:], nil
				}
				j = len(l)
			}
		}
		if depth <= 0 {
			return i, "", nil
		}
	}
	return 0, "", fmt.Errorf("line %d: a value that does not end", i+1)
}
