package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// The projection files: the year in progress as projected from the months
// published so far (internal/nowcast), kept apart from the computed months
// so that no projected value is ever read as a computed one.
const (
	ProjectionParquet = "projection.parquet"
	ProjectionCSV     = "projection.csv"
	ProjectionJSON    = "projection.json"
	// MaturityProjected marks every projected value.
	MaturityProjected = "projected"
)

// Units of the projection rows.
const (
	UnitGtCPerYear = "GtC/yr"
	UnitPPMPerYear = "ppm/yr"
)

// ProjectionRow is one row of the projection table: one term or growth
// rate of one year, as projected in month AsOf. Value, Sigma and YTD are in
// Unit: for a term (e_fos … b_im, GtC/yr) YTD is the sum of the months
// computed; for a growth rate (growth_global, growth_mlo, ppm/yr) the
// observed rise of the last twelve months to AsOf.
type ProjectionRow struct {
	Year           int32   `parquet:"year" json:"year"`
	Term           string  `parquet:"term" json:"term"`
	Unit           string  `parquet:"unit" json:"unit"`
	Maturity       string  `parquet:"maturity" json:"maturity"`
	AsOf           string  `parquet:"as_of" json:"as_of"`     // YYYY-MM
	MadeAt         string  `parquet:"made_at" json:"made_at"` // RFC 3339, UTC
	Value          float64 `parquet:"value" json:"value"`
	Sigma          float64 `parquet:"sigma" json:"sigma"` // 1σ
	YTD            float64 `parquet:"ytd" json:"ytd"`
	MonthsObserved int32   `parquet:"months_observed" json:"months_observed"`
}

// ProjectionDoc is one year's projection as projection.json and the API
// give it.
type ProjectionDoc struct {
	Year     int                       `json:"year"`
	AsOf     string                    `json:"as_of"`
	MadeAt   string                    `json:"made_at"`
	Maturity string                    `json:"maturity"`
	Terms    map[string]ProjectedTerm  `json:"terms"`
	Growth   map[string]ProjectedValue `json:"growth_ppm_per_year,omitempty"`
}

// ProjectedTerm is one budget term of a ProjectionDoc, GtC/yr.
type ProjectedTerm struct {
	GtC            float64 `json:"gtc"`
	SigmaGtC       float64 `json:"sigma_gtc"`
	YTDGtC         float64 `json:"ytd_gtc"`
	MonthsObserved int     `json:"months_observed"`
}

// ProjectedValue is a projected growth rate and its 1σ.
type ProjectedValue struct {
	Value float64 `json:"value"`
	Sigma float64 `json:"sigma"`
}

// projectionFile is projection.json: every year's projection, by year.
type projectionFile struct {
	Projections []ProjectionDoc `json:"projections"`
}

var projectionHeader = []string{"year", "term", "unit", "maturity", "as_of", "made_at", "value", "sigma", "ytd", "months_observed"}

// WriteProjection replaces the projection table and projection.json under
// out, each file atomically.
func WriteProjection(out string, rows []ProjectionRow, docs []ProjectionDoc) error {
	docs = append([]ProjectionDoc(nil), docs...)
	sort.Slice(docs, func(i, j int) bool { return docs[i].Year < docs[j].Year })
	if err := output.WriteParquet(filepath.Join(out, ProjectionParquet), rows, nil); err != nil {
		return err
	}
	recs := make([][]string, len(rows))
	for i, r := range rows {
		recs[i] = []string{strconv.Itoa(int(r.Year)), r.Term, r.Unit, r.Maturity, r.AsOf, r.MadeAt,
			num(r.Value), num(r.Sigma), num(r.YTD), strconv.Itoa(int(r.MonthsObserved))}
	}
	if err := output.WriteCSV(filepath.Join(out, ProjectionCSV), projectionHeader, recs); err != nil {
		return err
	}
	return durable.WriteFile(filepath.Join(out, ProjectionJSON), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(projectionFile{Projections: docs})
	})
}

// ErrNoProjection means out holds no projection.
var ErrNoProjection = errors.New("no projection published")

// ReadProjection reads projection.json under out, in year order.
func ReadProjection(out string) ([]ProjectionDoc, error) {
	b, err := os.ReadFile(filepath.Join(out, ProjectionJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoProjection
	}
	if err != nil {
		return nil, err
	}
	var f projectionFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read %s: %w", ProjectionJSON, err)
	}
	if len(f.Projections) == 0 {
		return nil, ErrNoProjection
	}
	return f.Projections, nil
}

// ReadProjectionRows reads the projection table under out.
func ReadProjectionRows(out string) ([]ProjectionRow, error) {
	p := filepath.Join(out, ProjectionParquet)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoProjection
	}
	return output.ReadParquet[ProjectionRow](p)
}
