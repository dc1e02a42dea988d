package xgb

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

// TestForest checks that the compiled forest predicts exactly what
// XGBoost predicts, bit for bit, on models of several depths trained on
// rows with missing values (the last feature, 2%), and on rows with the
// edge values a threshold comparison can get wrong: −0, +0, the exact
// thresholds, ±Inf and NaN in every feature.
func TestForest(t *testing.T) {
	xt, yt := bench12(20_000)
	// Missing values in a feature the trees split on, so that some nodes
	// learn to send them right.
	for i := 0; i < len(yt); i += 7 {
		xt[i*12] = float32(math.NaN())
		yt[i] += 3
	}
	d, err := NewDMatrix(xt, len(yt), 12, yt)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	for _, size := range []struct{ rounds, depth int }{{1, 1}, {30, 3}, {50, 6}, {20, 8}, {5, 10}} {
		t.Run(fmt.Sprintf("rounds=%d/depth=%d", size.rounds, size.depth), func(t *testing.T) {
			bst, _, err := Train(context.Background(), Params{MaxDepth: size.depth, Eta: 0.3, NThread: 2}, d, nil, size.rounds, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer bst.Close()
			js, err := bst.JSON()
			if err != nil {
				t.Fatal(err)
			}
			f, err := CompileForest(js)
			if err != nil {
				t.Fatal(err)
			}
			if f.depth != size.depth && size.rounds > 1 {
				t.Errorf("compiled depth %d, want %d", f.depth, size.depth)
			}
			x, _ := bench12(3000)
			edges := []float32{float32(math.Copysign(0, -1)), 0, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
			// Thresholds as values, so rows land exactly on splits.
			edges = append(edges, f.thr[:min(len(f.thr), 40)]...)
			for i := 0; i < 1000; i++ {
				x[i*12+i%12] = edges[i%len(edges)]
				x[i*12+(i/7)%12] = edges[(i/3)%len(edges)]
			}
			nrow := len(x) / 12
			want, err := bst.Predict(x, nrow, 12)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Predict(x, nrow, 12)
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					if bad++; bad <= 5 {
						t.Errorf("row %d %v: forest %v, XGBoost %v", i, x[i*12:(i+1)*12], got[i], want[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d rows differ", bad, nrow)
			}
		})
	}
}

// trainedJSON trains rounds trees of p on the 12-column rows x with
// labels y and returns the booster (closed with the test) and its JSON.
func trainedJSON(t *testing.T, x, y []float32, p Params, rounds int) (*Booster, []byte) {
	t.Helper()
	d, err := NewDMatrix(x, len(y), 12, y)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	bst, _, err := Train(context.Background(), p, d, nil, rounds, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bst.Close() })
	js, err := bst.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return bst, js
}

func TestForestRefuses(t *testing.T) {
	xt, yt := bench12(2000)
	_, js := trainedJSON(t, xt, yt, Params{MaxDepth: 3, NThread: 1}, 3)
	f, err := CompileForest(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Predict(make([]float32, 22), 2, 11); err == nil {
		t.Error("11 columns for a 12-feature model: no error")
	}
	for _, c := range []struct{ from, to, want string }{
		{`"reg:squarederror"`, `"reg:logistic"`, "link function"},
		{`"split_type":[0`, `"split_type":[1`, "categorical"},
		{`"num_target":"1"`, `"num_target":"2"`, "num_target 2"},
		{`"split_indices":[`, `"split_indices":[99,`, "different lengths"},
		{`"base_score":"`, `"base_score":"x`, "base_score"},
	} {
		bad := strings.Replace(string(js), c.from, c.to, 1)
		if bad == string(js) {
			t.Fatalf("%s not in the model JSON", c.from)
		}
		if _, err := CompileForest([]byte(bad)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: %v, want an error saying %q", c.from, c.to, err, c.want)
		}
	}
}

// TestForestZeroThreshold: XGBoost sends −0 right of a threshold of +0
// (−0 < 0 is false); a subtraction's sign alone would send it left.
func TestForestZeroThreshold(t *testing.T) {
	xt, yt := bench12(2000)
	_, js := trainedJSON(t, xt, yt, Params{MaxDepth: 1, NThread: 1}, 1)
	re := regexp.MustCompile(`"split_conditions":\[[^,]+,`)
	zeroed := re.ReplaceAll(js, []byte(`"split_conditions":[0E0,`))
	if string(zeroed) == string(js) {
		t.Fatal("no split_conditions in the model JSON")
	}
	ref, err := LoadJSONBytes(zeroed)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	f, err := CompileForest(zeroed)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 4*12)
	for r, v := range []float64{math.Copysign(0, -1), 0, -1e-30, 1e-30} {
		for j := 0; j < 12; j++ {
			x[r*12+j] = float32(v)
		}
	}
	want, err := ref.Predict(x, 4, 12)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.Predict(x, 4, 12)
	if want[0] != want[1] || want[0] == want[2] {
		t.Fatalf("XGBoost's own predictions %v: the test's premise (−0 and +0 go right, below 0 left) fails", want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: forest %v, XGBoost %v", i, got[i], want[i])
		}
	}
}

// TestForestSingleLeafTrees: a target with nothing to learn gives trees
// that are one leaf each (depth 0), which the forest must still sum.
func TestForestSingleLeafTrees(t *testing.T) {
	xt, yt := bench12(500)
	for i := range yt {
		yt[i] = 4
	}
	bst, js := trainedJSON(t, xt, yt, Params{MaxDepth: 4, NThread: 1}, 3)
	f, err := CompileForest(js)
	if err != nil {
		t.Fatal(err)
	}
	if f.depth != 0 || f.trees != 3 {
		t.Fatalf("depth %d, %d trees; want 3 single leaves", f.depth, f.trees)
	}
	want, _ := bst.Predict(xt[:100*12], 100, 12)
	got, err := f.Predict(xt[:100*12], 100, 12)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: forest %v, XGBoost %v", i, got[i], want[i])
		}
	}
}
