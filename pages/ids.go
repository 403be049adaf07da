package pages

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"text/template/parse"

	"github.com/waymark/waymark/lang"
	"github.com/waymark/waymark/site"
)

// dynamicIDs are the message IDs that templates build at run time with
// (print "prefix" value ...): for each prefix, every value the rest can
// take. Helpline kinds and rights topics are what the loaded config uses,
// so the translators' check covers exactly what its pages show. A template
// that builds an ID from another prefix is refused by TemplateIDs until the
// prefix is listed here, so that no message can escape the check.
func dynamicIDs(cfg *site.Config) map[string][]string {
	ids := map[string][]string{
		"helpline.kind.": {},
		"rights.":        {},
		"online.":        browsers,
		"day.":           site.Weekdays,
		"action.":        site.ChannelTypes,
		// The general note, and each region's own (".de").
		"helplines.police-note": {""},
		"emergency.for.":        {},
		"emergency.conditions.": {},
		// "lesson.<id>.title" and ".intro": a lesson's ID is data.
		"lesson.": {},
	}
	if cfg != nil {
		ids["lesson."] = cfg.LessonIDs()
		ids["helpline.kind."] = cfg.HelplineKinds()
		ids["rights."] = cfg.RightsTopics()
		for _, n := range cfg.PoliceNotes() {
			ids["helplines.police-note"] = append(ids["helplines.police-note"], "."+n)
		}
		ids["emergency.for."] = cfg.EmergencyLabels()
		ids["emergency.conditions."] = cfg.EmergencyConditions()
	}
	return ids
}

// translateMethods are the *lang.Locale methods that take a message ID.
var translateMethods = []string{"T", "TN", "Text"}

// TemplateIDs returns, sorted, the message IDs that the templates in
// assets (templates/*.html) use: literal IDs such as {{.L.T "exit.button"}}
// and {{$.Tear.TN "x" 2}}, and IDs built with print, such as
// {{$.L.T (print "helpline.kind." .Kind)}}, expanded over every value in
// dynamicIDs for cfg. goi18n extract reads only Go code and cannot see
// these.
//
// IDs that reach a template as data, such as {{$.L.T .}} over the rights
// paragraphs, are not listed: UsedIDs adds those.
func TemplateIDs(assets fs.FS, cfg *site.Config) ([]string, error) {
	dynamic := dynamicIDs(cfg)
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("templates: no templates/*.html")
	}
	set := map[string]bool{}
	for _, name := range names {
		data, err := fs.ReadFile(assets, name)
		if err != nil {
			return nil, err
		}
		trees := map[string]*parse.Tree{}
		t := parse.New(name)
		t.Mode = parse.SkipFuncCheck
		if _, err := t.Parse(string(data), "{{", "}}", trees); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		keys := make([]string, 0, len(trees))
		for k := range trees {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			tree := trees[k]
			w := &idWalker{tree: tree, ids: set, dynamic: dynamic}
			w.walk(tree.Root)
			if w.err != nil {
				return nil, w.err
			}
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}

// UsedIDs is every message ID the pages of cfg can show: TemplateIDs,
// plus the rights paragraphs that Build passes to the templates as data
// ("rights.<topic>.p1", "p2", ... as far as English has them; every topic
// needs at least p1).
func UsedIDs(assets fs.FS, en *lang.Locale, cfg *site.Config) ([]string, error) {
	ids, err := TemplateIDs(assets, cfg)
	if err != nil {
		return nil, err
	}
	// Numbered lists: each needs its first item even where English lacks
	// it, so that Check says so; the rest as far as English has them.
	prefixes := []string{signsPrefix, othersPrefix}
	if cfg != nil {
		for _, t := range cfg.RightsTopics() {
			prefixes = append(prefixes, "rights."+t+".p")
		}
		for _, id := range cfg.LessonIDs() {
			prefixes = append(prefixes, lessonSteps(id), lessonLimits(id))
		}
	}
	for _, prefix := range prefixes {
		ids = append(ids, prefix+"1")
		if en != nil {
			ids = append(ids, numbered(en, prefix)...)
		}
	}
	if cfg != nil {
		// A deployment is not asked to translate what its pages never
		// show (the UK's silent-call advice in Ireland).
		ids = slices.DeleteFunc(ids, func(id string) bool {
			shown, ok := shownWhen[id]
			return ok && !shown(cfg)
		})
	}
	sort.Strings(ids)
	return slices.Compact(ids), nil
}

// shownWhen are messages the page template shows only for some data:
// each with the test of whether a config has that data.
var shownWhen = map[string]func(*site.Config) bool{
	"emergency.silent":      anyEmergency(func(e *site.Emergency) bool { return e.SilentCall }),
	"emergency.text":        anyEmergency(func(e *site.Emergency) bool { return e.TextRegistration }),
	"area.heading":          func(c *site.Config) bool { return len(c.Areas) > 0 },
	"area.lead":             func(c *site.Config) bool { return len(c.Areas) > 0 },
	"helpline.free":         anyHelpline(func(h *site.Helpline) bool { return h.Free }),
	"helpline.interpreters": anyHelpline(func(h *site.Helpline) bool { return h.Interpreters }),
	// The course's shared texts, where a deployment has a course.
	"course.heading":  hasLessons,
	"course.lead":     hasLessons,
	"course.position": hasLessons,
	"course.steps":    hasLessons,
	"course.limits":   hasLessons,
	"course.next":     hasLessons,
	"course.back":     hasLessons,
	"course.all":      hasLessons,
	"course.guides": func(c *site.Config) bool {
		return hasLessons(c) && slices.ContainsFunc(c.Regions, func(r site.Region) bool { return len(r.Guides) > 0 })
	},
	"course.texts": lessonShows(site.ShowTexts),
	"course.strip": lessonShows(site.ShowStrip),
	"kiosk.course": hasLessons,
}

func hasLessons(c *site.Config) bool { return len(c.Lessons) > 0 }

func lessonShows(what string) func(*site.Config) bool {
	return func(c *site.Config) bool {
		return slices.ContainsFunc(c.Lessons, func(l site.Lesson) bool { return slices.Contains(l.Show, what) })
	}
}

func anyEmergency(f func(*site.Emergency) bool) func(*site.Config) bool {
	return func(c *site.Config) bool {
		for _, r := range c.Regions {
			for i := range r.Emergency {
				if f(&r.Emergency[i]) {
					return true
				}
			}
		}
		return false
	}
}

func anyHelpline(f func(*site.Helpline) bool) func(*site.Config) bool {
	return func(c *site.Config) bool {
		for _, r := range c.Regions {
			for i := range r.Helplines {
				if f(&r.Helplines[i]) {
					return true
				}
			}
		}
		for _, a := range c.Areas {
			for i := range a.Helplines {
				if f(&a.Helplines[i]) {
					return true
				}
			}
		}
		return false
	}
}

type idWalker struct {
	tree    *parse.Tree
	ids     map[string]bool
	dynamic map[string][]string
	err     error
}

func (w *idWalker) fail(n parse.Node, format string, args ...any) {
	if w.err == nil {
		loc, _ := w.tree.ErrorContext(n)
		w.err = fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
	}
}

func (w *idWalker) walk(n parse.Node) {
	if n == nil || w.err != nil {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.walk(c)
		}
	case *parse.ActionNode:
		w.walk(n.Pipe)
	case *parse.IfNode:
		w.branch(&n.BranchNode)
	case *parse.RangeNode:
		w.branch(&n.BranchNode)
	case *parse.WithNode:
		w.branch(&n.BranchNode)
	case *parse.TemplateNode:
		w.walk(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			w.walk(c)
		}
	case *parse.ChainNode:
		w.walk(n.Node)
	case *parse.CommandNode:
		if len(n.Args) >= 2 && isTranslateCall(n.Args[0]) {
			w.id(n, n.Args[1])
		}
		for _, a := range n.Args {
			w.walk(a)
		}
	}
}

func (w *idWalker) branch(b *parse.BranchNode) {
	w.walk(b.Pipe)
	w.walk(b.List)
	if b.ElseList != nil {
		w.walk(b.ElseList)
	}
}

// isTranslateCall reports whether a command calls a Locale method that
// takes a message ID: .L.T, $.L.TN, $.Tear.T, (index .Blocks 0).L.T.
func isTranslateCall(n parse.Node) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		if len(n.Ident) < 2 {
			return false
		}
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	default:
		return false
	}
	return len(idents) > 0 && slices.Contains(translateMethods, idents[len(idents)-1])
}

// id records the message ID that arg names.
func (w *idWalker) id(call *parse.CommandNode, arg parse.Node) {
	switch a := arg.(type) {
	case *parse.StringNode:
		w.ids[a.Text] = true
	case *parse.PipeNode:
		if len(a.Cmds) != 1 || len(a.Decl) > 0 {
			w.fail(call, "cannot tell which message %s names; use a literal ID or (print \"prefix\" .Value)", arg)
			return
		}
		args := a.Cmds[0].Args
		fn, ok := args[0].(*parse.IdentifierNode)
		if !ok || fn.Ident != "print" || len(args) < 3 {
			w.fail(call, "cannot tell which message %s names; use a literal ID or (print \"prefix\" .Value)", arg)
			return
		}
		prefix, ok := args[1].(*parse.StringNode)
		var values []string
		known := false
		if ok {
			values, known = w.dynamic[prefix.Text]
		}
		if !known {
			w.fail(call, "message ID %s: its prefix is not in dynamicIDs (pages/ids.go); list the values it can take there", arg)
			return
		}
		if _, isString := args[2].(*parse.StringNode); isString {
			w.fail(call, "message ID %s: put the variable part right after the prefix", arg)
			return
		}
		var suffix string
		for _, rest := range args[3:] {
			s, ok := rest.(*parse.StringNode)
			if !ok {
				w.fail(call, "message ID %s has more than one variable part; dynamicIDs cannot expand it", arg)
				return
			}
			suffix += s.Text
		}
		for _, v := range values {
			w.ids[prefix.Text+v+suffix] = true
		}
	default:
		// An ID passed in as data ({{$.L.T .}}): the Go code that chose it
		// answers for it (see UsedIDs).
	}
}
