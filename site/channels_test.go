package site

import (
	"strings"
	"testing"
)

// channelConfig has a line with every kind of channel, a text-only
// emergency number, a labelled one and a chosen strip line.
const channelConfig = `default_region = "fr"
languages = ["en", "ar"]

[[regions]]
id = "fr"
title = "Informations"
exit_url = "https://meteofrance.com"
police_note = "fr"

  [[regions.emergency]]
  number = "17"
  label = "police"
  source = "test"
  verified = 2026-11-01

  [[regions.emergency]]
  number = "114"
  text_only = true
  conditions = "deaf"
  source = "test"
  verified = 2026-11-01

  [[regions.helplines]]
  name = "Children"
  kind = "children"
  audience = "children"
  shares = "none"
  call = "119"
  hours = "24/7"
  source = "test"
  verified = 2026-11-01

  [[regions.helplines]]
  name = "Victims"
  kind = "victims"
  shares = "none"
  hours = "24/7"
  source = "test"
  verified = 2026-11-01

    [[regions.helplines.channels]]
    type = "call"
    number = "116 006"
    cost = "free"
    interpreter = true

    [[regions.helplines.channels]]
    type = "text"
    number = "114 114"
    keyword = "AIDE"
    languages = ["fr", "en"]
    hours = "Mon-Fri 09:00-17:00"

    [[regions.helplines.channels]]
    type = "chat"
    address = "https://example.org/chat"

  [[regions.helplines]]
  name = "Police"
  kind = "police"
  shares = "police"
  call = "17"
  source = "test"
  verified = 2026-11-01

[[venues]]
code = "K7Q2M"
name = "Gare"
region = "fr"
languages = ["en"]
`

func TestChannels(t *testing.T) {
	c, err := Parse("fr.toml", []byte(channelConfig), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Default()
	v := r.Helplines[1]
	all := v.All()
	if len(all) != 3 || all[0].Type != "call" || all[1].Keyword != "AIDE" || all[2].Address == "" {
		t.Fatalf("channels: %+v", all)
	}
	if !all[0].HoursInfo().Always {
		t.Error("a channel without hours does not take the line's")
	}
	if h := all[1].HoursInfo(); h.Always || h.FirstDay != "mon" {
		t.Errorf("a channel's own hours: %+v", h)
	}
	if got := r.Helplines[0].All(); len(got) != 1 || got[0].Number != "119" || !got[0].HoursInfo().Always {
		t.Errorf("the shorthand's channel: %+v", got)
	}
	if !r.Emergency[1].TextOnly || r.Emergency[0].Label != "police" {
		t.Error("emergency settings lost")
	}
	// The rule: the first confidential 24/7 line not for children.
	venue, _ := c.Venue("K7Q2M")
	if h := c.StripLine(venue); h == nil || h.Name != "Victims" || h.FirstCall() != "116 006" {
		t.Errorf("strip line by the rule: %+v", h)
	}
	chosen := strings.Replace(channelConfig, "  name = \"Police\"\n", "  name = \"Police\"\n  strip = true\n", 1)
	c2, err := Parse("fr.toml", []byte(chosen), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	venue, _ = c2.Venue("K7Q2M")
	if h := c2.StripLine(venue); h == nil || h.Name != "Police" {
		t.Errorf("strip = true is not the strips' line: %+v", h)
	}
	// No line qualifies: no number, rather than a wrong one.
	none := strings.ReplaceAll(channelConfig, `shares = "none"`, `shares = "unknown"`)
	c3, err := Parse("fr.toml", []byte(none), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	venue, _ = c3.Venue("K7Q2M")
	if h := c3.StripLine(venue); h != nil {
		t.Errorf("no confidential line, yet the strips carry %q", h.Name)
	}
	if got := c.EmergencyLabels(); len(got) != 1 || got[0] != "police" {
		t.Errorf("EmergencyLabels %v", got)
	}
	if got := c.PoliceNotes(); len(got) != 1 || got[0] != "fr" {
		t.Errorf("PoliceNotes %v", got)
	}
}

// An unset shares is "unknown": nothing the data does not say.
func TestSharesDefaultsToUnknown(t *testing.T) {
	c, err := Parse("test.toml", []byte(validConfig), testLangs)
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Default().Helplines[0]; h.Shares != SharesUnknown || h.Confidential() || h.Authority() {
		t.Errorf("shares %q", h.Shares)
	}
}

func TestChannelErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		from, to string
		want     string
	}{
		{"shares", `shares = "police"`, `shares = "cops"`, `fr.toml:61: helpline "Police": shares "cops": want one of "none", "police", "immigration", "unknown"`},
		{"audience", `audience = "children"`, `audience = "kids"`, `fr.toml:26: helpline "Children": audience "kids"`},
		{"channel type", `type = "chat"`, `type = "email"`, `fr.toml:55: helpline "Victims": channel "email": want one of "call", "text", "chat", "form"`},
		{"chat needs https", `address = "https://example.org/chat"`, `address = "http://example.org/chat"`, `fr.toml:56: helpline "Victims": channel "chat": address "http://example.org/chat": want an https:// address`},
		{"call with address", `number = "116 006"`, `number = "116 006"` + "\n    address = \"https://x.org\"", `helpline "Victims": channel "call": a call goes to a number, not an address`},
		{"bad channel number", `number = "116 006"`, `number = "one one six"`, `fr.toml:43: helpline "Victims": channel "call": number "one one six"`},
		{"keyword on a call", `cost = "free"`, `cost = "free"` + "\n    keyword = \"X\"", `channel "call": keyword is for text channels`},
		{"cost", `cost = "free"`, `cost = "gratis"`, `fr.toml:44: helpline "Victims": channel "call": cost "gratis": want one of "free", "free-service", "paid"`},
		{"language", `languages = ["fr", "en"]`, `languages = ["fr", "english please"]`, `fr.toml:51: helpline "Victims": channel "text": languages: "english please" is not a language tag`},
		{"channel hours", `hours = "Mon-Fri 09:00-17:00"`, `hours = "weekdays"`, `fr.toml:52: helpline "Victims": channel "text": hours "weekdays"`},
		{"text-only without conditions", "  conditions = \"deaf\"\n", "", `fr.toml:18: region "fr": emergency number "114": text_only needs conditions`},
		{"label without text", `label = "police"`, `label = "nonexistent"`, `fr.toml:12: region "fr": emergency number "17": label "nonexistent" has no English text: add the message "emergency.for.nonexistent"`},
		{"police note without text", `police_note = "fr"`, `police_note = "nonexistent"`, `fr.toml:8: region "fr": police_note "nonexistent" has no English text: add the message "helplines.police-note.nonexistent"`},
		{"two strips", "  name = \"Children\"\n", "  name = \"Children\"\n  strip = true\n", ""},
		{"strip without a call", "  kind = \"victims\"\n", "  kind = \"victims\"\n  strip = true\n", ""},
		{"free without call", "  kind = \"victims\"\n", "  kind = \"victims\"\n  free = true\n", `helpline "Victims": free and interpreters describe the number in call =`},
		{"misspelt channel key", `interpreter = true`, `interpretr = true`, `fr.toml:45: unknown setting "regions.helplines.channels.interpretr" (did you mean "interpreter"?)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(channelConfig, tt.from, tt.to, 1)
			if tt.name == "two strips" {
				src = strings.Replace(src, "  name = \"Police\"\n", "  name = \"Police\"\n  strip = true\n", 1)
				tt.want = `fr.toml:61: region "fr": strip = true on "Children" and on "Police": the tear-off strips carry one number`
			}
			if tt.name == "strip without a call" {
				src = strings.Replace(src, "    type = \"call\"\n    number = \"116 006\"", "    type = \"form\"\n    address = \"https://example.org/form\"", 1)
				tt.want = `helpline "Victims": strip = true, but it has no number to call`
			}
			if src == channelConfig {
				t.Fatalf("%q did not apply", tt.from)
			}
			_, err := Parse("fr.toml", []byte(src), testLangs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want an error containing\n%s\ngot:\n%v", tt.want, err)
			}
		})
	}
}
