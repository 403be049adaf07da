package lang

import (
	"errors"
	"path"
	"strings"

	"golang.org/x/text/language"
)

// KindBroken is a file that could not be read at all (not JSON, a bad
// tag, a placeholder that does not parse): error.
const KindBroken = "broken"

// KindRender is a message that failed as a page rendered it (a
// placeholder the page does not supply): error.
const KindRender = "render"

// AddLoadErrors puts the errors of files that LoadLayersAll could not read
// into the report, each under its language (status.toml and other files
// under English), so that `waymark i18n` shows them beside every other
// file's problems in one run.
func (r *Report) AddLoadErrors(errs []error) {
	for _, err := range errs {
		p := Problem{Severity: SeverityError, Kind: KindBroken, Explain: err.Error()}
		tag := Source
		var fe *FileError
		if errors.As(err, &fe) {
			p.File, p.Line, p.ID, p.Explain = fe.File, fe.Line, fe.ID, fe.Problem
			base := path.Base(fe.File)
			if strings.HasPrefix(base, "active.") && strings.HasSuffix(base, ".json") {
				tag = strings.TrimSuffix(strings.TrimPrefix(base, "active."), ".json")
			} else if fe.ID != "" && r.Language(fe.ID) != nil {
				tag = fe.ID
			}
		}
		lr := r.Language(tag)
		if lr == nil {
			lr = &LanguageReport{Tag: tag, Name: tag, EnglishName: tag, File: p.File, Status: "broken",
				Missing: []string{}, Stale: []string{}, NoHash: []string{}, Problems: []Problem{}}
			if t, err := language.Parse(tag); err == nil && t.String() == tag {
				lr.Name, lr.EnglishName = NativeName(t), EnglishName(t)
				lr.Dir, lr.Script = Dir(t), Script(t)
			}
			r.Languages = append(r.Languages, lr)
		}
		if p.File == "" {
			p.File = lr.File
		}
		lr.add(p)
		r.Errors++
	}
}
