package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// truthTerms maps the twin's truth columns to our budget_monthly columns.
var truthTerms = []struct {
	truth string
	ours  func(lake.Row) float64
}{
	{"E_FOS", func(r lake.Row) float64 { return r.EFos }},
	{"E_LUC", func(r lake.Row) float64 { return r.ELUC }},
	{"G_ATM", func(r lake.Row) float64 { return r.GAtm }},
	{"S_OCEAN", func(r lake.Row) float64 { return r.SOcean }},
	{"S_LAND", func(r lake.Row) float64 { return r.SLand }},
	{"S_CEMENT", func(r lake.Row) float64 { return r.SCement }},
	{"B_IM", func(r lake.Row) float64 { return r.BIm }},
}

func runValidate(ctx context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "validate", "validate --truth DIR [--config FILE] [--out DIR]", true)
	truthDir := fs.String("truth", "", "the twin world's truth directory (DIR/truth of 'carbonbudget synth')")
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	if *truthDir == "" {
		return fmt.Errorf("%w: validate needs --truth DIR", ErrUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	return validate(env, cfg.OutputDir, *truthDir, cfg.Grid())
}

// validate prints the skill of the published budget against the truth:
// per term the monthly bias and RMSE and the error of each complete year,
// then per RECCAP2 region the monthly RMSE of the land and ocean sinks.
func validate(env *Env, out, truthDir string, g grid.Grid) error {
	truth, err := readTruthMonthly(filepath.Join(truthDir, "budget_monthly.csv"))
	if err != nil {
		return err
	}
	ours, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TERM\tMONTHS\tBIAS (GtC/month)\tRMSE (GtC/month)\tWORST YEAR\tYEAR ERR (GtC/yr)\t")
	for _, term := range truthTerms {
		var diffs []float64
		annual := map[int][2]float64{} // year -> ours, truth
		count := map[int]int{}
		for _, r := range ours {
			m, err := grid.ParseMonth(r.Period)
			if err != nil {
				continue
			}
			t, ok := truth[m][term.truth]
			if !ok {
				continue
			}
			d := term.ours(r) - t
			diffs = append(diffs, d)
			a := annual[m.Year]
			annual[m.Year] = [2]float64{a[0] + term.ours(r), a[1] + t}
			count[m.Year]++
		}
		if len(diffs) == 0 {
			continue
		}
		worstY, worst := 0, 0.0
		for y, a := range annual {
			if count[y] == 12 && math.Abs(a[0]-a[1]) >= math.Abs(worst) {
				worstY, worst = y, a[0]-a[1]
			}
		}
		ws := "-"
		if worstY != 0 {
			ws = strconv.Itoa(worstY)
		}
		fmt.Fprintf(tw, "%s\t%d\t%+.4f\t%.4f\t%s\t%+.3f\t\n", term.truth, len(diffs), mean(diffs), rms(diffs), ws, worst)
	}
	tw.Flush()
	return validateRegions(env, out, truthDir, g)
}

// validateRegions compares the published RECCAP2 regional sinks with the
// same sums of the gridded truth.
func validateRegions(env *Env, out, truthDir string, g grid.Grid) error {
	set, err := regions.Load(g)
	if err != nil {
		return err
	}
	rows, err := output.ReadParquet[lake.RegionRow](filepath.Join(out, "regions.parquet"))
	if err != nil {
		return err
	}
	ours := map[string]map[string]float64{} // month -> region|component -> GtC
	for _, r := range rows {
		if ours[r.Month] == nil {
			ours[r.Month] = map[string]float64{}
		}
		ours[r.Month][r.RegionID+"|"+r.Component] = r.GtC
	}
	errs := map[string][]float64{}
	for month := range ours {
		m, _ := grid.ParseMonth(month)
		gf, err := output.ReadGrid(output.GridPath(truthDir, m))
		if err != nil {
			continue // truth grid not written for this month
		}
		land, ocean := set.SumLand(gf.Columns["nbp"]), set.SumOcean(gf.Columns["ocean_sink"])
		for i, r := range set.Regions() {
			if r.Kind != regions.KindReccapLand && r.Kind != regions.KindReccapOcean && r.Kind != regions.KindGlobal {
				continue
			}
			if v, ok := ours[month][r.ID+"|"+lake.CompLand]; ok {
				errs[r.ID+"|land"] = append(errs[r.ID+"|land"], v-land[i]/1e15)
			}
			if v, ok := ours[month][r.ID+"|"+lake.CompOcean]; ok {
				errs[r.ID+"|ocean"] = append(errs[r.ID+"|ocean"], v-ocean[i]/1e15)
			}
		}
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(env.Stdout)
	fmt.Fprintln(tw, "REGION|SINK\tMONTHS\tBIAS (GtC/month)\tRMSE (GtC/month)\t")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%d\t%+.4f\t%.4f\t\n", k, len(errs[k]), mean(errs[k]), rms(errs[k]))
	}
	return tw.Flush()
}

// readTruthMonthly reads the twin's truth/budget_monthly.csv: year, month
// and one column per term, GtC per month.
func readTruthMonthly(path string) (map[grid.Month]map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("truth: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("truth %s: %v", path, err)
	}
	head := recs[0]
	out := map[grid.Month]map[string]float64{}
	for _, rec := range recs[1:] {
		y, err1 := strconv.Atoi(rec[0])
		mo, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil || mo < 1 || mo > 12 {
			return nil, fmt.Errorf("truth %s: bad year/month %v", path, rec[:2])
		}
		m := grid.Month{Year: y, Month: time.Month(mo)}
		out[m] = map[string]float64{}
		for i := 2; i < len(rec) && i < len(head); i++ {
			if v, err := strconv.ParseFloat(rec[i], 64); err == nil {
				out[m][head[i]] = v
			}
		}
	}
	return out, nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func rms(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s / float64(len(v)))
}
