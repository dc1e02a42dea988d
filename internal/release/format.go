package release

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteText writes the diff for a reader: the summary, then the largest
// changes (at most limit; 0 for all).
func (d *Diff) WriteText(w io.Writer, limit int) error {
	fmt.Fprintf(w, "diff %s → %s: %s\n", d.From, d.To, d.Kind)
	for _, s := range d.Summary {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if len(d.Changes) == 0 {
		return nil
	}
	n := len(d.Changes)
	if limit > 0 && limit < n {
		n = limit
	}
	fmt.Fprintf(w, "\n%-8s %-28s %-26s %12s %12s %12s %10s  %s\n", "month", "region", "term", "from GtC", "to GtC", "Δ GtC", "Δσ GtC", "cause")
	for _, c := range d.Changes[:n] {
		fmt.Fprintf(w, "%-8s %-28s %-26s %12s %12s %+12.5g %+10.3g  %s\n", c.Month, c.Region, c.Term, short6(c.FromGtC), short6(c.ToGtC),
			c.DeltaGtC, c.DeltaSigmaGtC, c.Cause)
	}
	if n < len(d.Changes) {
		fmt.Fprintf(w, "… and %d smaller changes (--format csv or json lists them all)\n", len(d.Changes)-n)
	}
	return nil
}

// WriteJSON writes the diff as indented JSON.
func (d *Diff) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(d)
}

// CSVHeader is the header of WriteCSV.
var CSVHeader = []string{"month", "region", "term", "from_gtc", "to_gtc", "delta_gtc", "from_sigma_gtc", "to_sigma_gtc", "delta_sigma_gtc", "cause", "causes"}

// WriteCSV writes one row per changed value, largest first; the causes
// column names the month's changed inputs, models, code and configuration.
func (d *Diff) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	causes := d.monthCauses()
	for _, c := range d.Changes {
		cw.Write([]string{c.Month, c.Region, c.Term, num(c.FromGtC), num(c.ToGtC), num(c.DeltaGtC), num(c.FromSigmaGtC),
			num(c.ToSigmaGtC), num(c.DeltaSigmaGtC), c.Cause, strings.Join(causes[c.Month], "; ")})
	}
	cw.Flush()
	return cw.Error()
}

// monthCauses lists each month's causes in words.
func (d *Diff) monthCauses() map[string][]string {
	out := map[string][]string{}
	for _, in := range d.Causes.Inputs {
		for _, m := range in.Months {
			out[m] = append(out[m], fmt.Sprintf("input %s %s (%s)", in.Path, in.Change, short(in.SHA256To)))
		}
	}
	for _, x := range d.Causes.Models {
		for _, m := range x.Months {
			out[m] = append(out[m], fmt.Sprintf("model %s/%s %s", x.Component, x.Name, x.Change))
		}
	}
	for _, x := range d.Causes.Code {
		for _, m := range x.Months {
			out[m] = append(out[m], fmt.Sprintf("code %s → %s", x.From, x.To))
		}
	}
	for _, x := range d.Causes.Config {
		for _, m := range x.Months {
			out[m] = append(out[m], fmt.Sprintf("config %s", x.Key))
		}
	}
	return out
}

func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// short6 is a value for the text table: six significant digits, "-" for
// a side that has no such row.
func short6(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
