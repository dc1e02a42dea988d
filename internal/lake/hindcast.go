package lake

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// The track record of the projection (carbonbudget nowcast --hindcast).
const (
	HindcastCSV = "nowcast_hindcast.csv"
	SkillJSON   = "nowcast_skill.json"
)

// HindcastRow is one method's projection of one year as it would have
// been made in month AsOfMonth of that year, beside the truth. Series is
// "growth_global", "growth_mlo" or a term (s_land, …); Method "nowcast",
// "persistence" or "enso-only".
type HindcastRow struct {
	Series    string  `json:"series"`
	Unit      string  `json:"unit"`
	AsOfMonth int     `json:"as_of_month"`
	Year      int     `json:"year"`
	Method    string  `json:"method"`
	Value     float64 `json:"value"`
	Sigma     float64 `json:"sigma"`
	Truth     float64 `json:"truth"`
}

// SkillRow scores one method of one series over the years of a hindcast.
type SkillRow struct {
	Series        string  `json:"series"`
	Unit          string  `json:"unit"`
	Truth         string  `json:"truth"` // what the projections are scored against
	AsOfMonth     int     `json:"as_of_month"`
	FromYear      int     `json:"from_year"`
	ToYear        int     `json:"to_year"`
	Method        string  `json:"method"`
	Years         int     `json:"years"`
	RMSE          float64 `json:"rmse"`
	Bias          float64 `json:"bias"`
	Within1Sigma  float64 `json:"within_1sigma"`
	Within2Sigma  float64 `json:"within_2sigma"`
	Outside2Sigma []int   `json:"outside_2sigma"`
}

var hindcastHeader = []string{"series", "unit", "as_of_month", "year", "method", "value", "sigma", "truth"}

// WriteHindcast replaces nowcast_hindcast.csv and nowcast_skill.json under
// dir, each atomically.
func WriteHindcast(dir string, rows []HindcastRow, skill []SkillRow) error {
	recs := make([][]string, len(rows))
	for i, r := range rows {
		recs[i] = []string{r.Series, r.Unit, strconv.Itoa(r.AsOfMonth), strconv.Itoa(r.Year), r.Method, num(r.Value), num(r.Sigma), num(r.Truth)}
	}
	if err := output.WriteCSV(filepath.Join(dir, HindcastCSV), hindcastHeader, recs); err != nil {
		return err
	}
	for i := range skill {
		if skill[i].Outside2Sigma == nil {
			skill[i].Outside2Sigma = []int{}
		}
	}
	return durable.WriteFile(filepath.Join(dir, SkillJSON), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(struct {
			Skill []SkillRow `json:"skill"`
		}{skill})
	})
}
