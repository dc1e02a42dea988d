package emulator

import (
	"runtime"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// Card records what an emulator learned, from what, how, and how well. It
// is written as <name>.card.json next to the model.
type Card struct {
	Name        string      `json:"name,omitempty"`
	Target      string      `json:"target"`
	TargetUnits string      `json:"target_units"`
	Spec        FeatureSpec `json:"spec"` // features in column order, with units
	Grid        GridSpec    `json:"grid"`

	TrainYears  []int  `json:"train_years"`
	HeldOutYear int    `json:"held_out_year"`
	TrainMonths int    `json:"train_months"`
	FirstMonth  string `json:"first_month"` // YYYY-MM, first training month
	LastMonth   string `json:"last_month"`  // last training month
	Cells       int    `json:"cells"`       // candidate cells per month
	TrainRows   int    `json:"train_rows"`
	ValidRows   int    `json:"valid_rows"` // held-out rows used for early stopping
	// MaxTrainRows is the row budget; Subsampled says whether cells were
	// drawn per month to meet it.
	MaxTrainRows int  `json:"max_train_rows"`
	Subsampled   bool `json:"subsampled"`

	Params              xgb.Params `json:"params"` // resolved, including the seed
	Rounds              int        `json:"rounds"` // the most allowed
	EarlyStoppingRounds int        `json:"early_stopping_rounds"`
	BestIteration       int        `json:"best_iteration"` // 0-based; the model keeps rounds 0..BestIteration
	ValidMetric         string     `json:"valid_metric"`
	ValidScore          float64    `json:"valid_score"` // metric at BestIteration on the early-stopping rows

	XGBoostVersion  string    `json:"xgboost_version"`
	GoVersion       string    `json:"go_version"`
	TrainedAt       time.Time `json:"trained_at"`
	TrainingSeconds float64   `json:"training_seconds"` // boosting only
	TotalSeconds    float64   `json:"total_seconds"`    // with features and scoring

	Skill Skill `json:"skill"`

	// ModelFile and ModelSHA256 tie the card to its model; Save sets them.
	ModelFile   string `json:"model_file,omitempty"`
	ModelSHA256 string `json:"model_sha256,omitempty"`
}

// GridSpec is a grid.Grid with named units, for JSON.
type GridSpec struct {
	WestDeg  float64 `json:"west_deg"`
	NorthDeg float64 `json:"north_deg"`
	DLonDeg  float64 `json:"dlon_deg"`
	DLatDeg  float64 `json:"dlat_deg"`
	NLon     int     `json:"nlon"`
	NLat     int     `json:"nlat"`
}

func gridSpec(g grid.Grid) GridSpec {
	return GridSpec{g.West, g.North, g.DLon, g.DLat, g.NLon, g.NLat}
}

// Grid returns the grid.
func (g GridSpec) Grid() grid.Grid {
	return grid.Grid{West: g.WestDeg, North: g.NorthDeg, DLon: g.DLonDeg, DLat: g.DLatDeg, NLon: g.NLon, NLat: g.NLat}
}

func newCard(s *TrainSpec, trainMonths []grid.Month, trainSet, validSet *rowSet, h *xgb.History, sk *Skill) *Card {
	var years []int
	for _, m := range trainMonths {
		if len(years) == 0 || years[len(years)-1] != m.Year {
			years = append(years, m.Year)
		}
	}
	return &Card{
		Name: s.Name, Target: s.Target, TargetUnits: s.TargetUnits,
		Spec: s.Spec, Grid: gridSpec(s.Grid),
		TrainYears: years, HeldOutYear: s.HeldOutYear, TrainMonths: len(trainMonths),
		FirstMonth: trainMonths[0].String(), LastMonth: trainMonths[len(trainMonths)-1].String(),
		Cells: len(s.Cells), TrainRows: trainSet.rows(), ValidRows: validSet.rows(),
		MaxTrainRows: s.MaxTrainRows, Subsampled: trainSet.subsampled,
		Params: s.Params, Rounds: s.Rounds, EarlyStoppingRounds: s.EarlyStoppingRounds,
		BestIteration: h.BestIteration, ValidMetric: h.Metric, ValidScore: h.ValidScores[h.BestIteration],
		XGBoostVersion: xgb.Version(), GoVersion: runtime.Version(),
		TrainedAt: time.Now().UTC().Truncate(time.Second),
		Skill:     *sk,
	}
}
