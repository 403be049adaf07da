package audio

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/waymark/waymark/lang"
)

// Kinds of recording problem, as they appear in `waymark i18n`.
const (
	KindMissing     = "audio-missing"     // info: the section has no recording
	KindStale       = "audio-stale"       // warning: the text changed since; not offered
	KindBroken      = "audio-broken"      // error: unreadable, too long, too large
	KindPlaceholder = "audio-placeholder" // warning: a computer voice
	KindDraft       = "audio-draft"       // info: awaits a reviewer
	KindUnknown     = "audio-unknown"     // warning: no such section on the pages
	KindDigits      = "audio-digits"      // warning or info: numbers cannot be spoken
)

// Section is one recordable section: its key and the message IDs it reads.
type Section struct {
	Key string
	IDs []string
}

// Check adds the recordings' problems to a translators' report: for each
// of its languages, the sections without a recording (one note), each
// stale recording (a warning: the page no longer offers it), each broken
// one (an error, which refuses the data like a broken translation), and
// each computer-voice placeholder and draft.
func Check(r *lang.Report, s *Set, cat *lang.Catalog, sections []Section) {
	for _, lr := range r.Languages {
		loc, ok := cat.Locale(lr.Tag)
		if !ok {
			continue
		}
		add := func(p lang.Problem) {
			switch p.Severity {
			case lang.SeverityError:
				lr.Errors++
				r.Errors++
			case lang.SeverityWarning:
				lr.Warnings++
				r.Warnings++
			}
			lr.Problems = append(lr.Problems, p)
		}
		if s != nil {
			for _, fp := range s.problems {
				if fp.lang == lr.Tag {
					add(fp.p)
				}
			}
		}
		var missing []string
		for _, sec := range sections {
			rec := s.Get(lr.Tag, sec.Key)
			if rec == nil {
				missing = append(missing, sec.Key)
				continue
			}
			switch {
			case rec.Err != nil:
				add(lang.Problem{Severity: lang.SeverityError, Kind: KindBroken, File: rec.File,
					Explain: fmt.Sprintf("recording of section %q (%s:%d): %v", sec.Key, rec.Manifest, rec.Line, rec.Err)})
				continue
			case rec.TextHash != TextHash(loc, sec.IDs):
				add(lang.Problem{Severity: lang.SeverityWarning, Kind: KindStale, File: rec.File,
					Explain: fmt.Sprintf("recording of section %q: the text changed since it was recorded, so the page no longer offers it; "+
						"record the current text (`waymark audio script --lang %s --section %s`) and import it", sec.Key, lr.Tag, sec.Key)})
				continue
			}
			switch rec.Status {
			case StatusPlaceholder:
				add(lang.Problem{Severity: lang.SeverityWarning, Kind: KindPlaceholder, File: rec.File,
					Explain: "a computer voice placeholder (the page says so); replace it with a volunteer's recording (TRANSLATING.md)"})
			case StatusDraft:
				add(lang.Problem{Severity: lang.SeverityInfo, Kind: KindDraft, File: rec.File,
					Explain: fmt.Sprintf("a draft recording by %s; a second speaker listens and sets status = \"reviewed\" in %s", orSomeone(rec.By), rec.Manifest)})
			}
		}
		if len(sections) > len(missing) {
			checkDigits(lr.Tag, s, add)
		}
		if s != nil {
			keys := slices.Sorted(maps.Keys(s.recs[lr.Tag]))
			for _, key := range keys {
				rec := s.recs[lr.Tag][key]
				if IsDigit(key) {
					continue
				}
				if !slices.ContainsFunc(sections, func(sec Section) bool { return sec.Key == key }) {
					add(lang.Problem{Severity: lang.SeverityWarning, Kind: KindUnknown, File: rec.Manifest, Line: rec.Line,
						Explain: "[" + key + "]: a recording of a section these pages do not have; remove it or check the section's name (`waymark audio script --lang TAG` lists them)"})
				}
			}
		}
		if len(missing) > 0 {
			file := "audio/" + lr.Tag + "/" + ManifestName
			add(lang.Problem{Severity: lang.SeverityInfo, Kind: KindMissing, File: file,
				Explain: fmt.Sprintf("no recording of %d of %d sections (%s); a volunteer can record them (TRANSLATING.md, \"Recording a section\")",
					len(missing), len(sections), strings.Join(missing, ", "))})
		}
	}
}

func orSomeone(by string) string {
	if by == "" {
		return "a volunteer"
	}
	return by
}

// checkDigits reports, for a language that has recordings, whether its
// recordings can say the region's numbers: the ten digits recorded and
// usable. Without them the emergency and helpline recordings stop before
// the numbers, which a person who cannot read then does not hear.
func checkDigits(tag string, s *Set, add func(lang.Problem)) {
	file := "audio/" + tag + "/" + ManifestName
	var missing []string
	for _, sec := range DigitSections() {
		rec := s.Get(tag, sec.Key)
		switch {
		case rec == nil:
			missing = append(missing, strings.TrimPrefix(sec.Key, DigitPrefix))
		case rec.Err != nil:
			add(lang.Problem{Severity: lang.SeverityError, Kind: KindBroken, File: rec.File,
				Explain: fmt.Sprintf("recording of %q (%s:%d): %v", sec.Key, rec.Manifest, rec.Line, rec.Err)})
		}
	}
	switch {
	case len(missing) == 10:
		add(lang.Problem{Severity: lang.SeverityInfo, Kind: KindDigits, File: file,
			Explain: "no recordings of the digits 0 to 9, so the emergency and helpline recordings cannot say the numbers; record each digit as you would say it in a phone number (`waymark audio script --lang " + tag + " --section digit.0`, then digit.1 ... digit.9)"})
	case len(missing) > 0:
		add(lang.Problem{Severity: lang.SeverityWarning, Kind: KindDigits, File: file,
			Explain: fmt.Sprintf("digits %s are not recorded, so recordings say no number that has one of them; record them (`waymark audio script --lang %s --section digit.%s`)",
				strings.Join(missing, ", "), tag, missing[0])})
	}
}
