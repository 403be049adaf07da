package lang

// Add records a problem found outside Check (for example the poster font
// check) under a language of the report, counting it as Check would.
func (r *Report) Add(tag string, p Problem) {
	lr := r.Language(tag)
	if lr == nil {
		return
	}
	before := lr.Errors + lr.Warnings
	lr.add(p)
	switch {
	case lr.Errors+lr.Warnings == before:
	case p.Severity == SeverityError:
		r.Errors++
	default:
		r.Warnings++
	}
}
