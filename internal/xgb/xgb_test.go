package xgb

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// synth returns n rows of 8 features uniform in [-1, 1] and a nonlinear
// target of all of them (sine, square, product, exponential, kink, step and
// an interaction) plus Gaussian noise of standard deviation noise.
func synth(n int, seed uint64, noise float64) (x, y []float32) {
	const ncol = 8
	r := rand.New(rand.NewPCG(seed, 1))
	x = make([]float32, n*ncol)
	y = make([]float32, n)
	for i := 0; i < n; i++ {
		v := x[i*ncol : (i+1)*ncol]
		for j := range v {
			v[j] = float32(2*r.Float64() - 1)
		}
		y[i] = float32(target8(v) + noise*r.NormFloat64())
	}
	return x, y
}

func target8(v []float32) float64 {
	f := func(j int) float64 { return float64(v[j]) }
	step := 0.0
	if f(6) > 0.2 {
		step = 1
	}
	return math.Sin(3*f(0)) + 2*f(1)*f(1) + f(2)*f(3) + math.Exp(f(4)) +
		math.Abs(f(5)) + step + 0.5*f(7)*f(0)
}

// r2 is the coefficient of determination of pred against truth.
func r2(pred, truth []float32) float64 {
	var mean float64
	for _, t := range truth {
		mean += float64(t)
	}
	mean /= float64(len(truth))
	var res, tot float64
	for i, t := range truth {
		d := float64(pred[i]) - float64(t)
		res += d * d
		e := float64(t) - mean
		tot += e * e
	}
	return 1 - res/tot
}

func mustMatrix(t testing.TB, x []float32, ncol int, y []float32) *DMatrix {
	t.Helper()
	d, err := NewDMatrix(x, len(x)/ncol, ncol, y)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Free() })
	return d
}

var testParams = Params{MaxDepth: 6, Eta: 0.1, Subsample: 0.8, Seed: 7, NThread: 2}

// trainSynth trains on 40k rows and early-stops on 10k separate rows.
func trainSynth(t testing.TB, p Params) (*Booster, *History) {
	t.Helper()
	xt, yt := synth(40000, 1, 0.05)
	xv, yv := synth(10000, 2, 0.05)
	b, h, err := Train(context.Background(), p, mustMatrix(t, xt, 8, yt), mustMatrix(t, xv, 8, yv), 400, 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, h
}

func TestVersion(t *testing.T) {
	if v := Version(); !regexp.MustCompile(`^1\.7\.\d+$`).MatchString(v) {
		t.Errorf("Version() = %q, want 1.7.x (libxgboost-dev 1.7)", v)
	}
}

func TestLearnsNonlinearFunction(t *testing.T) {
	b, h := trainSynth(t, testParams)
	// Held-out rows from a third seed: neither trained on nor used to stop.
	xh, yh := synth(10000, 3, 0)
	pred, err := b.Predict(xh, 10000, 8)
	if err != nil {
		t.Fatal(err)
	}
	if got := r2(pred, yh); got < 0.95 {
		t.Errorf("held-out R² = %.4f, want >= 0.95", got)
	}
	n, err := b.Rounds()
	if err != nil {
		t.Fatal(err)
	}
	if n != h.BestIteration+1 {
		t.Errorf("model has %d rounds, want best iteration %d + 1", n, h.BestIteration)
	}
	if nf, _ := b.NumFeatures(); nf != 8 {
		t.Errorf("NumFeatures = %d, want 8", nf)
	}
}

func TestEarlyStoppingKeepsBestRound(t *testing.T) {
	// Pure noise: the validation error bottoms out early, so training must
	// stop well before the 300 rounds allowed and keep the best round.
	r := rand.New(rand.NewPCG(5, 5))
	noise := func(n int) ([]float32, []float32) {
		x, y := make([]float32, n*4), make([]float32, n)
		for i := range x {
			x[i] = float32(r.Float64())
		}
		for i := range y {
			y[i] = float32(r.NormFloat64())
		}
		return x, y
	}
	xt, yt := noise(5000)
	xv, yv := noise(2000)
	valid := mustMatrix(t, xv, 4, yv)
	b, h, err := Train(context.Background(), Params{Eta: 0.5, MaxDepth: 8, NThread: 2}, mustMatrix(t, xt, 4, yt), valid, 300, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !h.Stopped || len(h.ValidScores) != h.BestIteration+11 {
		t.Fatalf("stopped=%v after %d rounds with best %d, want a stop 10 rounds after the best", h.Stopped, len(h.ValidScores), h.BestIteration)
	}
	pred, err := b.Predict(xv, 2000, 4)
	if err != nil {
		t.Fatal(err)
	}
	var sse float64
	for i := range pred {
		d := float64(pred[i] - yv[i])
		sse += d * d
	}
	// 1e-4 relative: XGBoost prints the metric with 6 significant digits.
	rmse := math.Sqrt(sse / 2000)
	if best := h.ValidScores[h.BestIteration]; math.Abs(rmse-best) > 1e-4*best {
		t.Errorf("RMSE of kept model %.6f, want the best score %.6f", rmse, best)
	}
}

func TestSaveLoadIdenticalPredictions(t *testing.T) {
	b, _ := trainSynth(t, Params{MaxDepth: 4, Eta: 0.3, NThread: 2})
	if err := b.SetFeatureNames([]string{"a", "b", "c", "d", "e", "f", "g", "h"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.json")
	if err := b.SaveJSON(path); err != nil {
		t.Fatal(err)
	}
	c, err := LoadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	x, _ := synth(5000, 9, 0)
	p1, err1 := b.Predict(x, 5000, 8)
	p2, err2 := c.Predict(x, 5000, 8)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for i := range p1 {
		if math.Float32bits(p1[i]) != math.Float32bits(p2[i]) {
			t.Fatalf("row %d: loaded model predicts %v, original %v", i, p2[i], p1[i])
		}
	}
	names, err := c.FeatureNames()
	if err != nil || strings.Join(names, ",") != "a,b,c,d,e,f,g,h" {
		t.Errorf("feature names after load = %v (%v), want a..h", names, err)
	}
}

func TestDeterministicModelBytes(t *testing.T) {
	xt, yt := synth(20000, 1, 0.1)
	model := func(p Params) string {
		b, _, err := Train(context.Background(), p, mustMatrix(t, xt, 8, yt), nil, 30, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		data, err := b.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	p := Params{MaxDepth: 6, Subsample: 0.7, ColsampleByTree: 0.8, Seed: 11, NThread: 2}
	a, b := model(p), model(p)
	if a != b {
		t.Error("same data, seed and nthread gave different model bytes")
	}
	// The seed must matter (row and column subsampling), or the test above
	// proves nothing about it.
	p.Seed = 12
	if model(p) == a {
		t.Error("seeds 11 and 12 gave identical models with subsampling: seed not applied")
	}
}

func TestPredictConcurrent(t *testing.T) {
	b, _ := trainSynth(t, Params{MaxDepth: 4, NThread: 1})
	x, _ := synth(3000, 4, 0)
	want, err := b.Predict(x, 3000, 8)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				got, err := b.Predict(x, 3000, 8)
				if err != nil {
					errs <- err
					return
				}
				for i := range got {
					if got[i] != want[i] {
						errs <- errors.New("concurrent prediction differs")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	b, _ := trainSynth(t, Params{MaxDepth: 2, NThread: 1})
	x, _ := synth(10, 4, 0)
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"wrong column count", func() error { _, err := b.Predict(x[:70], 10, 7); return err }, "XGBoosterPredictFromDense"},
		{"shape mismatch", func() error { _, err := b.Predict(x, 11, 8); return err }, "80 values for shape 11×8"},
		{"NaN label", func() error { _, err := NewDMatrix(x, 10, 8, nanLabels(10)); return err }, "label of row 3"},
		{"unknown extra", func() error { return Params{Extra: map[string]string{"max_dept": "3"}}.Validate() }, `unknown parameter "max_dept"`},
		{"typed in extra", func() error { return Params{Extra: map[string]string{"eta": "3"}}.Validate() }, "belongs in its Params field"},
		{"bad eta", func() error { return Params{Eta: 2}.Validate() }, "eta 2 outside"},
		{"maximised metric", func() error { return Params{EvalMetric: "auc"}.Validate() }, `"auc"`},
		{"unknown SetParam", func() error { return b.SetParam("learning_rat", "0.1") }, `unknown parameter "learning_rat"`},
		{"bad extra value", func() error { return trainErr(Params{Extra: map[string]string{"grow_policy": "sideways"}}) }, "sideways"},
		{"early stop without valid", func() error {
			xt, yt := synth(100, 1, 0)
			_, _, err := Train(context.Background(), Params{}, mustMatrix(t, xt, 8, yt), nil, 5, 3)
			return err
		}, "needs a validation matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "Stack trace") {
				t.Errorf("error keeps the C++ stack trace: %v", err)
			}
		})
	}
}

func nanLabels(n int) []float32 {
	y := make([]float32, n)
	y[3] = float32(math.NaN())
	return y
}

func trainErr(p Params) error {
	x, y := synth(100, 1, 0)
	d, err := NewDMatrix(x, 100, 8, y)
	if err != nil {
		return err
	}
	defer d.Free()
	b, _, err := Train(context.Background(), p, d, nil, 2, 0)
	b.Close()
	return err
}

func TestCancelAndClose(t *testing.T) {
	xt, yt := synth(1000, 1, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, Params{}, mustMatrix(t, xt, 8, yt), nil, 5, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: error %v, want context.Canceled", err)
	}
	b, _, err := Train(context.Background(), Params{NThread: 1}, mustMatrix(t, xt, 8, yt), nil, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := b.Predict(xt, 1000, 8); err == nil {
		t.Error("Predict on a closed booster succeeded")
	}
	if _, err := LoadJSONBytes([]byte("not json")); err == nil {
		t.Error("LoadJSONBytes accepted garbage")
	}
}

func TestParamsWithDefaults(t *testing.T) {
	d := Params{MaxDepth: 6, Eta: 0.2, Subsample: 0.8, ColsampleByTree: 0.9, MinChildWeight: 2, Seed: 7, NThread: 2}
	got := Params{Eta: 0.05, NThread: 1}.WithDefaults(d)
	want := Params{MaxDepth: 6, Eta: 0.05, Subsample: 0.8, ColsampleByTree: 0.9, MinChildWeight: 2, Seed: 7, NThread: 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WithDefaults = %+v, want %+v (the caller's Eta and NThread kept, the rest from the defaults)", got, want)
	}
}
