package site

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// locator finds the line of a table or key in the TOML text. The TOML
// decoder reports lines only for syntax errors; validation errors need them
// too, because "region 3, helpline 2" means little to a person editing a file.
//
// It is built lazily, on the first error: a valid config needs no line
// numbers, and splitting a 100,000-venue file into lines and indexing every
// table cost a third of the loading time and tens of megabytes.
type locator struct {
	data  []byte
	built bool
	lines []string
	// blocks maps "regions/0", "regions/0/helplines/1" to [start, end) lines.
	blocks map[string][2]int
}

var headerRE = regexp.MustCompile(`^\s*\[\[\s*([A-Za-z0-9_.]+)\s*\]\]`)

func newLocator(data []byte) *locator {
	return &locator{data: data}
}

// build indexes the text; every method calls it first.
func (l *locator) build() {
	if l.built {
		return
	}
	l.built = true
	l.lines, l.blocks = strings.Split(string(l.data), "\n"), map[string][2]int{}
	// counts numbers each array of tables under its parent's own block
	// ("regions/0/helplines" counts that region's helplines), so a new
	// parent restarts its children's numbering; current is the block each
	// path's latest table opened.
	counts := map[string]int{}
	current := map[string]string{}
	var open string
	for i, line := range l.lines {
		m := headerRE.FindStringSubmatch(line)
		if m == nil {
			if strings.HasPrefix(strings.TrimSpace(line), "[") && open != "" {
				l.close(open, i)
				open = ""
			}
			continue
		}
		if open != "" {
			l.close(open, i)
		}
		parts := strings.Split(m[1], ".")
		parent := ""
		if len(parts) > 1 {
			parent = current[strings.Join(parts[:len(parts)-1], ".")] + "/"
		}
		array := parent + parts[len(parts)-1]
		key := array + "/" + strconv.Itoa(counts[array])
		counts[array]++
		current[m[1]] = key
		l.blocks[key] = [2]int{i, len(l.lines)}
		open = key
	}
}

// close ends the innermost open block at line end. A parent's block ends
// where its first child starts, which is enough to find the parent's keys:
// TOML requires them before any child table.
func (l *locator) close(key string, end int) {
	b := l.blocks[key]
	b[1] = end
	l.blocks[key] = b
}

// find returns the 1-based line of key inside block, or of the block header.
func (l *locator) find(block, key string) int {
	l.build()
	b, ok := l.blocks[block]
	if !ok {
		return 0
	}
	if key != "" {
		re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
		for i := b[0] + 1; i < b[1]; i++ {
			if re.MatchString(l.lines[i]) {
				return i + 1
			}
		}
	}
	return b[0] + 1
}

func (l *locator) in(table string, i int, key string) int {
	return l.find(table+"/"+strconv.Itoa(i), key)
}

func (l *locator) in2(table string, i int, child string, j int, key string) int {
	return l.find(table+"/"+strconv.Itoa(i)+"/"+child+"/"+strconv.Itoa(j), key)
}

// in3 finds a key of a table three levels down, as
// [[regions.helplines.channels]].
func (l *locator) in3(table string, i int, child string, j int, grandchild string, k int, key string) int {
	return l.find(table+"/"+strconv.Itoa(i)+"/"+child+"/"+strconv.Itoa(j)+"/"+grandchild+"/"+strconv.Itoa(k), key)
}

// top finds a top-level key, which TOML requires before the first table.
func (l *locator) top(key string) int {
	l.build()
	re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
	for i, line := range l.lines {
		if headerRE.MatchString(line) {
			break
		}
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

var tableRE = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_."-]+)\s*\]\]?`)

// keyLines finds every line where an undecoded key such as
// regions.helplines.phone is set: in each table of that path, or at the
// top level for a one-part key.
func (l *locator) keyLines(k toml.Key) []int {
	if len(k) == 0 {
		return nil
	}
	l.build()
	parent := strings.Join(k[:len(k)-1], ".")
	last := k[len(k)-1]
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(last) + `"?\s*=`)
	var out []int
	table := ""
	for i, line := range l.lines {
		if m := tableRE.FindStringSubmatch(line); m != nil {
			table = m[1]
			continue
		}
		if table == parent && re.MatchString(line) {
			out = append(out, i+1)
		}
	}
	if len(out) == 0 {
		if n := l.key(k); n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// key finds the line of an undecoded key such as regions.helplines.phone.
func (l *locator) key(k toml.Key) int {
	if len(k) == 0 {
		return 0
	}
	l.build()
	last := k[len(k)-1]
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(last) + `"?\s*=`)
	for i, line := range l.lines {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

var venuesHeaderRE = regexp.MustCompile(`^\s*\[\[\s*venues\s*\]\]`)
var placeHeaderRE = regexp.MustCompile(`^\s*\[\[?\s*(regions|areas|lessons)\b`)

// beforeVenues returns a locator over the text before the first
// [[venues]] table when no region, area or lesson follows it, or l
// itself. Line numbers are the same: it is a prefix of the file.
//
// The regular expressions see only lines that start with "[": run over
// a campaign's whole file, they cost a tenth of a second of start-up.
func (l *locator) beforeVenues() *locator {
	venues := -1
	for at, rest := 0, l.data; len(rest) > 0; {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		if t := bytes.TrimLeft(line, " \t\r\f"); len(t) > 0 && t[0] == '[' {
			switch {
			case venues < 0 && venuesHeaderRE.Match(line):
				venues = at
			case venues >= 0 && placeHeaderRE.Match(line):
				return l
			}
		}
		at += len(line) + 1
		rest = next
	}
	if venues < 0 {
		return l
	}
	return newLocator(l.data[:venues])
}
