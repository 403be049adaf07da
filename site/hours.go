package site

import (
	"fmt"
	"strings"
)

// Hours is a helpline's opening time in a form every language can phrase.
type Hours struct {
	Known    bool
	Always   bool   // day and night, every day
	FirstDay string // "mon".."sun"
	LastDay  string
	From, To string // "09:00"
}

// Weekdays are the day names hours use, each with a "day.<name>" message.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// ParseHours reads "24/7", "Mon-Fri 09:00-17:00", "Sat 10:00-14:00" or "".
// Free text is refused: it could not be translated.
func ParseHours(s string) (Hours, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return Hours{}, nil
	case "24/7":
		return Hours{Known: true, Always: true}, nil
	}
	days, times, ok := strings.Cut(s, " ")
	if !ok {
		return Hours{}, fmt.Errorf("hours %q: want \"24/7\" or like \"Mon-Fri 09:00-17:00\"", s)
	}
	first, last, _ := strings.Cut(strings.ToLower(days), "-")
	if last == "" {
		last = first
	}
	from, to, _ := strings.Cut(strings.TrimSpace(times), "-")
	if !isDay(first) || !isDay(last) || !isClock(from) || !isClock(to) {
		return Hours{}, fmt.Errorf("hours %q: want \"24/7\" or like \"Mon-Fri 09:00-17:00\"", s)
	}
	return Hours{Known: true, FirstDay: first, LastDay: last, From: from, To: to}, nil
}

func isDay(s string) bool {
	for _, d := range Weekdays {
		if s == d {
			return true
		}
	}
	return false
}

func isClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return h <= 24 && m < 60
}
