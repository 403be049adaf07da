// Package site holds what a Waymark deployment shows: regions with their
// emergency numbers, helplines and rights topics, and the venues (posters)
// that point at them. It is plain data, loaded from a TOML file and checked
// once at start-up, so that a request never meets a half-valid config.
package site

import (
	"time"
)

// Config is one deployment: its regions, its venues and its languages.
type Config struct {
	// DefaultRegion is shown for "/" and for unknown or retired codes.
	DefaultRegion string `toml:"default_region"`
	// Languages lists the languages the site serves, in picker order.
	Languages []string `toml:"languages"`
	Regions   []Region `toml:"regions"`
	Venues    []Venue  `toml:"venues"`

	// Source names where the config came from, for error messages.
	Source string `toml:"-"`

	regionByID  map[string]*Region
	venueByCode map[string]*Venue
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
	Rights         []string          `toml:"rights"`
	Emergency      []Emergency       `toml:"emergency"`
	Helplines      []Helpline        `toml:"helplines"`
}

// Fact is what every number and claim carries: where it came from, when it
// was last checked, and whether the operator confirmed it.
type Fact struct {
	Source    string    `toml:"source"`
	Verified  time.Time `toml:"verified"`
	Confirmed bool      `toml:"confirmed"`
}

// Emergency is a number that reaches police, ambulance and fire at once.
type Emergency struct {
	Number string `toml:"number"`
	// SilentCall: on a mobile, a caller who cannot speak can press 55 (UK).
	SilentCall bool `toml:"silent_call"`
	// TextRegistration: emergency SMS works only after registering (UK).
	TextRegistration bool `toml:"text_registration"`
	Fact
}

// Helpline is an organisation a person can call or text.
type Helpline struct {
	// Name is a proper noun and stays as written in every language.
	Name string `toml:"name"`
	// Kind picks the translated one-line description of what it does.
	Kind string `toml:"kind"`
	Call string `toml:"call"`
	Text string `toml:"text"`
	// Hours is "24/7", "Mon-Fri 09:00-17:00" or empty when unknown.
	Hours        string `toml:"hours"`
	Interpreters bool   `toml:"interpreters"`
	Free         bool   `toml:"free"`
	Fact

	hours Hours
}

// Venue is one poster site. Its code is what the QR code carries.
type Venue struct {
	Code   string `toml:"code"`
	Name   string `toml:"name"`
	Region string `toml:"region"`
	// Languages are those printed on the poster; the first is the page's
	// language when the browser asks for none that the site has.
	Languages []string `toml:"languages"`
	// KioskIdle is how long a kiosk page waits without a touch before it
	// resets to its start, in seconds (default 60).
	KioskIdle int `toml:"kiosk_idle"`
	// KioskExit is what the exit button does on a kiosk: "reset" (default)
	// returns to the start; "leave" goes to the neutral site.
	KioskExit string `toml:"kiosk_exit"`

	path string
}

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

// HelplineKinds are the kinds a helpline may have; each has a translated
// description with the message ID "helpline.kind.<kind>".
var HelplineKinds = []string{"slavery", "victim-support", "anonymous", "police", "transport-police", "labour", "women"}

// RightsTopics are the rights explanations that locale files carry, as
// "rights.<topic>.title" and "rights.<topic>.body" messages.
var RightsTopics = []string{"uk-nonprosecution", "uk-s45", "uk-nrm", "scotland-ni", "nl-free-in-free-out", "nl-reflection", "us-hotline"}

// Region returns the region with the given ID.
func (c *Config) Region(id string) (*Region, bool) {
	r, ok := c.regionByID[id]
	return r, ok
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
	for _, h := range r.Helplines {
		if !h.Confirmed {
			return true
		}
	}
	return false
}

// HoursInfo returns the parsed opening hours.
func (h *Helpline) HoursInfo() Hours { return h.hours }

// ExitFor returns the swift exit's destination for a language: a region
// may name a neutral site per language, and otherwise uses exit_url.
func (r *Region) ExitFor(lang string) string {
	if u, ok := r.ExitByLanguage[lang]; ok {
		return u
	}
	return r.ExitURL
}
