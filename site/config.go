// Package site holds what a Waymark deployment shows: regions with their
// emergency numbers, helplines and rights topics, areas with their local
// organisations, and the venues (posters) that point at them. It is plain
// data, loaded from a TOML file and checked once at start-up, so that a
// request never meets a half-valid config. Which rights topics and helpline
// kinds exist is data too: any whose English text the locale files have.
package site

import (
	"fmt"
	"slices"
	"time"
)

// Config is one deployment: its regions, its venues and its languages.
type Config struct {
	// DefaultRegion is shown for "/" and for unknown or retired codes.
	DefaultRegion string `toml:"default_region"`
	// Languages lists the languages the site serves, in picker order.
	Languages []string `toml:"languages"`
	Regions   []Region `toml:"regions"`
	// Areas are places smaller than a region (a city, a county) with
	// organisations of their own; a venue names its area.
	Areas  []Area  `toml:"areas"`
	Venues []Venue `toml:"venues"`
	// Lessons are the course behind the online-safety section, in order
	// (course.go).
	Lessons []Lesson `toml:"lessons"`
	// RetiredCodes are codes of venues taken down. They are never given
	// to a new venue: a poster that still hangs somewhere, or a photo of
	// one, must not lead to another venue's page or mix its counts.
	RetiredCodes []string `toml:"retired_codes"`

	// Demo marks a demonstration deployment: its pages say so.
	Demo bool `toml:"demo"`

	// Source names where the config came from, for error messages.
	Source string `toml:"-"`

	regionByID  map[string]*Region
	areaByID    map[string]*Area
	venueByCode map[string]*Venue
	facts       []FactRef
}

// Region is an area whose people share emergency numbers, helplines and law.
type Region struct {
	ID string `toml:"id"`
	// Title is the page title. Browsers keep it in history, so it must not
	// name what the page is about.
	Title string `toml:"title"`
	// ExitURL is where the swift exit goes: a neutral, ordinary site.
	ExitURL string `toml:"exit_url"`
	// ExitByLanguage overrides ExitURL per language, e.g. a weather site
	// in the reader's own language.
	ExitByLanguage map[string]string `toml:"exit_by_language"`
	// Rights are topics with text in the locale files: "rights.<topic>.title"
	// and "rights.<topic>.p1", "p2", ...
	Rights    []string    `toml:"rights"`
	Emergency []Emergency `toml:"emergency"`
	Helplines []Helpline  `toml:"helplines"`
	// PoliceNote picks the sentence over the region's police and
	// inspectors: the message "helplines.police-note.<note>", or the
	// general "helplines.police-note" when empty. What the police do with
	// a person's immigration status differs by country, so it is data.
	PoliceNote string `toml:"police_note"`
	// Guides are the region's own free guides, linked from every lesson.
	Guides []Guide `toml:"guides"`
}

// Area is a city or county inside a region with organisations of its own.
// Its page is the region's page plus a section of local help: locality
// comes from the poster's venue, never from the phone.
type Area struct {
	ID string `toml:"id"`
	// Name is shown in the local help section's heading; Names gives it in
	// other languages where it differs ("Londres").
	Name      string            `toml:"name"`
	Names     map[string]string `toml:"names"`
	Helplines []Helpline        `toml:"helplines"`
}

// NameIn returns the area's name in a language.
func (a *Area) NameIn(lang string) string { return nameIn(a.Name, a.Names, lang) }

// Fact is what every number and claim carries: where it came from, when it
// was last checked, and whether the operator confirmed it.
type Fact struct {
	Source    string `toml:"source"`
	Verified  Date   `toml:"verified"`
	Confirmed bool   `toml:"confirmed"`
	// Note is for the operator (what to re-check, what changed): staff
	// pages show it, public pages never do.
	Note string `toml:"note"`
}

// Date is a TOML date (verified = 2026-11-01). A value of another type,
// such as a quoted "2026-11-01", is kept aside so that validation can name
// each one at its line, rather than the decoder stopping at the first.
type Date struct {
	time.Time
	bad string
}

// UnmarshalTOML implements toml.Unmarshaler.
func (d *Date) UnmarshalTOML(v any) error {
	if t, ok := v.(time.Time); ok {
		d.Time = t
		return nil
	}
	d.bad = fmt.Sprintf("%#v", v)
	return nil
}

// FactRef is one number of the config with where it is written, for the
// operator's checks (`waymark check --strict`, the staff pages).
type FactRef struct {
	// Where is "region uk: emergency 999", "area london: Kalayaan".
	Where  string
	Number string
	Line   int
	*Fact
}

// Emergency is a number that reaches police, ambulance and fire at once,
// or one of them (Label).
type Emergency struct {
	Number string `toml:"number"`
	// Label names whom the number reaches where a region has several:
	// the message "emergency.for.<label>" ("police", "fire-ambulance").
	Label string `toml:"label"`
	// SilentCall: on a mobile, a caller who cannot speak can press 55 (UK).
	SilentCall bool `toml:"silent_call"`
	// TextRegistration: emergency SMS works only after registering (UK).
	TextRegistration bool `toml:"text_registration"`
	// TextOnly: the number takes text messages (SMS) only, for some people
	// (France's 114 for deaf people). Conditions says for whom.
	TextOnly bool `toml:"text_only"`
	// Conditions picks the message "emergency.conditions.<conditions>",
	// shown under the buttons: who may use the number and how. Required
	// with text_only.
	Conditions string `toml:"conditions"`
	// Interpreters: the operator connects an interpreter; the page tells
	// the caller to say their language in English and stay on the line.
	Interpreters bool `toml:"interpreters"`
	Fact
}

// Who a line passes what a caller says to.
const (
	SharesNone        = "none"        // nobody, except where the law makes them (a child in danger)
	SharesPolice      = "police"      // the police, or it is the police or an inspectorate
	SharesImmigration = "immigration" // also the immigration authorities
	SharesUnknown     = "unknown"     // not confirmed: the page says "ask them first"
)

// SharesValues are the values of shares, for checks and the reference.
var SharesValues = []string{SharesNone, SharesPolice, SharesImmigration, SharesUnknown}

// Helpline is an organisation a person can call, text, chat with or write
// to. Its ways in are Channels; call, text, hours, interpreters and free
// are a shorthand for the simple case of a number to call and one to text.
type Helpline struct {
	// Name is a proper noun and stays as written, unless Names gives it in
	// a language (names = { nl = "...", ar = "..." }).
	Name  string            `toml:"name"`
	Names map[string]string `toml:"names"`
	// Kind picks the translated one-line description of what it does: the
	// message "helpline.kind.<kind>", which the locale files define.
	Kind string `toml:"kind"`
	// Shares says whom the line tells what a caller says (SharesValues).
	// Unset is "unknown": the page says to ask them first.
	Shares string `toml:"shares"`
	// Audience is who the line is for, where it is not everyone:
	// "children", "adults", "women", "men". Only "children" changes
	// anything: such a line is never the strips' line by the rule.
	Audience string `toml:"audience"`
	// Strip puts this line's number on the poster's tear-off strips.
	Strip bool `toml:"strip"`

	// The shorthand: a number to call and one to text, open Hours; Free
	// and Interpreters describe the call.
	Call         string `toml:"call"`
	Text         string `toml:"text"`
	Hours        string `toml:"hours"`
	Interpreters bool   `toml:"interpreters"`
	Free         bool   `toml:"free"`

	Channels []Channel `toml:"channels"`
	Fact

	// all is the shorthand's channels and then Channels, checked.
	all   []Channel
	hours Hours
}

// HoursInfo returns the parsed opening hours of the shorthand (hours).
func (h *Helpline) HoursInfo() Hours { return h.hours }

// Channel types.
const (
	ChannelCall = "call"
	ChannelText = "text"
	ChannelChat = "chat"
	ChannelForm = "form"
)

// ChannelTypes are the values of a channel's type.
var ChannelTypes = []string{ChannelCall, ChannelText, ChannelChat, ChannelForm}

// What a channel costs the person who uses it.
const (
	CostFree        = "free"         // free to call or text, even with no credit
	CostFreeService = "free-service" // the service is free; the call costs as usual
	CostPaid        = "paid"         // the call costs more than usual
)

// CostValues are the values of cost ("" is unknown and shows nothing).
var CostValues = []string{CostFree, CostFreeService, CostPaid}

// Channel is one way to reach a helpline.
type Channel struct {
	// Type is "call", "text" (SMS), "chat" or "form" (a web form).
	Type string `toml:"type"`
	// Number is what a call or text goes to; Address the https:// page
	// of a chat or form.
	Number  string `toml:"number"`
	Address string `toml:"address"`
	// Hours: as a helpline's; empty takes the helpline's hours.
	Hours string `toml:"hours"`
	// Cost: "free", "free-service", "paid", or "" when unknown.
	Cost string `toml:"cost"`
	// Languages the channel works in (language tags: "en", "es"), and
	// Interpreter when staff bring in an interpreter for any language.
	Languages   []string `toml:"languages"`
	Interpreter bool     `toml:"interpreter"`
	// Keyword is the word a text must start with, if the line needs one.
	Keyword string `toml:"keyword"`
	// Appointment: the channel books an appointment, it does not advise
	// there and then.
	Appointment bool `toml:"appointment"`

	hours Hours
}

// HoursInfo returns the parsed opening hours.
func (ch *Channel) HoursInfo() Hours { return ch.hours }

// Dialable reports whether the channel is a number (call or text).
func (ch *Channel) Dialable() bool { return ch.Type == ChannelCall || ch.Type == ChannelText }

// Venue is one poster site. Its code is what the QR code carries.
type Venue struct {
	Code   string `toml:"code"`
	Name   string `toml:"name"`
	Region string `toml:"region"`
	// Area, if set, adds that area's local organisations to the page.
	Area string `toml:"area"`
	// Languages are those printed on the poster; the first is the page's
	// language when the browser asks for none that the site has.
	Languages []string `toml:"languages"`
	// KioskIdle is how long a kiosk page waits without a touch before it
	// resets to its start, in seconds (default 60).
	KioskIdle int `toml:"kiosk_idle"`
	// KioskExit is what the exit button does on a kiosk: "reset" (default)
	// returns to the start; "leave" goes to the neutral site.
	KioskExit string `toml:"kiosk_exit"`

	// The print run (issue 24): what `waymark posters` prints for this
	// venue, and the field team's own ID for it. These are kept apart
	// from the kiosk and page settings above.
	PrintRun

	path string
}

// PrintRun is a venue's print run and the key of its row in the field
// team's spreadsheet (`waymark venues import`).
type PrintRun struct {
	// Paper is "A5", "A4" or "A3"; empty prints at the default (A4) or
	// at `waymark posters --size`.
	Paper string `toml:"paper"`
	// Copies is how many sheets to print; 0 means one.
	Copies int `toml:"copies"`
	// OwnID is the venue's ID in the NGO's own sheet. Re-importing the
	// sheet matches rows to venues by it (else by name and region), so a
	// venue keeps its code when its name is corrected.
	OwnID string `toml:"own_id"`
}

// Papers are the paper sizes a venue may name.
var Papers = []string{"A5", "A4", "A3"}

// DefaultPaper is the size of a venue that names none.
const DefaultPaper = "A4"

// PaperOrDefault is the venue's paper size, or DefaultPaper.
func (p PrintRun) PaperOrDefault() string {
	if p.Paper == "" {
		return DefaultPaper
	}
	return p.Paper
}

// CopiesOrOne is how many sheets to print.
func (p PrintRun) CopiesOrOne() int { return max(p.Copies, 1) }

// MaxCopies bounds a print run: a typo of 1000 for 10 wastes a lot of
// paper.
const MaxCopies = 500

// HasKioskSettings reports whether the config sets up a kiosk at this
// venue (kiosk_idle or kiosk_exit): its kiosk pages are real, not asked
// for by anyone, and get their full cost.
func (v *Venue) HasKioskSettings() bool { return v.KioskIdle != 0 || v.KioskExit != "" }

// Path is the venue's own URL path, "/K7Q2M".
func (v *Venue) Path() string { return v.path }

// DefaultKioskIdle is the kiosk's idle time when the config sets none.
const DefaultKioskIdle = 60

// Idle returns the kiosk idle time in seconds.
func (v *Venue) Idle() int {
	if v.KioskIdle > 0 {
		return v.KioskIdle
	}
	return DefaultKioskIdle
}

// Region returns the region with the given ID.
func (c *Config) Region(id string) (*Region, bool) {
	r, ok := c.regionByID[id]
	return r, ok
}

// Area returns the area with the given ID.
func (c *Config) Area(id string) (*Area, bool) {
	a, ok := c.areaByID[id]
	return a, ok
}

// Facts lists every number of the config, in file order.
func (c *Config) Facts() []FactRef { return c.facts }

// HelplineKinds returns, sorted, every helpline kind the config uses: the
// "helpline.kind.<kind>" messages its pages show.
func (c *Config) HelplineKinds() []string {
	var kinds []string
	add := func(hs []Helpline) {
		for _, h := range hs {
			kinds = append(kinds, h.Kind)
		}
	}
	for _, r := range c.Regions {
		add(r.Helplines)
	}
	for _, a := range c.Areas {
		add(a.Helplines)
	}
	slices.Sort(kinds)
	return slices.Compact(kinds)
}

// EmergencyLabels returns, sorted, every emergency label the config uses:
// the "emergency.for.<label>" messages.
func (c *Config) EmergencyLabels() []string {
	return c.emergencyField(func(e *Emergency) string { return e.Label })
}

// EmergencyConditions returns, sorted, every emergency number's
// conditions: the "emergency.conditions.<conditions>" messages.
func (c *Config) EmergencyConditions() []string {
	return c.emergencyField(func(e *Emergency) string { return e.Conditions })
}

func (c *Config) emergencyField(get func(*Emergency) string) []string {
	var out []string
	for _, r := range c.Regions {
		for i := range r.Emergency {
			if v := get(&r.Emergency[i]); v != "" {
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PoliceNotes returns, sorted, every region's police note: the
// "helplines.police-note.<note>" messages.
func (c *Config) PoliceNotes() []string {
	var out []string
	for _, r := range c.Regions {
		if r.PoliceNote != "" {
			out = append(out, r.PoliceNote)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RightsTopics returns, sorted, every rights topic the config's regions use.
func (c *Config) RightsTopics() []string {
	var topics []string
	for _, r := range c.Regions {
		topics = append(topics, r.Rights...)
	}
	slices.Sort(topics)
	return slices.Compact(topics)
}

// Default returns the region shown for unknown codes and for "/".
func (c *Config) Default() *Region { return c.regionByID[c.DefaultRegion] }

// Venue looks a venue up by its canonical code.
func (c *Config) Venue(code string) (*Venue, bool) {
	v, ok := c.venueByCode[code]
	return v, ok
}

// Unconfirmed reports whether any fact of the region still awaits the
// operator's confirmation; pages then say so.
func (r *Region) Unconfirmed() bool {
	for _, e := range r.Emergency {
		if !e.Confirmed {
			return true
		}
	}
	return unconfirmed(r.Helplines)
}

// Unconfirmed reports whether any of the area's numbers still awaits the
// operator's confirmation.
func (a *Area) Unconfirmed() bool { return unconfirmed(a.Helplines) }

func unconfirmed(hs []Helpline) bool {
	for _, h := range hs {
		if !h.Confirmed {
			return true
		}
	}
	return false
}

// NameIn returns the helpline's name in a language: as written, unless
// the config gives it in that language.
func (h *Helpline) NameIn(lang string) string { return nameIn(h.Name, h.Names, lang) }

func nameIn(name string, names map[string]string, lang string) string {
	if n, ok := names[lang]; ok {
		return n
	}
	return name
}

// All returns the helpline's channels: the shorthand's call and text,
// then its [[channels]], in that order.
func (h *Helpline) All() []Channel { return h.all }

// Confidential reports whether the data says the line tells nobody.
func (h *Helpline) Confidential() bool { return h.Shares == SharesNone }

// Authority reports whether the line is, or tells, the police or the
// immigration authorities.
func (h *Helpline) Authority() bool {
	return h.Shares == SharesPolice || h.Shares == SharesImmigration
}

// FirstCall returns the line's first number to call, or "".
func (h *Helpline) FirstCall() string {
	for _, ch := range h.all {
		if ch.Type == ChannelCall {
			return ch.Number
		}
	}
	return ""
}

// alwaysCall reports whether the line has a number to call day and night.
func (h *Helpline) alwaysCall() bool {
	for _, ch := range h.all {
		if ch.Type == ChannelCall && ch.hours.Always {
			return true
		}
	}
	return false
}

// StripLine returns the helpline whose number the poster's tear-off
// strips of a venue carry, or nil for none: the area's line marked
// strip = true, else the region's, else by the rule the first line of the
// region that tells nobody (shares = "none"), takes calls day and night,
// and is not for children only. No number is better than a wrong one.
func (c *Config) StripLine(v *Venue) *Helpline {
	if a, ok := c.Area(v.Area); ok {
		for i := range a.Helplines {
			if a.Helplines[i].Strip {
				return &a.Helplines[i]
			}
		}
	}
	r, ok := c.Region(v.Region)
	if !ok {
		return nil
	}
	for i := range r.Helplines {
		if r.Helplines[i].Strip {
			return &r.Helplines[i]
		}
	}
	for i := range r.Helplines {
		h := &r.Helplines[i]
		if h.Confidential() && h.Audience != "children" && h.alwaysCall() {
			return h
		}
	}
	return nil
}

// ExitFor returns the swift exit's destination for a language: a region
// may name a neutral site per language, and otherwise uses exit_url.
func (r *Region) ExitFor(lang string) string {
	if u, ok := r.ExitByLanguage[lang]; ok {
		return u
	}
	return r.ExitURL
}
