package site

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The field team's spreadsheet of venues (`waymark venues import` and
// `export`): one row a venue, the first row naming the columns.

// SheetColumns are the columns a sheet may have, by their documented
// names. Headers are matched without regard to case, spaces, hyphens
// and underscores ("Paper size", "paper_size", "PAPER-SIZE").
var SheetColumns = []string{"code", "own id", "name", "region", "area", "languages", "paper size", "copies", "poster address"}

// columnAliases are other names people give the same columns.
var columnAliases = map[string]string{
	"id": "own id", "ownid": "own id", "language": "languages", "paper": "paper size", "size": "paper size",
	"address": "poster address", "url": "poster address", "copy": "copies",
}

// MaxPosterLanguages is how many languages one poster holds (the poster
// package's MaxLanguages).
const MaxPosterLanguages = 6

// RowError is a row of the sheet that is refused: its row number as the
// spreadsheet shows it (the header is row 1) and the column at fault.
type RowError struct {
	Row    int
	Column string
	Msg    string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Msg)
}

// Import is what a sheet does to a config.
type Import struct {
	Changes                   []VenueChange // added and updated venues, in sheet order
	Added, Updated, Unchanged int
	Refused                   []RowError
}

// Comma returns the separator of a sheet file: a tab for .tsv, else a
// comma, or a semicolon when the header row has semicolons and no comma
// (spreadsheets in French, German and other languages that write decimals
// with a comma save CSV that way).
func Comma(name string, header []byte) rune {
	if strings.HasSuffix(strings.ToLower(name), ".tsv") {
		return '\t'
	}
	first, _, _ := bytes.Cut(header, []byte("\n"))
	if bytes.Contains(first, []byte(";")) && !bytes.Contains(first, []byte(",")) {
		return ';'
	}
	return ','
}

// ImportSheet reads a sheet and works out, row by row, which venues it adds
// and which it updates. A row is matched to a venue by its code column if
// it has one, else by its own ID, else by its name and region; a new venue
// gets a code from codes. A row that cannot be used is refused with its row
// number and column; the others still count. The error is for a sheet that
// cannot be read at all.
func (c *Config) ImportSheet(r io.Reader, comma rune, codes *CodeMaker) (*Import, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = comma == '\t' // TSV does not quote
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("the sheet is empty: its first row names the columns (%s)", strings.Join(SheetColumns, ", "))
		}
		return nil, fmt.Errorf("row 1: %w", err)
	}
	col := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff") // Excel's UTF-8 mark
		names[i] = strings.TrimSpace(h)
		key := columnKey(h)
		if a, ok := columnAliases[strings.ReplaceAll(key, " ", "")]; ok {
			key = a
		}
		if key == "" {
			continue
		}
		if !slices.Contains(SheetColumns, key) {
			return nil, fmt.Errorf("row 1: unknown column %q: the columns are %s", names[i], strings.Join(SheetColumns, ", "))
		}
		if _, dup := col[key]; dup {
			return nil, fmt.Errorf("row 1: column %q is there twice", names[i])
		}
		col[key] = i
	}
	for _, need := range []string{"name", "region", "languages"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("row 1: no column %q: a sheet needs name, region and languages (and may have %s)", need, strings.Join(SheetColumns, ", "))
		}
	}

	byCode := map[string]int{}
	byOwnID := map[string]int{}
	byName := map[string]int{}
	for i := range c.Venues {
		v := &c.Venues[i]
		byCode[v.Code] = i
		if v.OwnID != "" {
			byOwnID[v.OwnID] = i
		}
		byName[nameKey(v.Name, v.Region)] = i
	}
	// seen is which row already claimed a venue (by index) or a new key.
	seen := map[string]int{}
	imp := &Import{}
	for rowNum := 2; ; rowNum++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) && !errors.Is(perr.Err, csv.ErrFieldCount) {
				return imp, fmt.Errorf("row %d: %v", rowNum, perr.Err)
			}
			return imp, fmt.Errorf("row %d: %w", rowNum, err)
		}
		cell := func(key string) (string, bool) {
			i, ok := col[key]
			if !ok {
				return "", false
			}
			if i >= len(rec) {
				return "", true
			}
			return strings.TrimSpace(rec[i]), true
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // the empty rows a spreadsheet saves at the end
		}
		refuse := func(key, format string, args ...any) {
			name := key
			if i, ok := col[key]; ok {
				name = names[i]
			}
			imp.Refused = append(imp.Refused, RowError{Row: rowNum, Column: name, Msg: fmt.Sprintf(format, args...)})
		}
		nv, bad := c.rowVenue(cell, refuse)
		if bad {
			continue
		}

		// Which venue the row is.
		idx, key := -1, ""
		code, _ := cell("code")
		switch {
		case code != "":
			canon, ok := NormalizeCode(code)
			i, found := byCode[canon]
			if !ok || !found {
				refuse("code", "no venue has the code %q: leave the code empty for a new venue (Waymark gives it one)", code)
				continue
			}
			idx = i
		case nv.OwnID != "":
			if i, ok := byOwnID[nv.OwnID]; ok {
				idx = i
			} else if i, ok := byName[nameKey(nv.Name, nv.Region)]; ok && c.Venues[i].OwnID == "" {
				idx = i // the sheet gives an existing venue its own ID
			}
		default:
			if i, ok := byName[nameKey(nv.Name, nv.Region)]; ok {
				idx = i
			}
		}
		if idx >= 0 {
			key = "venue " + strconv.Itoa(idx)
		} else if nv.OwnID != "" {
			key = "own id " + nv.OwnID
		} else {
			key = "name " + nameKey(nv.Name, nv.Region)
		}
		if first, dup := seen[key]; dup {
			refuse("", "the same venue as row %d", first)
			continue
		}
		seen[key] = rowNum
		if nv.OwnID != "" {
			if i, ok := byOwnID[nv.OwnID]; ok && i != idx {
				refuse("own id", "own id %q belongs to venue %s (%s)", nv.OwnID, c.Venues[i].Code, c.Venues[i].Name)
				continue
			}
		}

		if idx < 0 {
			code, err := codes.New()
			if err != nil {
				return imp, err
			}
			v := nv.merge(&Venue{}, cell)
			v.Code = code
			imp.Changes = append(imp.Changes, VenueChange{Index: -1, New: v})
			imp.Added++
			continue
		}
		old := &c.Venues[idx]
		v := nv.merge(old, cell)
		if sameVenue(old, &v) {
			imp.Unchanged++
			continue
		}
		imp.Changes = append(imp.Changes, VenueChange{Index: idx, Old: old, New: v})
		imp.Updated++
	}
	return imp, nil
}

// rowVenue reads and checks a row's cells. bad is true when the row was
// refused (each problem is reported through refuse).
func (c *Config) rowVenue(cell func(string) (string, bool), refuse func(key, format string, args ...any)) (v Venue, bad bool) {
	fail := func(key, format string, args ...any) {
		refuse(key, format, args...)
		bad = true
	}
	for _, key := range []string{"name", "own id", "region", "area", "languages", "paper size", "copies", "code"} {
		s, _ := cell(key)
		if err := CheckValue(s); err != nil {
			fail(key, "%v", err)
		}
	}
	if bad {
		return v, true
	}
	v.Name, _ = cell("name")
	if v.Name == "" {
		fail("name", "the venue has no name")
	}
	v.OwnID, _ = cell("own id")
	v.Region, _ = cell("region")
	switch {
	case v.Region == "":
		fail("region", "no region (one of %s)", c.regionList())
	case c.regionByID[v.Region] == nil:
		fail("region", "region %q is not defined in the config (the regions are %s)", v.Region, c.regionList())
	}
	v.Area, _ = cell("area")
	if v.Area != "" && c.areaByID[v.Area] == nil {
		fail("area", "area %q is not defined in the config ([[areas]] with id = %q)", v.Area, v.Area)
	}
	langs, _ := cell("languages")
	for _, l := range strings.FieldsFunc(langs, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' }) {
		i := slices.IndexFunc(c.Languages, func(s string) bool { return strings.EqualFold(s, l) })
		if i < 0 {
			fail("languages", "language %q is not one of the site's languages (%s)", l, strings.Join(c.Languages, ", "))
			continue
		}
		if slices.Contains(v.Languages, c.Languages[i]) {
			fail("languages", "language %q is listed twice", l)
			continue
		}
		v.Languages = append(v.Languages, c.Languages[i])
	}
	switch {
	case len(v.Languages) == 0 && !bad:
		fail("languages", "list the poster's languages, e.g. \"en, ar\"")
	case len(v.Languages) > MaxPosterLanguages:
		fail("languages", "%d languages do not fit on one poster: at most %d", len(v.Languages), MaxPosterLanguages)
	}
	if p, _ := cell("paper size"); p != "" {
		i := slices.IndexFunc(Papers, func(s string) bool { return strings.EqualFold(s, p) })
		if i < 0 {
			fail("paper size", "paper size %q: want A5, A4 or A3", p)
		} else {
			v.Paper = Papers[i]
		}
	}
	if s, _ := cell("copies"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxCopies {
			fail("copies", "copies %q: a whole number from 1 to %d", s, MaxCopies)
		}
		v.Copies = n
	}
	return v, bad
}

// merge returns old with the row's values for the columns the sheet has:
// a sheet without a paper column leaves every venue's paper as it was.
func (v Venue) merge(old *Venue, cell func(string) (string, bool)) Venue {
	out := *old
	out.Languages = slices.Clone(old.Languages)
	out.Name, out.Region, out.Languages = v.Name, v.Region, v.Languages
	if _, ok := cell("own id"); ok {
		out.OwnID = v.OwnID
	}
	if _, ok := cell("area"); ok {
		out.Area = v.Area
	}
	if _, ok := cell("paper size"); ok {
		out.Paper = v.Paper
	}
	if _, ok := cell("copies"); ok {
		out.Copies = v.Copies
	}
	return out
}

func sameVenue(a, b *Venue) bool {
	for _, k := range venueKeys {
		if venueValue(a, k) != venueValue(b, k) {
			return false
		}
	}
	return true
}

// nameKey matches a row to a venue by name and region, forgiving the case
// and spacing a spreadsheet changes.
func nameKey(name, region string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " ")) + "\x00" + region
}

// columnKey is a header as matched: lower case, single spaces, no hyphens
// or underscores.
func columnKey(h string) string {
	h = strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(strings.TrimPrefix(h, "\ufeff")))
	return strings.Join(strings.Fields(h), " ")
}

func (c *Config) regionList() string {
	ids := make([]string, len(c.Regions))
	for i, r := range c.Regions {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// CheckValue applies the config's hygiene rules to one value: no
// character that hides or reorders text or drives a terminal, and the
// length of a name.
func CheckValue(s string) error {
	if len(s) > maxNameBytes {
		return fmt.Errorf("%d bytes is too long (at most %d)", len(s), maxNameBytes)
	}
	for _, r := range s {
		if why := badRune(r); why != "" || r == '\t' || r == '\n' {
			if why == "" {
				why = "line break or tab"
			}
			return fmt.Errorf("holds a %s; remove it", why)
		}
	}
	return nil
}

// WriteSheet writes the venues as a sheet that ImportSheet reads back:
// the columns of SheetColumns, the code and the address its poster
// carries (address(code)) included, for the field team.
func (c *Config) WriteSheet(w io.Writer, comma rune, address func(code string) string) error {
	cw := csv.NewWriter(w)
	cw.Comma = comma
	if err := cw.Write(SheetColumns); err != nil {
		return err
	}
	for i := range c.Venues {
		v := &c.Venues[i]
		copies := ""
		if v.Copies != 0 {
			copies = strconv.Itoa(v.Copies)
		}
		rec := []string{v.Code, v.OwnID, v.Name, v.Region, v.Area, strings.Join(v.Languages, ", "), v.Paper, copies, address(v.Code)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
