package audio

import (
	"sort"
	"strings"

	"github.com/waymark/waymark/lang"
)

// A section is what one Listen control reads: its key is the one the page
// template names ({{template "listen" ($.Listen "signs")}}, and
// "rights.<topic>" for each rights topic), so the list of sections is the
// template's, not a Go list.
//
// Its text is every message the pages use whose ID starts with the key and
// a dot ("signs.heading", "signs.lead", "signs.item1", ...), in the order
// the English page shows them (order: a message's place in the rendered
// English pages; the files' own order is alphabetical, goi18n's), except
// messages with a placeholder: those carry a
// number or a name that differs from region to region ("call {{.Number}}
// and stay on the line"), which one recording per language cannot say
// rightly everywhere. The numbers stay on the buttons beside the control.

// SectionIDs lists the message IDs a section's recording reads.
func SectionIDs(key string, en *lang.Locale, used map[string]bool, order map[string]int) []string {
	prefix := key + "."
	var ids []string
	for id, m := range en.Messages {
		if !strings.HasPrefix(id, prefix) || (used != nil && !used[id]) {
			continue
		}
		placeholder := false
		for _, f := range m.Forms {
			if strings.Contains(f, "{{") {
				placeholder = true
			}
		}
		if !placeholder {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, okA := order[ids[i]]
		b, okB := order[ids[j]]
		if okA != okB {
			return okA // shown before not shown
		}
		if a != b {
			return a < b
		}
		return ids[i] < ids[j]
	})
	return ids
}

// Script is the text a volunteer reads for a section, one message a
// paragraph, exactly as the page shows it in loc (English where the
// translation lacks a message).
func Script(loc *lang.Locale, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, loc.Text(id))
	}
	return out
}

// TextHash is the hash a recording of the section must carry to be
// current: lang.Hash of the script's paragraphs, one a line.
func TextHash(loc *lang.Locale, ids []string) string {
	return lang.Hash("", strings.Join(Script(loc, ids), "\n"))
}
