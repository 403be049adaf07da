package site

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is one problem in a config file, with the line it is on, so that an
// operator can fix every problem in one pass.
type Error struct {
	File string
	Line int // 0 when the problem has no single line
	Msg  string
}

func (e Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one config file.
type Errors []Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

var lineInMessageRE = regexp.MustCompile(`^line (\d+)(?: \(last key "[^"]*"\))?: `)

// LoadFile reads and validates a config file.
func LoadFile(path string, langs LanguageSet) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data, langs)
}

// LanguageSet tells the validator which languages have locale files.
type LanguageSet interface {
	Has(tag string) bool
}

// Parse decodes and validates a config. name is used in error messages.
// Every problem is reported, each with its line where the file has one.
func Parse(name string, data []byte, langs LanguageSet) (*Config, error) {
	var c Config
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
	for _, k := range undecoded {
		add(loc.key(k), "unknown setting %q (misspelt?)", k.String())
	}
	c.validate(loc, langs, add)
	if len(errs) > 0 {
		return nil, errs
	}
	return &c, nil
}

func (c *Config) validate(loc *locator, langs LanguageSet, add func(int, string, ...any)) {
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
		line := func(key string) int { return loc.in("regions", i, key) }
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
		for j, e := range r.Emergency {
			eline := func(key string) int { return loc.in2("regions", i, "emergency", j, key) }
			if !isDialable(e.Number) {
				add(eline("number"), "region %q: emergency number %q: use digits, spaces, hyphens and a leading +", r.ID, e.Number)
			}
			checkFact(e.Fact, eline, add)
		}
		for j := range r.Helplines {
			h := &r.Helplines[j]
			hline := func(key string) int { return loc.in2("regions", i, "helplines", j, key) }
			if h.Name == "" {
				add(hline(""), "region %q: helpline %d has no name", r.ID, j+1)
			}
			if !slices.Contains(HelplineKinds, h.Kind) {
				add(hline("kind"), "helpline %q: kind %q is not one of %s", h.Name, h.Kind, strings.Join(HelplineKinds, ", "))
			}
			if h.Call == "" && h.Text == "" {
				add(hline(""), "helpline %q: give a number to call or to text", h.Name)
			}
			if h.Call != "" && !isDialable(h.Call) {
				add(hline("call"), "helpline %q: call %q: use digits, spaces, hyphens and a leading +", h.Name, h.Call)
			}
			if h.Text != "" && !isDialable(h.Text) {
				add(hline("text"), "helpline %q: text %q: use digits, spaces, hyphens and a leading +", h.Name, h.Text)
			}
			hours, err := ParseHours(h.Hours)
			if err != nil {
				add(hline("hours"), "helpline %q: %v", h.Name, err)
			}
			h.hours = hours
			checkFact(h.Fact, hline, add)
		}
		for _, t := range r.Rights {
			if !slices.Contains(RightsTopics, t) {
				add(line("rights"), "region %q: rights topic %q is not one of %s", r.ID, t, strings.Join(RightsTopics, ", "))
			}
		}
	}
	if c.DefaultRegion == "" {
		add(loc.top("default_region"), "default_region is required")
	} else if c.regionByID[c.DefaultRegion] == nil {
		add(loc.top("default_region"), "default_region %q is not a region", c.DefaultRegion)
	}

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
	}
}

func checkFact(f Fact, line func(string) int, add func(int, string, ...any)) {
	if strings.TrimSpace(f.Source) == "" {
		add(line(""), "every number needs a source (source = \"...\")")
	}
	if f.Verified.IsZero() {
		add(line(""), "every number needs the date it was last verified (verified = 2026-01-31)")
	}
}

func checkExitURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q: want an https:// address of a neutral site", s)
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
