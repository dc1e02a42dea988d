package xgb

import (
	"math"
	"testing"
)

// TestForestContributions checks the forest's path attributions against
// XGBoost's own (approx_contribs) on rows with missing values, that they
// and the bias add up to the prediction, and that they name the features
// the exact SHAP values name: feature 11 carries no signal and must get
// next to nothing, feature 10's effect is linear (0.2·x) and both methods
// must credit it alike.
func TestForestContributions(t *testing.T) {
	xt, yt := bench12(20_000)
	bst, js := trainedJSON(t, xt, yt, Params{MaxDepth: 6, Eta: 0.3, NThread: 2}, 40)
	f, err := CompileForest(js)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := bench12(500)
	for i := 0; i < 500; i += 9 {
		x[i*12+i%12] = float32(math.NaN())
	}
	const nrow, ncol = 500, 12
	got, err := f.Contributions(x, nrow, ncol)
	if err != nil {
		t.Fatal(err)
	}
	approx, err := bst.Contributions(x, nrow, ncol, false)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := bst.Contributions(x, nrow, ncol, true)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := f.Predict(x, nrow, ncol)
	if err != nil {
		t.Fatal(err)
	}
	var absExact, absSaabas [13]float64
	for r := 0; r < nrow; r++ {
		var sum, sumExact float64
		for j := 0; j <= ncol; j++ {
			g, w := got[r*13+j], approx[r*13+j]
			if math.Abs(float64(g-w)) > 1e-5*(1+math.Abs(float64(w))) {
				t.Fatalf("row %d feature %d: forest %v, XGBoost approx_contribs %v", r, j, g, w)
			}
			sum += float64(g)
			sumExact += float64(exact[r*13+j])
			absExact[j] += math.Abs(float64(exact[r*13+j]))
			absSaabas[j] += math.Abs(float64(g))
		}
		for name, s := range map[string]float64{"forest": sum, "exact SHAP": sumExact} {
			if math.Abs(s-float64(pred[r])) > 1e-4*(1+math.Abs(float64(pred[r]))) {
				t.Errorf("row %d: %s contributions add up to %v, prediction %v", r, name, s, pred[r])
			}
		}
	}
	if absSaabas[11] > 0.02*absSaabas[0] || absExact[11] > 0.02*absExact[0] {
		t.Errorf("noise feature 11 credited: Saabas %.3g, SHAP %.3g (feature 0: %.3g, %.3g)", absSaabas[11], absExact[11], absSaabas[0], absExact[0])
	}
	if r := absSaabas[10] / absExact[10]; r < 0.8 || r > 1.25 {
		t.Errorf("linear feature 10: Saabas %.4g, SHAP %.4g", absSaabas[10], absExact[10])
	}
}

// TestForestGroupContributions: the tabled group sums equal the per-row
// path attributions summed by group, on rows with missing values and a
// last block that is not full, and the groups with the bias add up to the
// prediction.
func TestForestGroupContributions(t *testing.T) {
	xt, yt := bench12(20_000)
	_, js := trainedJSON(t, xt, yt, Params{MaxDepth: 6, Eta: 0.3, NThread: 2}, 40)
	f, err := CompileForest(js)
	if err != nil {
		t.Fatal(err)
	}
	const nrow, ncol, ngroup = 1000, 12, 4 // 15 full blocks of 64 and one of 40
	x, _ := bench12(nrow)
	for i := 0; i < nrow; i += 7 {
		x[i*ncol+i%ncol] = float32(math.NaN())
	}
	group := []int{0, 0, 1, 1, 1, 2, 3, 3, 0, 2, 2, 1}
	per, err := f.Contributions(x, nrow, ncol)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.GroupContributions(x, nrow, ncol, group, ngroup)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := f.Predict(x, nrow, ncol)
	if err != nil {
		t.Fatal(err)
	}
	for r := range nrow {
		var want [ngroup + 1]float64
		for j := range ncol {
			want[group[j]] += float64(per[r*(ncol+1)+j])
		}
		want[ngroup] = float64(per[r*(ncol+1)+ncol])
		var sum float64
		for g := range ngroup + 1 {
			v := float64(got[r*(ngroup+1)+g])
			if math.Abs(v-want[g]) > 1e-5*(1+math.Abs(want[g])) {
				t.Fatalf("row %d group %d: %v, per-feature sum %v", r, g, v, want[g])
			}
			sum += v
		}
		if math.Abs(sum-float64(pred[r])) > 1e-4*(1+math.Abs(float64(pred[r]))) {
			t.Fatalf("row %d: groups add up to %v, prediction %v", r, sum, pred[r])
		}
	}
	if _, err := f.GroupContributions(x, nrow, ncol, []int{0, 5}, ngroup); err == nil {
		t.Error("a grouping shorter than the features accepted")
	}
}
