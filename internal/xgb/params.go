package xgb

import (
	"fmt"
	"sort"
	"strconv"
)

// Params are the booster's hyper-parameters. A zero numeric field takes
// the default noted beside it (XGBoost's own, except TreeMethod), so
// Resolved shows every value that was used. Lambda and MinChildWeight of
// exactly 0 are thus not reachable; use a tiny positive value.
type Params struct {
	Objective       string  `json:"objective"`        // "reg:squarederror"
	EvalMetric      string  `json:"eval_metric"`      // "rmse"; early stopping minimises it
	TreeMethod      string  `json:"tree_method"`      // "hist"
	MaxDepth        int     `json:"max_depth"`        // 6
	Eta             float64 `json:"eta"`              // 0.3, the learning rate
	Subsample       float64 `json:"subsample"`        // 1, fraction of rows per tree
	ColsampleByTree float64 `json:"colsample_bytree"` // 1, fraction of columns per tree
	MinChildWeight  float64 `json:"min_child_weight"` // 1
	Lambda          float64 `json:"lambda"`           // 1, L2 regularisation
	MaxBin          int     `json:"max_bin"`          // 256, histogram bins per feature
	Seed            int64   `json:"seed"`             // 0 is a valid seed
	NThread         int     `json:"nthread"`          // 0: all cores; fix it for reproducible models
	// Extra holds further parameters by XGBoost name; only the names in
	// ExtraParamNames are accepted.
	Extra map[string]string `json:"extra,omitempty"`
}

// WithDefaults fills the zero fields among MaxDepth, Eta, Subsample,
// ColsampleByTree, MinChildWeight, Seed and NThread from d: a component's
// defaults under the few settings a caller chose. (A zero Seed is
// replaced too; ask for seed 0 through d.)
func (p Params) WithDefaults(d Params) Params {
	if p.MaxDepth == 0 {
		p.MaxDepth = d.MaxDepth
	}
	if p.Eta == 0 {
		p.Eta = d.Eta
	}
	if p.Subsample == 0 {
		p.Subsample = d.Subsample
	}
	if p.ColsampleByTree == 0 {
		p.ColsampleByTree = d.ColsampleByTree
	}
	if p.MinChildWeight == 0 {
		p.MinChildWeight = d.MinChildWeight
	}
	if p.Seed == 0 {
		p.Seed = d.Seed
	}
	if p.NThread == 0 {
		p.NThread = d.NThread
	}
	return p
}

// ExtraParamNames are the XGBoost parameters Params.Extra and
// Booster.SetParam accept besides the typed fields of Params.
var ExtraParamNames = []string{
	"alpha", "base_score", "colsample_bylevel", "colsample_bynode", "gamma",
	"grow_policy", "interaction_constraints", "max_cat_to_onehot", "max_delta_step",
	"max_leaves", "monotone_constraints", "num_parallel_tree", "sampling_method",
	"scale_pos_weight", "verbosity",
}

// typedParamNames are the XGBoost names of the typed fields of Params.
var typedParamNames = []string{
	"objective", "eval_metric", "tree_method", "max_depth", "eta", "subsample",
	"colsample_bytree", "min_child_weight", "lambda", "max_bin", "seed", "nthread",
}

// minimisedMetrics are the evaluation metrics for which early stopping
// (lower is better) is right.
var minimisedMetrics = map[string]bool{
	"rmse": true, "rmsle": true, "mae": true, "mape": true, "mphe": true,
	"logloss": true, "error": true, "mlogloss": true, "merror": true,
}

// Resolved returns p with every zero field replaced by its default.
func (p Params) Resolved() Params {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	deff := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	def(&p.Objective, "reg:squarederror")
	def(&p.EvalMetric, "rmse")
	def(&p.TreeMethod, "hist")
	if p.MaxDepth == 0 {
		p.MaxDepth = 6
	}
	if p.MaxBin == 0 {
		p.MaxBin = 256
	}
	deff(&p.Eta, 0.3)
	deff(&p.Subsample, 1)
	deff(&p.ColsampleByTree, 1)
	deff(&p.MinChildWeight, 1)
	deff(&p.Lambda, 1)
	return p
}

// Validate checks ranges and names, so a typo fails here instead of being
// ignored by XGBoost.
func (p Params) Validate() error {
	r := p.Resolved()
	switch {
	case r.MaxDepth < 0:
		return fmt.Errorf("xgboost params: max_depth %d is negative", r.MaxDepth)
	case !(r.Eta > 0 && r.Eta <= 1):
		return fmt.Errorf("xgboost params: eta %g outside (0, 1]", r.Eta)
	case !(r.Subsample > 0 && r.Subsample <= 1):
		return fmt.Errorf("xgboost params: subsample %g outside (0, 1]", r.Subsample)
	case !(r.ColsampleByTree > 0 && r.ColsampleByTree <= 1):
		return fmt.Errorf("xgboost params: colsample_bytree %g outside (0, 1]", r.ColsampleByTree)
	case r.MinChildWeight < 0 || r.Lambda < 0:
		return fmt.Errorf("xgboost params: min_child_weight %g and lambda %g must not be negative", r.MinChildWeight, r.Lambda)
	case r.NThread < 0:
		return fmt.Errorf("xgboost params: nthread %d is negative", r.NThread)
	case r.MaxBin < 2:
		return fmt.Errorf("xgboost params: max_bin %d below 2", r.MaxBin)
	case !minimisedMetrics[r.EvalMetric]:
		return fmt.Errorf("xgboost params: eval_metric %q is not one early stopping can minimise", r.EvalMetric)
	}
	for name := range p.Extra {
		if err := checkExtraName(name); err != nil {
			return err
		}
	}
	return nil
}

func checkExtraName(name string) error {
	for _, n := range typedParamNames {
		if n == name {
			return fmt.Errorf("xgboost params: %q belongs in its Params field, not Extra", name)
		}
	}
	for _, n := range ExtraParamNames {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("xgboost params: unknown parameter %q (known: %v and %v)", name, typedParamNames, ExtraParamNames)
}

// pairs lists the resolved parameters as XGBoost name/value strings, in a
// fixed order so that the same Params always configure the same booster.
func (p Params) pairs() [][2]string {
	r := p.Resolved()
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	out := [][2]string{
		{"objective", r.Objective}, {"eval_metric", r.EvalMetric},
		{"tree_method", r.TreeMethod}, {"max_depth", strconv.Itoa(r.MaxDepth)},
		{"eta", f(r.Eta)}, {"subsample", f(r.Subsample)},
		{"colsample_bytree", f(r.ColsampleByTree)}, {"min_child_weight", f(r.MinChildWeight)},
		{"lambda", f(r.Lambda)}, {"max_bin", strconv.Itoa(r.MaxBin)},
		{"seed", strconv.FormatInt(r.Seed, 10)},
	}
	if r.NThread > 0 {
		out = append(out, [2]string{"nthread", strconv.Itoa(r.NThread)})
	}
	names := make([]string, 0, len(r.Extra))
	for n := range r.Extra {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, [2]string{n, r.Extra[n]})
	}
	return out
}
