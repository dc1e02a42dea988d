package emulator

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

const heldOut = 2005

func worldTrainSpec(w *world) TrainSpec {
	return TrainSpec{
		Name: "test/nbp", Target: "nbp", TargetUnits: "g C m-2 month-1",
		Grid: w.g, Spec: worldSpec(), TrainMonths: months(2000, heldOut), HeldOutYear: heldOut,
		Params: xgb.Params{MaxDepth: 6, Eta: 0.1, Subsample: 0.8, Seed: 3, NThread: 2},
		Rounds: 400, EarlyStoppingRounds: 20,
		SumScale: 1e-15, SumUnits: "Pg C month-1",
	}
}

var (
	shared     sync.Once
	sharedW    *world
	sharedM    *Model
	sharedCard *Card
	sharedErr  error
)

// trained returns the world and one emulator trained on it, shared by the
// tests that only read them.
func trained(t *testing.T) (*world, *Model, *Card) {
	t.Helper()
	shared.Do(func() {
		sharedW = newWorld(1, 2000, heldOut)
		sharedM, sharedCard, sharedErr = Train(context.Background(), worldTrainSpec(sharedW), sharedW.data, sharedW.targetFunc)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedW, sharedM, sharedCard
}

func TestTrainLearnsKnownFunction(t *testing.T) {
	w, m, card := trained(t)
	if card.Skill.R2 < 0.95 {
		t.Errorf("held-out R² = %.4f, want >= 0.95 (RMSE %.4f, bias %.4f)", card.Skill.R2, card.Skill.RMSE, card.Skill.Bias)
	}
	t.Logf("R² %.4f RMSE %.4f bias %.4f, annual sum error %.4g %s, best iteration %d, %d train rows",
		card.Skill.R2, card.Skill.RMSE, card.Skill.Bias, card.Skill.Annual.Error, card.Skill.SumUnits, card.BestIteration, card.TrainRows)
	// Recompute the skill independently: Model.Predict per month against
	// the truth, and global sums through grid.Sum.
	var ssRes, ssTot, mean float64
	var n int
	for _, mo := range months(heldOut, heldOut) {
		for _, v := range w.target[mo].Values {
			mean += float64(v)
			n++
		}
	}
	mean /= float64(n)
	for k, mo := range months(heldOut, heldOut) {
		pred, err := m.Predict(mo, w.data, nil)
		if err != nil {
			t.Fatal(err)
		}
		truthVals := w.target[mo].Values
		for c, p := range pred.Values {
			ssRes += math.Pow(float64(p)-float64(truthVals[c]), 2)
			ssTot += math.Pow(float64(truthVals[c])-mean, 2)
		}
		got := card.Skill.Monthly[k]
		wantTrue, wantPred := w.g.Sum(truthVals, nil)*1e-15, w.g.Sum(pred.Values, nil)*1e-15
		// 1e-9 relative: both are float64 sums of 4050 products, in different orders.
		if !near(got.True, wantTrue, 1e-9) || !near(got.Predicted, wantPred, 1e-9) || got.Month != mo.String() {
			t.Errorf("card month %d: %+v, want %s true %.9g predicted %.9g", k, got, mo, wantTrue, wantPred)
		}
	}
	if r2 := 1 - ssRes/ssTot; !near(card.Skill.R2, r2, 1e-9) {
		t.Errorf("card R² %.12f, recomputed %.12f", card.Skill.R2, r2)
	}
	if card.TrainYears[0] != 2000 || card.TrainYears[len(card.TrainYears)-1] != heldOut-1 || card.Rounds != 400 {
		t.Errorf("card years %v rounds %d, want 2000..%d and 400", card.TrainYears, card.Rounds, heldOut-1)
	}
}

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

func TestSaveLoadPredictIdentical(t *testing.T) {
	w, m, card := trained(t)
	dir := t.TempDir()
	if err := m.Save(dir, "nbp_test"); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir, "nbp_test")
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	mo := grid.Month{Year: heldOut, Month: 7}
	a, err1 := m.Predict(mo, w.data, nil)
	b, err2 := loaded.Predict(mo, w.data, nil)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for c := range a.Values {
		if math.Float32bits(a.Values[c]) != math.Float32bits(b.Values[c]) {
			t.Fatalf("cell %d: loaded model predicts %v, trained model %v", c, b.Values[c], a.Values[c])
		}
	}
	// Both predict through the compiled forest, and it agrees with
	// XGBoost's own prediction.
	if m.forest == nil || loaded.forest == nil {
		t.Fatalf("forest compiled: trained %v, loaded %v; want both (else prediction is three times slower)", m.forest != nil, loaded.forest != nil)
	}
	bld, err := NewBuilder(w.g, card.Spec, w.data)
	if err != nil {
		t.Fatal(err)
	}
	x, nrow, ncol, err := bld.Rows(mo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.booster != nil {
		t.Error("Load created an XGBoost booster for a model the forest predicts")
	}
	xb, err := loaded.xgbBooster()
	if err != nil {
		t.Fatal(err)
	}
	viaXGB, err := xb.Predict(x, nrow, ncol)
	if err != nil {
		t.Fatal(err)
	}
	for i := range viaXGB {
		if math.Float32bits(viaXGB[i]) != math.Float32bits(b.Values[i]) && !math.IsNaN(float64(b.Values[i])) {
			t.Fatalf("cell %d: forest %v, XGBoost %v", i, b.Values[i], viaXGB[i])
		}
	}
	if b.Name != "nbp" || b.Units != card.TargetUnits || b.Grid != w.g {
		t.Errorf("predicted field %q [%s] on %v, want nbp [%s] on %v", b.Name, b.Units, b.Grid, card.TargetUnits, w.g)
	}
	if !reflect.DeepEqual(loaded.Card(), card) {
		t.Errorf("card after load differs:\n got %+v\nwant %+v", loaded.Card(), card)
	}
}

func TestCardRoundTrip(t *testing.T) {
	_, m, card := trained(t)
	dir := t.TempDir()
	if err := m.Save(dir, "card_rt"); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCard(filepath.Join(dir, "card_rt.card.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, card) {
		t.Errorf("card round trip differs:\n got %+v\nwant %+v", got, card)
	}
	// Spot-check that the JSON carries what the issue asks of a card.
	raw, _ := os.ReadFile(filepath.Join(dir, "card_rt.card.json"))
	for _, key := range []string{`"target": "nbp"`, `"units": "mm month-1"`, `"train_years"`, `"seed": 3`,
		`"xgboost_version": "1.7`, `"training_seconds"`, `"r2"`, `"rmse"`, `"bias"`, `"annual"`, `"sum_units": "Pg C month-1"`} {
		if !bytes.Contains(raw, []byte(key)) {
			t.Errorf("card JSON lacks %s", key)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("Save left %d files, want the model and its card (no temporary files)", len(entries))
	}
}

func TestFeatureMismatchRefused(t *testing.T) {
	w, m, _ := trained(t)
	names := m.Card().Spec.Names()
	x, nrow, _, err := mustBuilder(t, w, m.Card().Spec).Rows(grid.Month{Year: heldOut, Month: 3}, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	dropped := append(append([]string{}, names[:4]...), names[5:]...) // without swvl1
	tests := []struct {
		name    string
		names   []string
		x       []float32
		missing string
		want    string
	}{
		{"missing", dropped, x[:nrow*len(dropped)], "swvl1", `missing "swvl1"`},
		{"renamed", append(append([]string{}, names[:7]...), "lat"), x, "abs_lat", `missing "abs_lat"`},
		{"reordered", append([]string{names[1], names[0]}, names[2:]...), x, "", "different order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.PredictRows(tt.x, nrow, tt.names)
			var fm *FeatureMismatchError
			if !errors.As(err, &fm) || fm.Missing != tt.missing || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PredictRows(%v) error = %v, want a FeatureMismatchError naming %q", tt.names, err, tt.want)
			}
		})
	}
	// A builder of another spec is refused the same way.
	spec := worldSpec()
	spec.Features[2] = RunningMean("tp", "mm month-1", 2)
	if _, err := m.PredictWith(mustBuilder(t, w, spec), grid.Month{Year: heldOut, Month: 3}, nil); err == nil || !strings.Contains(err.Error(), `"tp_mean3"`) {
		t.Errorf("PredictWith a tp_mean2 builder: error %v, want one naming tp_mean3", err)
	}
}

func mustBuilder(t *testing.T, w *world, spec FeatureSpec) *Builder {
	t.Helper()
	b, err := NewBuilder(w.g, spec, w.data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadRefusesMismatchedPair(t *testing.T) {
	_, m, _ := trained(t)
	dir := t.TempDir()
	if err := m.Save(dir, "pair"); err != nil {
		t.Fatal(err)
	}
	cardPath := filepath.Join(dir, "pair.card.json")
	orig, _ := os.ReadFile(cardPath)

	// A card listing a feature the model was not trained with.
	edited := bytes.Replace(orig, []byte(`"name": "tp_mean3"`), []byte(`"name": "tp_mean6"`), 1)
	edited = bytes.Replace(edited, []byte(`"window_months": 3`), []byte(`"window_months": 6`), 1)
	os.WriteFile(cardPath, edited, 0o644)
	if _, err := Load(dir, "pair"); err == nil || !strings.Contains(err.Error(), `missing "tp_mean6"`) {
		t.Errorf("Load with an edited card: error %v, want one naming tp_mean6", err)
	}
	// A model file that is not the one the card describes.
	os.WriteFile(cardPath, orig, 0o644)
	modelPath := filepath.Join(dir, "pair.json")
	model, _ := os.ReadFile(modelPath)
	os.WriteFile(modelPath, append(model, ' '), 0o644)
	if _, err := Load(dir, "pair"); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("Load with a changed model file: error %v, want a SHA-256 mismatch", err)
	}
}

func TestDeterministicModelBytes(t *testing.T) {
	w := newWorld(2, 2000, worldClimLast)
	spec := TrainSpec{
		Target: "nbp", TargetUnits: "g C m-2 month-1", Spec: worldSpec(),
		TrainMonths: months(2002, 2004), HeldOutYear: 2004, Rounds: 30,
		MaxTrainRows: 20000, // below 24 months × 4050 cells: cells are drawn by seed
		Params:       xgb.Params{MaxDepth: 5, Subsample: 0.7, ColsampleByTree: 0.8, Seed: 5, NThread: 2},
	}
	modelBytes := func(s TrainSpec) string {
		m, card, err := Train(context.Background(), s, w.data, w.targetFunc)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if !card.Subsampled {
			t.Fatal("card does not report the subsampling the row budget forces")
		}
		dir := t.TempDir()
		if err := m.Save(dir, "m"); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "m.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	a, b := modelBytes(spec), modelBytes(spec)
	if a != b {
		t.Error("same data, seed and nthread gave different model bytes")
	}
	spec.Params.Seed = 6
	if modelBytes(spec) == a {
		t.Error("seeds 5 and 6 gave identical models: the seed is not used")
	}
}

// TestPythonReadsModel loads our JSON model in Python's xgboost and checks
// that it predicts what we predict.
func TestPythonReadsModel(t *testing.T) {
	const python = "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import xgboost, numpy").CombinedOutput(); err != nil {
		t.Skipf("python3-xgboost not available (%s -c 'import xgboost' failed: %v: %s); .ci/run installs it", python, err, bytes.TrimSpace(out))
	}
	w, m, card := trained(t)
	dir := t.TempDir()
	if err := m.Save(dir, "py"); err != nil {
		t.Fatal(err)
	}
	x, nrow, ncol, err := mustBuilder(t, w, card.Spec).Rows(grid.Month{Year: heldOut, Month: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.PredictRows(x, nrow, card.Spec.Names())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, x)
	os.WriteFile(filepath.Join(dir, "x.bin"), buf.Bytes(), 0o644)
	cmd := exec.Command(python, filepath.Join("testdata", "xgb_predict.py"), filepath.Join(dir, "py.json"),
		filepath.Join(dir, "x.bin"), strconv.Itoa(nrow), strconv.Itoa(ncol), filepath.Join(dir, "out.bin"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var names []string
	if err := json.Unmarshal(out, &names); err != nil || !reflect.DeepEqual(names, card.Spec.Names()) {
		t.Errorf("Python sees feature names %s (%v), want %v", out, err, card.Spec.Names())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "out.bin"))
	if err != nil || len(raw) != 2*4*nrow {
		t.Fatalf("python output: %d bytes (%v), want two predictions per row", len(raw), err)
	}
	got := make([]float32, 2*nrow) // inplace_predict, then predict(DMatrix)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, got)
	for i := 0; i < 2*nrow; i++ {
		// 1e-6 absolute, the tolerance; targets are of order 1.
		if d := math.Abs(float64(got[i] - want[i%nrow])); d > 1e-6 {
			t.Fatalf("row %d (%s): Python %v, Go %v", i%nrow, []string{"inplace_predict", "predict"}[i/nrow], got[i], want[i%nrow])
		}
	}
}
