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
