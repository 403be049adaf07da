package site

import (
	"fmt"
	"reflect"
	"strings"
)

// The settings a config file may hold are the decoder's: the toml tags of
// Config and of the structs under it. Both the unknown-key error and the
// reference's test (docs/config.md) read them from here, so neither can
// drift from what the decoder accepts.

// Tables returns every table of a config file and its settings, in the
// order the structs declare them: "" for the top level, "regions",
// "regions.helplines", "regions.helplines.channels" and so on. A map
// setting (names, exit_by_language) takes any key and is listed as one
// setting of its table.
func Tables() map[string][]string {
	out := map[string][]string{}
	var walk func(path string, t reflect.Type)
	walk = func(path string, t reflect.Type) {
		keys := []string{}
		for _, f := range settings(t) {
			keys = append(keys, f.key)
			if et := tableOf(f.typ); et != nil {
				walk(strings.TrimPrefix(path+"."+f.key, "."), et)
			}
		}
		out[path] = keys
	}
	walk("", reflect.TypeFor[Config]())
	return out
}

type setting struct {
	key string
	typ reflect.Type
}

// settings lists a struct's toml keys, with an embedded struct's keys
// (Fact) as its own.
func settings(t reflect.Type) []setting {
	var out []setting
	for _, f := range structFields(t) {
		sf := t.Field(f.index)
		if f.embedded {
			out = append(out, settings(sf.Type)...)
			continue
		}
		out = append(out, setting{key: f.key, typ: sf.Type})
	}
	return out
}

// tableOf returns the struct type of an array of tables, or nil.
func tableOf(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && t.Elem() != reflect.TypeFor[Date]() {
		return t.Elem()
	}
	return nil
}

// unknownKeyMessage explains a setting the decoder did not know: the
// closest valid key of its table, if one is close, and all of them.
func unknownKeyMessage(key []string) string {
	full := strings.Join(key, ".")
	table := strings.Join(key[:len(key)-1], ".")
	valid, ok := Tables()[table]
	if !ok {
		return fmt.Sprintf("unknown setting %q (misspelt?)", full)
	}
	last := key[len(key)-1]
	where := "at the top of the file"
	if table != "" {
		where = "in [[" + table + "]]"
	}
	msg := fmt.Sprintf("unknown setting %q", full)
	if near := closest(last, valid); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + fmt.Sprintf(": the settings %s are %s (docs/config.md)", where, strings.Join(valid, ", "))
}

// closest returns the valid key nearest to s, if it is near enough to be
// a slip: at most a third of its letters differ.
func closest(s string, valid []string) string {
	best, bestD := "", max(1, len(s)/3)+1
	for _, v := range valid {
		if d := editDistance(strings.ToLower(s), v); d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

// editDistance is Levenshtein's distance between two short keys.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
