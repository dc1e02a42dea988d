package gcb

import (
	"fmt"
	"regexp"
	"strings"
)

// Units a GCB sheet states.
const (
	GtCPerYear = "GtC/yr"
	MtCPerYear = "MtC/yr"
)

// unitsLabel returns s as a units constant when the cell is a units label
// ("GtC/yr", "MtC/yr", any case), "" otherwise.
func unitsLabel(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, " ", "")) {
	case "gtc/yr":
		return GtCPerYear
	case "mtc/yr":
		return MtCPerYear
	}
	return ""
}

// notesUnits matches the sheets' units sentence, "All values in billion
// tonnes of carbon per year (GtC/yr), ..." or "... million tonnes ...
// (MtC/yr), except the per capita emissions ...": only the bracketed label
// right after "All values in" counts, so an uncertainty quoted in GtC/yr
// elsewhere in the notes is not taken for the table's units.
var notesUnits = regexp.MustCompile(`(?i)all values (?:are )?in [^()]*\(\s*([GM]tC\s*/\s*yr)\s*\)`)

// StatedUnits returns the units the sheet states for its table, GtCPerYear
// or MtCPerYear, or "" when it states none (a table-only CSV). The notes'
// "All values in ..." sentence and the units line above the header are
// both read; if they disagree the sheet is ambiguous and that is an error.
func (t *Table) StatedUnits() (string, error) {
	var fromNotes string
	for _, n := range t.Notes {
		m := notesUnits.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		u := unitsLabel(m[1])
		if fromNotes != "" && u != fromNotes {
			return "", fmt.Errorf("the notes state both %s and %s for all values", fromNotes, u)
		}
		fromNotes = u
	}
	switch {
	case fromNotes != "" && t.UnitsLine != "" && fromNotes != t.UnitsLine:
		return "", fmt.Errorf("the notes say all values are %s but the line above the header says %s", fromNotes, t.UnitsLine)
	case fromNotes != "":
		return fromNotes, nil
	}
	return t.UnitsLine, nil
}
