package site

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Config hygiene: every string of a config is shown on pages, printed on
// posters or written to logs, so none may hold characters that hide or
// reorder text (bidirectional controls such as U+202E turn "moc.elpmaxe"
// into "example.com" on screen), control characters (NUL, ESC and the
// like, which terminals obey), or be long enough to bloat every page.
//
// checkHygiene walks the decoded config by reflection, so that fields
// added later are covered without being listed here.

// Length bounds in bytes, by the name of the setting (its toml key):
// URLs may be long, free text (notes) longer; everything else is a name,
// an ID, a number or a code.
const (
	maxNameBytes = 200
	maxURLBytes  = 2048
	maxTextBytes = 4000
	// maxNumber bounds every integer setting (seconds, counts).
	maxNumber = 1_000_000
)

func maxBytesFor(key string) int {
	switch {
	case strings.Contains(key, "url"), strings.HasPrefix(key, "exit_by"):
		return maxURLBytes
	case strings.Contains(key, "note"), strings.Contains(key, "description"), strings.Contains(key, "text_"):
		return maxTextBytes
	}
	return maxNameBytes
}

// badRune names a character a config string must not hold, or "".
func badRune(r rune) string {
	switch {
	case r == '\t' || r == '\n':
		return "" // whitespace in free text
	case r == 0:
		return "NUL"
	case r == 0x1b:
		return "ESC"
	case r < 0x20, r == 0x7f:
		return fmt.Sprintf("control character U+%04X", r)
	case r >= 0x80 && r <= 0x9f:
		return fmt.Sprintf("C1 control character U+%04X", r)
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return fmt.Sprintf("bidirectional control U+%04X", r)
	case r == 0x2028 || r == 0x2029:
		return fmt.Sprintf("line separator U+%04X", r)
	case r == utf8.RuneError:
		return "invalid UTF-8"
	}
	return ""
}

// hygienePath is where a value sits, for the locator: a top-level key, a
// key of [[table]] i, or a key of [[table.child]] j of table i.
type hygienePath struct {
	table, child string
	i, j         int
	depth        int // number of array-of-table levels entered
	key          string
}

func (p hygienePath) line(loc *locator) int {
	switch p.depth {
	case 0:
		return loc.top(p.key)
	case 1:
		return loc.in(p.table, p.i, p.key)
	default:
		return loc.in2(p.table, p.i, p.child, p.j, p.key)
	}
}

func (p hygienePath) String() string {
	switch p.depth {
	case 0:
		return p.key
	case 1:
		return fmt.Sprintf("%s %d: %s", strings.TrimSuffix(p.table, "s"), p.i+1, p.key)
	default:
		return fmt.Sprintf("%s %d, %s %d: %s", strings.TrimSuffix(p.table, "s"), p.i+1, strings.TrimSuffix(p.child, "s"), p.j+1, p.key)
	}
}

// checkHygiene reports each bad string or number with its line.
func checkHygiene(c *Config, loc *locator, add func(int, string, ...any)) {
	walkHygiene(reflect.ValueOf(c).Elem(), hygienePath{}, loc, add)
}

func walkHygiene(v reflect.Value, p hygienePath, loc *locator, add func(int, string, ...any)) {
	switch v.Kind() {
	case reflect.String:
		checkString(v.String(), p, loc, add)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n := v.Int(); n > maxNumber || n < -maxNumber {
			add(p.line(loc), "%s: %d is out of range (at most %d)", p, n, maxNumber)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n := v.Uint(); n > maxNumber {
			add(p.line(loc), "%s: %d is out of range (at most %d)", p, n, maxNumber)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkHygiene(v.Elem(), p, loc, add)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Struct && p.depth < 2 {
			// An array of tables: each element is a block of its own.
			for k := 0; k < v.Len(); k++ {
				q := p
				if p.depth == 0 {
					q.table, q.i = p.key, k
				} else {
					q.child, q.j = p.key, k
				}
				q.depth++
				q.key = ""
				walkHygiene(v.Index(k), q, loc, add)
			}
			return
		}
		for k := 0; k < v.Len(); k++ {
			walkHygiene(v.Index(k), p, loc, add)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if it.Key().Kind() == reflect.String {
				checkString(it.Key().String(), p, loc, add)
			}
			walkHygiene(it.Value(), p, loc, add)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for _, f := range structFields(v.Type()) {
			q := p
			if !f.embedded {
				q.key = f.key
			}
			walkHygiene(v.Field(f.index), q, loc, add)
		}
	}
}

var timeType = reflect.TypeFor[time.Time]()

// hygieneField is one exported, decoded field of a config struct.
type hygieneField struct {
	index    int
	key      string // its toml key
	embedded bool   // an embedded struct: its fields are the parent's keys
}

// hygieneFields caches structFields: a config has few struct types and up
// to 100,000 venues.
var hygieneFields sync.Map // reflect.Type -> []hygieneField

func structFields(t reflect.Type) []hygieneField {
	if fs, ok := hygieneFields.Load(t); ok {
		return fs.([]hygieneField)
	}
	var fs []hygieneField
	for k := 0; k < t.NumField(); k++ {
		f := t.Field(k)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, hygieneField{index: k, key: name, embedded: f.Anonymous})
	}
	hygieneFields.Store(t, fs)
	return fs
}

func checkString(s string, p hygienePath, loc *locator, add func(int, string, ...any)) {
	if limit := maxBytesFor(p.key); len(s) > limit {
		add(p.line(loc), "%s: %d bytes is too long (at most %d)", p, len(s), limit)
	}
	// Printable ASCII, the common case, needs no decoding.
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return
	}
	for _, r := range s {
		if why := badRune(r); why != "" {
			add(p.line(loc), "%s: holds a %s; remove it (it can hide or reorder text, or drive a terminal)", p, why)
			return
		}
	}
}
