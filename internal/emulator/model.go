package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

// Model is a trained emulator: its XGBoost JSON, the forest compiled from
// it and its card. Close it when done.
//
// The XGBoost booster is created only when something needs it: a model
// the forest cannot compile. Loading seven boosters at 0.25° cost about
// 1.5 s of an update in XGBoost's OpenMP threads, for models the forest
// predicts alone.
type Model struct {
	modelJSON []byte
	// forest is the booster compiled for prediction in Go, which gives
	// the same values bit for bit in about a quarter of XGBoost's time
	// (internal/xgb BenchmarkPredict1M); nil for models it cannot
	// compile, which XGBoost predicts.
	forest  *xgb.Forest
	nthread int
	card    *Card

	mu      sync.Mutex
	booster *xgb.Booster // nil until booster() is first called
}

// newModel returns the model of modelJSON (XGBoost's own JSON), compiling
// its forest to predict on nthread goroutines (0: every core), as XGBoost
// would with the model's nthread. booster is the trained booster, or nil
// to load it from modelJSON when first needed; newModel takes it over,
// and frees it at once when the forest compiles.
func newModel(booster *xgb.Booster, modelJSON []byte, nthread int) *Model {
	m := &Model{modelJSON: modelJSON, nthread: nthread, booster: booster}
	if f, err := xgb.CompileForest(modelJSON); err == nil {
		f.Threads = nthread
		m.forest = f
		m.Close()
	}
	return m
}

// xgbBooster returns the XGBoost booster, loading it from the model's
// JSON on first use.
func (m *Model) xgbBooster() (*xgb.Booster, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.booster != nil {
		return m.booster, nil
	}
	b, err := xgb.LoadJSONBytes(m.modelJSON)
	if err != nil {
		return nil, err
	}
	if m.nthread > 0 {
		// The thread count is not part of XGBoost's saved model; predict
		// with the count the model was trained with, not every core.
		if err := b.SetParam("nthread", strconv.Itoa(m.nthread)); err != nil {
			b.Close()
			return nil, err
		}
	}
	m.booster = b
	return b, nil
}

// predict predicts the row-major nrow×ncol matrix x.
func (m *Model) predict(x []float32, nrow, ncol int) ([]float32, error) {
	if m.forest != nil {
		return m.forest.Predict(x, nrow, ncol)
	}
	b, err := m.xgbBooster()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.label(), err)
	}
	return b.Predict(x, nrow, ncol)
}

// Card returns the model's card.
func (m *Model) Card() *Card { return m.card }

// Features lists the model's inputs in column order.
func (m *Model) Features() []Feature { return m.card.Spec.Features }

// Close frees the model's XGBoost booster, if it was created.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.booster == nil {
		return nil
	}
	err := m.booster.Close()
	m.booster = nil
	return err
}

// A FeatureMismatchError reports a feature matrix whose columns are not the
// model's.
type FeatureMismatchError struct {
	Model   string   // target (and member name) of the model
	Missing string   // first model feature the matrix lacks, if any
	Extra   string   // first matrix feature the model does not know, if any
	Want    []string // the model's features
	Got     []string // the matrix's features
}

func (e *FeatureMismatchError) Error() string {
	switch {
	case e.Missing != "":
		return fmt.Sprintf("emulator %s: features do not match: missing %q (model wants %v, got %v)", e.Model, e.Missing, e.Want, e.Got)
	case e.Extra != "":
		return fmt.Sprintf("emulator %s: features do not match: unexpected %q (model wants %v, got %v)", e.Model, e.Extra, e.Want, e.Got)
	}
	return fmt.Sprintf("emulator %s: features in a different order (model wants %v, got %v)", e.Model, e.Want, e.Got)
}

// CheckFeatures returns a *FeatureMismatchError unless names are the
// model's features in the model's order.
func (m *Model) CheckFeatures(names []string) error {
	return checkNames(m.label(), m.card.Spec.Names(), names)
}

func checkNames(model string, want, got []string) error {
	if strings.Join(want, "\x00") == strings.Join(got, "\x00") {
		return nil
	}
	e := &FeatureMismatchError{Model: model, Want: want, Got: got}
	e.Missing = firstNotIn(want, got)
	e.Extra = firstNotIn(got, want)
	return e
}

func firstNotIn(a, b []string) string {
	set := map[string]bool{}
	for _, s := range b {
		set[s] = true
	}
	for _, s := range a {
		if !set[s] {
			return s
		}
	}
	return ""
}

func (m *Model) label() string {
	if m.card.Name != "" {
		return m.card.Name
	}
	return m.card.Target
}

// PredictRows predicts the row-major nrow×len(names) matrix x whose
// columns are named names; they must be the model's features in order.
func (m *Model) PredictRows(x []float32, nrow int, names []string) ([]float32, error) {
	if err := m.CheckFeatures(names); err != nil {
		return nil, err
	}
	return m.predict(x, nrow, len(names))
}

// Predict returns the emulated target for month mo on cells (nil: every
// cell), NaN elsewhere, reading drivers from data.
func (m *Model) Predict(mo grid.Month, data Cubes, cells []int) (*grid.Field, error) {
	b, err := NewBuilder(m.card.Grid.Grid(), m.card.Spec, data)
	if err != nil {
		return nil, fmt.Errorf("emulator %s: %w", m.label(), err)
	}
	return m.PredictWith(b, mo, cells)
}

// PredictWith is Predict with a builder kept across months, which reuses
// its cached fields and climatologies. The builder's spec must be the
// model's.
func (m *Model) PredictWith(b *Builder, mo grid.Month, cells []int) (*grid.Field, error) {
	g := m.card.Grid.Grid()
	if b.grid != g {
		return nil, fmt.Errorf("emulator %s: builder on grid %v, model on %v", m.label(), b.grid, g)
	}
	if cells == nil {
		cells = allCells(g.Cells())
	}
	x, nrow, _, err := b.Rows(mo, cells)
	if err != nil {
		return nil, fmt.Errorf("emulator %s: %w", m.label(), err)
	}
	pred, err := m.PredictRows(x, nrow, b.spec.Names())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mo, err)
	}
	out := grid.NewField(g, m.card.Target, m.card.TargetUnits)
	for i, c := range cells {
		out.Values[c] = pred[i]
	}
	return out, nil
}

// Save writes the model as <dir>/<name>.json (XGBoost JSON, loadable by
// Python's xgboost) and its card as <dir>/<name>.card.json, each through
// a temporary file renamed into place. The card records the model file's
// SHA-256, so Load notices a model and card that do not belong together.
func (m *Model) Save(dir, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	model := m.modelJSON
	sum := sha256.Sum256(model)
	m.card.ModelFile = name + ".json"
	m.card.ModelSHA256 = hex.EncodeToString(sum[:])
	card, err := json.MarshalIndent(m.card, "", "  ")
	if err != nil {
		return fmt.Errorf("save emulator %s: card: %w", name, err)
	}
	// Model first: a crash between the two leaves an old card whose SHA-256
	// no longer matches, which Load reports.
	files := []struct {
		name string
		data []byte
	}{{name + ".json", model}, {name + ".card.json", append(card, '\n')}}
	for _, f := range files {
		err := durable.WriteFile(filepath.Join(dir, f.name), func(w io.Writer) error {
			_, err := io.Copy(w, bytes.NewReader(f.data))
			return err
		})
		if err != nil {
			return fmt.Errorf("save emulator %s: %w", name, err)
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("emulator name %q: want a plain file name", name)
	}
	return nil
}

// Load reads the model and card saved by Save as dir/name, and checks that
// they belong together: the model's SHA-256 and its feature names must
// match the card.
func Load(dir, name string) (*Model, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	cardPath := filepath.Join(dir, name+".card.json")
	card, err := ReadCard(cardPath)
	if err != nil {
		return nil, err
	}
	modelPath := filepath.Join(dir, name+".json")
	data, err := os.ReadFile(modelPath)
	if err != nil {
		return nil, fmt.Errorf("load emulator: %w", err)
	}
	sum := sha256.Sum256(data)
	if card.ModelSHA256 != "" && hex.EncodeToString(sum[:]) != card.ModelSHA256 {
		return nil, fmt.Errorf("load emulator %s: model SHA-256 %x differs from the card's %s: model and card do not belong together", modelPath, sum, card.ModelSHA256)
	}
	m := newModel(nil, data, card.Params.NThread)
	m.card = card
	var names []string
	if m.forest != nil {
		names = m.forest.FeatureNames()
	} else {
		// Only a model the forest cannot compile needs XGBoost at all.
		var b *xgb.Booster
		if b, err = m.xgbBooster(); err == nil {
			names, err = b.FeatureNames()
		}
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("load emulator %s: %w", modelPath, err)
		}
	}
	if err := checkNames(m.label(), card.Spec.Names(), names); err != nil {
		m.Close()
		return nil, fmt.Errorf("load emulator %s: model file against card: %w", modelPath, err)
	}
	return m, nil
}

// ReadCard reads and checks a card.
func ReadCard(path string) (*Card, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read card: %w", err)
	}
	var c Card
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("read card %s: %w", path, err)
	}
	if err := c.Spec.Validate(); err != nil {
		return nil, fmt.Errorf("read card %s: %w", path, err)
	}
	if c.Target == "" || c.Grid.Grid().Cells() == 0 {
		return nil, fmt.Errorf("read card %s: no target or grid", path)
	}
	return &c, nil
}

// ContributionRows returns, for each row of the row-major matrix x (columns
// names, which must be the model's features), len(names)+1 values: each
// feature's contribution to the prediction and, last, the bias; they add
// up to the prediction (xgb.Forest.Contributions says which attribution
// and why).
func (m *Model) ContributionRows(x []float32, nrow int, names []string) ([]float32, error) {
	if err := m.CheckFeatures(names); err != nil {
		return nil, err
	}
	if m.forest != nil {
		if c, err := m.forest.Contributions(x, nrow, len(names)); err == nil {
			return c, nil
		}
	}
	b, err := m.xgbBooster()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.label(), err)
	}
	return b.Contributions(x, nrow, len(names), false)
}

// GroupContributionRows is ContributionRows summed by group: groupOf
// names the group of each feature, one of groups, and each row has
// len(groups)+1 values, one per group in that order and, last, the bias.
// The compiled forest tables them by leaf and costs about a prediction; a
// booster's per-feature values are summed.
func (m *Model) GroupContributionRows(x []float32, nrow int, names, groups []string, groupOf func(feature string) string) ([]float32, error) {
	if err := m.CheckFeatures(names); err != nil {
		return nil, err
	}
	group := make([]int, len(names))
	for j, n := range names {
		g := slices.Index(groups, groupOf(n))
		if g < 0 {
			return nil, fmt.Errorf("%s: feature %q in group %q, not one of %v", m.label(), n, groupOf(n), groups)
		}
		group[j] = g
	}
	ngroup := len(groups)
	if m.forest != nil {
		if c, err := m.forest.GroupContributions(x, nrow, len(names), group, ngroup); err == nil {
			return c, nil
		}
	}
	per, err := m.ContributionRows(x, nrow, names)
	if err != nil {
		return nil, err
	}
	ncol, width := len(names)+1, ngroup+1
	out := make([]float32, nrow*width)
	for r := range nrow {
		for j, v := range per[r*ncol : (r+1)*ncol] {
			g := ngroup // the bias
			if j < len(names) {
				g = group[j]
			}
			out[r*width+g] += v
		}
	}
	return out, nil
}
