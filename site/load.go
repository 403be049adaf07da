package site

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"

	"github.com/waymark/waymark/internal/safefile"
)

// Error is one problem in a config file, with the line it is on, so that an
// operator can fix every problem in one pass.
type Error struct {
	File string
	Line int // 0 when the problem has no single line
	Msg  string
}

func (e Error) Error() string { return e.Where() + ": " + e.Msg }

// Where is "file:line", or the file alone.
func (e Error) Where() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

// Errors is every problem found in one config file.
type Errors []Error

const (
	// MaxConfigBytes is the largest config read: 100,000 venues take 11 MB.
	MaxConfigBytes = 64 << 20
	// MaxNesting bounds how deep arrays and tables nest in a config.
	MaxNesting = 32
	// maxShownErrors and maxErrorLen bound what an error says, so that a
	// hostile file cannot make a log line of megabytes.
	maxShownErrors = 100
	maxErrorLen    = 300
)

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == maxShownErrors {
			fmt.Fprintf(&b, "\n... and %d more problems", len(es)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(safefile.Clip(e.Error(), maxErrorLen))
	}
	return b.String()
}

var lineInMessageRE = regexp.MustCompile(`^line (\d+)(?: \(last key "[^"]*"\))?: `)

// LoadFile reads and validates a config file.
func LoadFile(path string, langs LanguageSet) (*Config, error) {
	data, err := safefile.ReadPath(path, MaxConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data, langs)
}

// LanguageSet tells the validator which languages have locale files, and
// which messages English has: a rights topic or helpline kind exists when
// its English text does.
type LanguageSet interface {
	Has(tag string) bool
	HasText(id string) bool
}

// Parse decodes and validates a config. name is used in error messages.
// Every problem is reported, each with its line where the file has one.
func Parse(name string, data []byte, langs LanguageSet) (*Config, error) {
	var c Config
	// The decoder is recursive: 6,000 nested inline tables took it to
	// 1.8 GB before any error. Nothing in a config nests more than 4 deep.
	if line, err := safefile.Nesting(data, MaxNesting); err != nil {
		return nil, Errors{{File: name, Line: line, Msg: err.Error()}}
	}
	undecoded, err := decodeConfig(data, &c) // chunk.go: large files in parts
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, Errors{{File: name, Line: perr.Position.Line, Msg: perr.Message}}
		}
		// Type mismatches give the line inside the message text.
		msg := strings.TrimPrefix(err.Error(), "toml: ")
		line := 0
		if m := lineInMessageRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = strings.TrimPrefix(msg, m[0])
		}
		return nil, Errors{{File: name, Line: line, Msg: msg}}
	}
	c.Source = name
	loc := newLocator(data)
	var errs Errors
	add := func(line int, format string, args ...any) {
		errs = append(errs, Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	// The decoder lists a misspelt key once per table it appears in; the
	// operator wants each place, once, at its own line.
	seen := map[string]bool{}
	for _, k := range undecoded {
		if seen[k.String()] {
			continue
		}
		seen[k.String()] = true
		lines := loc.keyLines(k)
		if len(lines) == 0 {
			lines = []int{0}
		}
		for _, l := range lines {
			add(l, "%s", unknownKeyMessage(k))
		}
	}
	c.validate(loc, langs, add)
	checkHygiene(&c, loc, add) // hygiene.go
	if len(errs) > 0 {
		return nil, errs
	}
	return &c, nil
}

func (c *Config) validate(loc *locator, langs LanguageSet, add func(int, string, ...any)) {
	// Every number's line is recorded (Facts), so the regions and areas
	// are located on every load; where they all come before the venues,
	// as usual, only that part of the file is indexed, so that a large
	// campaign's venues cost no line index unless one has an error.
	rloc := loc.beforeVenues()
	if len(c.Languages) == 0 {
		add(loc.top("languages"), "languages: list at least one language")
	}
	for _, l := range c.Languages {
		if langs != nil && !langs.Has(l) {
			add(loc.top("languages"), "languages: %q has no locale file (locales/active.%s.json)", l, l)
		}
	}
	if slices.Contains(c.Languages, "") {
		add(loc.top("languages"), "languages: empty language tag")
	}

	c.regionByID = make(map[string]*Region)
	for i := range c.Regions {
		r := &c.Regions[i]
		line := func(key string) int { return rloc.in("regions", i, key) }
		switch {
		case r.ID == "":
			add(line(""), "region %d has no id", i+1)
		case c.regionByID[r.ID] != nil:
			add(line("id"), "region %q is defined twice", r.ID)
		default:
			c.regionByID[r.ID] = r
		}
		if strings.TrimSpace(r.Title) == "" {
			add(line(""), "region %q: title is required (a neutral page title such as \"Travel information\")", r.ID)
		}
		if err := checkExitURL(r.ExitURL); err != nil {
			add(line("exit_url"), "region %q: exit_url %v", r.ID, err)
		}
		for l, u := range r.ExitByLanguage {
			if err := checkExitURL(u); err != nil {
				add(line("exit_by_language"), "region %q: exit_by_language %s: %v", r.ID, l, err)
			}
		}
		if len(r.Emergency) == 0 {
			add(line(""), "region %q: list at least one emergency number", r.ID)
		}
		for j := range r.Emergency {
			e := &r.Emergency[j]
			eline := func(key string) int { return rloc.in2("regions", i, "emergency", j, key) }
			if !isDialable(e.Number) {
				add(eline("number"), "region %q: emergency number %q: use digits, spaces, hyphens and a leading +", r.ID, e.Number)
			}
			what := fmt.Sprintf("region %q: emergency number %q", r.ID, e.Number)
			checkTextID(what, "label", e.Label, "emergency.for.", eline("label"), langs, add)
			checkTextID(what, "conditions", e.Conditions, "emergency.conditions.", eline("conditions"), langs, add)
			if e.TextOnly && e.Conditions == "" {
				add(eline("text_only"), "%s: text_only needs conditions = \"...\": who may text it and how (the message \"emergency.conditions.<conditions>\")", what)
			}
			if e.TextOnly && (e.SilentCall || e.TextRegistration) {
				add(eline("text_only"), "%s: a text-only number has no silent_call or text_registration: they describe calls and a call number's text service", what)
			}
			c.checkFact(&e.Fact, fmt.Sprintf("region %s: emergency number", r.ID), e.Number, eline("number"), eline, add)
		}
		for j := range r.Helplines {
			hline := func(key string) int { return rloc.in2("regions", i, "helplines", j, key) }
			cline := func(k int, key string) int { return rloc.in3("regions", i, "helplines", j, "channels", k, key) }
			c.checkHelpline(&r.Helplines[j], "region "+r.ID, hline, cline, langs, add)
		}
		checkOneStrip(r.Helplines, fmt.Sprintf("region %q", r.ID), func(j int) int { return rloc.in2("regions", i, "helplines", j, "strip") }, add)
		checkTextID(fmt.Sprintf("region %q", r.ID), "police_note", r.PoliceNote, "helplines.police-note.", line("police_note"), langs, add)
		for _, t := range r.Rights {
			switch {
			case !isID(t):
				add(line("rights"), "region %q: rights topic %q: use lower-case letters, digits and hyphens", r.ID, t)
			case langs == nil:
			case !langs.HasText("rights." + t + ".title"):
				add(line("rights"), "region %q: rights topic %q has no English text: add the message %q (and %q) to active.en.json, embedded or in --locales", r.ID, t, "rights."+t+".title", "rights."+t+".p1")
			case !langs.HasText("rights." + t + ".p1"):
				add(line("rights"), "region %q: rights topic %q has a title but no text: add the message %q to active.en.json, embedded or in --locales", r.ID, t, "rights."+t+".p1")
			}
		}
	}

	c.areaByID = make(map[string]*Area)
	for i := range c.Areas {
		a := &c.Areas[i]
		line := func(key string) int { return rloc.in("areas", i, key) }
		switch {
		case a.ID == "":
			add(line(""), "area %d has no id", i+1)
		case !isID(a.ID):
			add(line("id"), "area %q: use lower-case letters, digits and hyphens in its id", a.ID)
		case c.areaByID[a.ID] != nil:
			add(line("id"), "area %q is defined twice", a.ID)
		default:
			c.areaByID[a.ID] = a
		}
		if strings.TrimSpace(a.Name) == "" {
			add(line(""), "area %q: name is required (the heading of its local help, e.g. \"Greater Manchester\")", a.ID)
		}
		c.checkNames(a.Names, fmt.Sprintf("area %q", a.ID), line("names"), add)
		if len(a.Helplines) == 0 {
			add(line(""), "area %q: list at least one local organisation ([[areas.helplines]])", a.ID)
		}
		for j := range a.Helplines {
			hline := func(key string) int { return rloc.in2("areas", i, "helplines", j, key) }
			cline := func(k int, key string) int { return rloc.in3("areas", i, "helplines", j, "channels", k, key) }
			c.checkHelpline(&a.Helplines[j], "area "+a.ID, hline, cline, langs, add)
		}
		checkOneStrip(a.Helplines, fmt.Sprintf("area %q", a.ID), func(j int) int { return rloc.in2("areas", i, "helplines", j, "strip") }, add)
	}
	c.checkLessons(rloc, langs, add)
	if c.DefaultRegion == "" {
		add(loc.top("default_region"), "default_region is required")
	} else if c.regionByID[c.DefaultRegion] == nil {
		add(loc.top("default_region"), "default_region %q is not a region", c.DefaultRegion)
	}

	retired := map[string]bool{}
	for _, r := range c.RetiredCodes {
		code, ok := NormalizeCode(r)
		if !ok {
			add(loc.top("retired_codes"), "retired_codes: %q is not a code", r)
		}
		retired[code] = true
	}
	ownIDs := map[string]bool{}
	c.venueByCode = make(map[string]*Venue)
	for i := range c.Venues {
		v := &c.Venues[i]
		line := func(key string) int { return loc.in("venues", i, key) }
		code, ok := NormalizeCode(v.Code)
		switch {
		case !ok:
			add(line("code"), "venue code %q: use %d to %d characters from %s", v.Code, MinCodeLen, MaxCodeLen, codeAlphabet)
		case code != v.Code:
			add(line("code"), "venue code %q: write it as %q (upper case, no I, L, O or U)", v.Code, code)
		case c.venueByCode[code] != nil:
			add(line("code"), "venue code %q is used twice", code)
		case langs != nil && langs.Has(strings.ToLower(code)):
			add(line("code"), "venue code %q reads as a language tag; choose another", code)
		default:
			c.venueByCode[code] = v
			v.path = "/" + code
		}
		if c.regionByID[v.Region] == nil {
			add(line("region"), "venue %q: region %q is not defined", v.Code, v.Region)
		}
		if v.Area != "" && c.areaByID[v.Area] == nil {
			add(line("area"), "venue %q: area %q is not defined ([[areas]] with id = %q)", v.Code, v.Area, v.Area)
		}
		if len(v.Languages) == 0 {
			add(line("languages"), "venue %q: list the poster's languages", v.Code)
		}
		if v.KioskIdle < 0 || v.KioskIdle > 3600 {
			add(line("kiosk_idle"), "venue %q: kiosk_idle %d: seconds from 1 to 3600", v.Code, v.KioskIdle)
		}
		if v.KioskExit != "" && v.KioskExit != "reset" && v.KioskExit != "leave" {
			add(line("kiosk_exit"), "venue %q: kiosk_exit %q: want \"reset\" or \"leave\"", v.Code, v.KioskExit)
		}
		for _, l := range v.Languages {
			if !slices.Contains(c.Languages, l) {
				add(line("languages"), "venue %q: language %q is not in the site's languages", v.Code, l)
			}
		}
		c.checkPrintRun(v, line, ownIDs, add)
		if retired[v.Code] {
			add(line("code"), "venue code %q is retired (retired_codes): give the venue a new code", v.Code)
		}
	}
}

// checkPrintRun checks a venue's paper, copies and own ID.
func (c *Config) checkPrintRun(v *Venue, line func(string) int, ownIDs map[string]bool, add func(int, string, ...any)) {
	if v.Paper != "" && !slices.Contains(Papers, v.Paper) {
		add(line("paper"), "venue %q: paper %q: want \"A5\", \"A4\" or \"A3\"", v.Code, v.Paper)
	}
	if v.Copies < 0 || v.Copies > MaxCopies {
		add(line("copies"), "venue %q: copies %d: from 1 to %d", v.Code, v.Copies, MaxCopies)
	}
	if v.OwnID != "" {
		if ownIDs[v.OwnID] {
			add(line("own_id"), "venue %q: own_id %q is used twice", v.Code, v.OwnID)
		}
		ownIDs[v.OwnID] = true
	}
}

// checkHelpline checks one helpline of a region or an area, and puts its
// channels together: the shorthand's call and text, then [[channels]].
func (c *Config) checkHelpline(h *Helpline, where string, line func(string) int, cline func(int, string) int, langs LanguageSet, add func(int, string, ...any)) {
	if h.Name == "" {
		add(line(""), "%s: a helpline has no name", where)
	}
	switch {
	case h.Kind == "":
		add(line(""), "helpline %q: kind is required (it picks the message \"helpline.kind.<kind>\")", h.Name)
	case !isID(h.Kind):
		add(line("kind"), "helpline %q: kind %q: use lower-case letters, digits and hyphens", h.Name, h.Kind)
	case langs != nil && !langs.HasText("helpline.kind."+h.Kind):
		add(line("kind"), "helpline %q: kind %q has no English text: add the message %q to active.en.json, embedded or in --locales", h.Name, h.Kind, "helpline.kind."+h.Kind)
	}
	switch {
	case h.Shares == "":
		// Not said is not confirmed: the page says to ask them first.
		h.Shares = SharesUnknown
	case !slices.Contains(SharesValues, h.Shares):
		add(line("shares"), "helpline %q: shares %q: want one of %s", h.Name, h.Shares, quoteList(SharesValues))
	}
	if h.Audience != "" && !slices.Contains(audiences, h.Audience) {
		add(line("audience"), "helpline %q: audience %q: want one of %s, or leave it out for everyone", h.Name, h.Audience, quoteList(audiences))
	}
	if h.Call != "" && !isDialable(h.Call) {
		add(line("call"), "helpline %q: call %q: use digits, spaces, hyphens and a leading +", h.Name, h.Call)
	}
	if h.Text != "" && !isDialable(h.Text) {
		add(line("text"), "helpline %q: text %q: use digits, spaces, hyphens and a leading +", h.Name, h.Text)
	}
	if h.Call == "" && (h.Free || h.Interpreters) {
		add(line(""), "helpline %q: free and interpreters describe the number in call = ...; in [[channels]], use cost and interpreter", h.Name)
	}
	hours, err := ParseHours(h.Hours)
	if err != nil {
		add(line("hours"), "helpline %q: %v", h.Name, err)
	}
	h.hours = hours
	h.all = h.all[:0]
	if h.Call != "" {
		ch := Channel{Type: ChannelCall, Number: h.Call, Hours: h.Hours, Interpreter: h.Interpreters, hours: hours}
		if h.Free {
			ch.Cost = CostFree
		}
		h.all = append(h.all, ch)
	}
	if h.Text != "" {
		h.all = append(h.all, Channel{Type: ChannelText, Number: h.Text, Hours: h.Hours, hours: hours})
	}
	for k := range h.Channels {
		ch := h.Channels[k]
		if ch.Hours == "" {
			ch.Hours, ch.hours = h.Hours, hours
		}
		c.checkChannel(&ch, h.Name, func(key string) int { return cline(k, key) }, add)
		h.all = append(h.all, ch)
	}
	if len(h.all) == 0 {
		add(line(""), "helpline %q: give a number to call or to text (call = or text =), or list its [[channels]]", h.Name)
	}
	if h.Strip && h.FirstCall() == "" {
		add(line("strip"), "helpline %q: strip = true, but it has no number to call for the tear-off strips", h.Name)
	}
	c.checkNames(h.Names, fmt.Sprintf("helpline %q", h.Name), line("names"), add)
	number, at := "", line("")
	switch {
	case h.Call != "":
		number, at = h.Call, line("call")
	case h.Text != "":
		number, at = h.Text, line("text")
	case len(h.all) > 0:
		number, at = cmp.Or(h.all[0].Number, h.all[0].Address), cline(0, "")
	}
	c.checkFact(&h.Fact, where+": "+h.Name, number, at, line, add)
}

// audiences are the values of a helpline's audience.
var audiences = []string{"children", "adults", "women", "men"}

// checkChannel checks one of a helpline's [[channels]].
func (c *Config) checkChannel(ch *Channel, name string, line func(string) int, add func(int, string, ...any)) {
	what := fmt.Sprintf("helpline %q: channel %q", name, ch.Type)
	switch {
	case ch.Type == "":
		add(line(""), "helpline %q: a channel has no type: want one of %s", name, quoteList(ChannelTypes))
		return
	case !slices.Contains(ChannelTypes, ch.Type):
		add(line("type"), "%s: want one of %s", what, quoteList(ChannelTypes))
		return
	}
	if ch.Dialable() {
		if !isDialable(ch.Number) {
			add(line("number"), "%s: number %q: use digits, spaces, hyphens and a leading +", what, ch.Number)
		}
		if ch.Address != "" {
			add(line("address"), "%s: a %s goes to a number, not an address", what, ch.Type)
		}
	} else {
		if err := checkHTTPS(ch.Address); err != nil {
			add(line("address"), "%s: address %v", what, err)
		}
		if ch.Number != "" {
			add(line("number"), "%s: a %s has an address (https://...), not a number", what, ch.Type)
		}
	}
	if ch.Keyword != "" && ch.Type != ChannelText {
		add(line("keyword"), "%s: keyword is for text channels", what)
	}
	if ch.Cost != "" && !slices.Contains(CostValues, ch.Cost) {
		add(line("cost"), "%s: cost %q: want one of %s, or leave it out when unknown", what, ch.Cost, quoteList(CostValues))
	}
	for _, l := range ch.Languages {
		if _, err := language.Parse(l); err != nil || l == "" {
			add(line("languages"), "%s: languages: %q is not a language tag (such as \"en\" or \"es\")", what, l)
		}
	}
	hours, err := ParseHours(ch.Hours)
	if err != nil {
		add(line("hours"), "%s: %v", what, err)
	}
	ch.hours = hours
}

// checkOneStrip allows strip = true on one helpline of a list at most.
func checkOneStrip(hs []Helpline, where string, line func(int) int, add func(int, string, ...any)) {
	first := -1
	for j := range hs {
		if !hs[j].Strip {
			continue
		}
		if first >= 0 {
			add(line(j), "%s: strip = true on %q and on %q: the tear-off strips carry one number", where, hs[first].Name, hs[j].Name)
			continue
		}
		first = j
	}
}

// checkTextID checks a setting whose value picks a message prefix+value,
// as a helpline's kind does: an identifier with English text.
func checkTextID(what, key, value, prefix string, at int, langs LanguageSet, add func(int, string, ...any)) {
	switch {
	case value == "":
	case !isID(value):
		add(at, "%s: %s %q: use lower-case letters, digits and hyphens", what, key, value)
	case langs != nil && !langs.HasText(prefix+value):
		add(at, "%s: %s %q has no English text: add the message %q to active.en.json, embedded or in --locales", what, key, value, prefix+value)
	}
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// checkNames checks names given per language.
func (c *Config) checkNames(names map[string]string, what string, line int, add func(int, string, ...any)) {
	for _, l := range slices.Sorted(maps.Keys(names)) {
		if !slices.Contains(c.Languages, l) {
			add(line, "%s: names: %q is not one of the site's languages", what, l)
		}
		if strings.TrimSpace(names[l]) == "" {
			add(line, "%s: names: the %s name is empty", what, l)
		}
	}
}

// checkFact checks a number's source and date, and records it for the
// operator's lists.
func (c *Config) checkFact(f *Fact, where, number string, at int, line func(string) int, add func(int, string, ...any)) {
	if strings.TrimSpace(f.Source) == "" {
		add(line(""), "%s: every number needs a source (source = \"...\")", where)
	}
	switch {
	case f.Verified.bad != "":
		add(line("verified"), "%s: verified = %s: write the date without quotes, as verified = 2026-01-31", where, f.Verified.bad)
	case f.Verified.IsZero():
		add(line(""), "%s: every number needs the date it was last verified (verified = 2026-01-31)", where)
	}
	c.facts = append(c.facts, FactRef{Where: where, Number: number, Line: at, Fact: f})
}

// Warnings are problems that leave the pages correct but need the
// operator's attention: a verified date more than a year old or in the
// future. now is the time to measure against.
func (c *Config) Warnings(now time.Time) Errors {
	var ws Errors
	for _, f := range c.facts {
		switch {
		case f.Verified.IsZero():
		case f.Verified.After(now.AddDate(0, 0, 1)):
			ws = append(ws, Error{File: c.Source, Line: f.Line, Msg: fmt.Sprintf("%s: verified %s is in the future", f.Where, f.Verified.Format("2006-01-02"))})
		case f.Verified.Before(now.AddDate(-1, 0, 0)):
			ws = append(ws, Error{File: c.Source, Line: f.Line, Msg: fmt.Sprintf("%s: verified %s is more than 12 months ago: check the number with its operator again and update the date", f.Where, f.Verified.Format("2006-01-02"))})
		}
	}
	return ws
}

// isID reports whether s is a lower-case identifier ("uk-s45"), as rights
// topics, helpline kinds and area IDs are: they become message IDs.
func isID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}

func checkExitURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q: want an https:// address of a neutral site", s)
	}
	return nil
}

func checkHTTPS(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q: want an https:// address", s)
	}
	return nil
}

// isDialable keeps numbers to what tel: and sms: links and every phone accept.
func isDialable(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-':
		case c == '+' && i == 0:
		default:
			return false
		}
	}
	return digits > 0
}

// Dial returns the number as a tel: or sms: link wants it: digits and "+".
func Dial(number string) string {
	return strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, number)
}
