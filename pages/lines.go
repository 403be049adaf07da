package pages

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// Group is a run of helplines that the page says one thing over: what
// it says is what the data says of every line in the group.
type Group struct {
	L *lang.Locale
	// Kind is "confidential" (shares = "none": the page may say
	// "confidential" and "you decide"), "other" (not confirmed: each line
	// says to ask them first) or "authorities" (the police, inspectors and
	// lines that tell them, under the region's police note).
	Kind string
	// Note is the police note's suffix: "" for "helplines.police-note",
	// ".de" for "helplines.police-note.de".
	Note  string
	Lines []Line
}

// Groups sorts a list of helplines into the page's groups, in this order:
// confidential support first, then lines whose policy is unknown, then
// the police and inspectors. Within a group, lines keep the config's order.
func (d *PageData) Groups(hs []site.Helpline) []Group {
	kinds := []string{"confidential", "other", "authorities"}
	groups := make([]Group, len(kinds))
	for i, k := range kinds {
		groups[i] = Group{L: d.L, Kind: k}
	}
	if d.Region.PoliceNote != "" {
		groups[2].Note = "." + d.Region.PoliceNote
	}
	for i := range hs {
		h := &hs[i]
		g := 1
		switch {
		case h.Confidential():
			g = 0
		case h.Authority():
			g = 2
		}
		groups[g].Lines = append(groups[g].Lines, Line{L: d.L, H: h})
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Lines) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Demo reports whether the site is a demonstration, which its pages say.
func (d *PageData) Demo() bool { return d.site != nil && d.site.Config.Demo }

// EmergencyInterpreters reports whether any of the region's emergency
// numbers connects interpreters, so that the page tells a caller what to
// say and to wait through the silence.
func (d *PageData) EmergencyInterpreters() bool {
	for _, e := range d.Region.Emergency {
		if e.Interpreters {
			return true
		}
	}
	return false
}

// Autonym is a language as its own speakers name it: a reader finds
// their language by its own name, whatever the page's language.
type Autonym struct{ Tag, Name string }

func autonyms(tags []string) []Autonym {
	out := make([]Autonym, 0, len(tags))
	for _, t := range tags {
		name := t
		if tag, err := language.Parse(t); err == nil {
			if n := display.Self.Name(tag); n != "" {
				name = n
			}
		}
		out = append(out, Autonym{Tag: t, Name: name})
	}
	return out
}
