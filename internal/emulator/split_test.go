package emulator

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/xgb"
)

func TestSplitByTime(t *testing.T) {
	shuffled := append(months(2002, 2002), months(2000, 2001)...)
	shuffled = append(shuffled, grid.Month{Year: 2000, Month: 5}) // a duplicate
	tests := []struct {
		name      string
		months    []grid.Month
		held      int
		wantTrain int
		wantHeld  int
		wantErr   string
	}{
		{"three years", months(2000, 2002), 2002, 24, 12, ""},
		{"unsorted with a duplicate", shuffled, 2002, 24, 12, ""},
		{"month after the held-out year", append(months(2000, 2002), grid.Month{Year: 2003, Month: 1}), 2002, 0, 0, "2003-01 is after the held-out year"},
		{"no held-out months", months(2000, 2001), 2002, 0, 0, "24 training months before it and 0 in it"},
		{"nothing before", months(2002, 2002), 2002, 0, 0, "0 training months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			train, held, err := splitByTime(tt.months, tt.held)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(train) != tt.wantTrain || len(held) != tt.wantHeld {
				t.Fatalf("%d train and %d held-out months, want %d and %d", len(train), len(held), tt.wantTrain, tt.wantHeld)
			}
			for _, m := range train {
				if m.Year >= tt.held {
					t.Errorf("training month %s is not before %d", m, tt.held)
				}
			}
			for _, m := range held {
				if m.Year != tt.held {
					t.Errorf("held-out month %s is not in %d", m, tt.held)
				}
			}
		})
	}
}

// TestNoHeldOutRowsInTraining shifts the target of the held-out year far
// outside anything seen before. Trees cannot extrapolate, so a model that
// never saw that year is off by about the shift; one that trained on
// held-out rows would not be.
func TestNoHeldOutRowsInTraining(t *testing.T) {
	const shift = 50
	w := newWorld(4, 2000, worldClimLast)
	target := func(m grid.Month) (*grid.Field, error) {
		f, err := w.targetFunc(m)
		if err != nil || m.Year != worldClimLast {
			return f, err
		}
		f = f.Clone()
		for c := range f.Values {
			f.Values[c] += shift
		}
		return f, nil
	}
	spec := TrainSpec{
		Target: "nbp", TargetUnits: "g C m-2 month-1", Spec: worldSpec(),
		TrainMonths: months(2001, worldClimLast), HeldOutYear: worldClimLast, Rounds: 60,
		Params: xgb.Params{MaxDepth: 4, NThread: 2},
	}
	m, card, err := Train(context.Background(), spec, w.data, target)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// The world's target spans about ±5; a model that saw the shifted rows
	// would have a bias near 0.
	if math.Abs(card.Skill.Bias+shift) > 5 {
		t.Errorf("held-out bias %.2f, want about −%d: held-out rows leaked into training", card.Skill.Bias, shift)
	}
	if card.TrainMonths != 36 || card.LastMonth != "2003-12" {
		t.Errorf("card: %d training months ending %s, want 36 ending 2003-12", card.TrainMonths, card.LastMonth)
	}
}

func TestCollectKeepsRowsOfItsMonths(t *testing.T) {
	w := newWorld(5, 2000, worldClimLast)
	// A target whose value is its year identifies the month of every row.
	target := func(m grid.Month) (*grid.Field, error) {
		f := grid.NewField(w.g, "year", "1")
		for c := range f.Values {
			f.Values[c] = float32(m.Year)
		}
		return f, nil
	}
	spec := TrainSpec{Target: "year", TargetUnits: "1", Grid: w.g, Spec: FeatureSpec{Features: []Feature{Raw("t2m", "degC")}}}
	s, err := spec.resolved()
	if err != nil {
		t.Fatal(err)
	}
	train, _, err := splitByTime(months(2000, 2001), 2001)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewBuilder(w.g, s.Spec, w.data)
	set, err := collect(context.Background(), b, &s, train, target, 100)
	if err != nil {
		t.Fatal(err)
	}
	if set.rows() != 12*100 {
		t.Errorf("%d rows, want 100 per month", set.rows())
	}
	for i, y := range set.y {
		if y != 2000 {
			t.Fatalf("row %d comes from year %v, want only 2000", i, y)
		}
	}
}

func TestSubsample(t *testing.T) {
	cells := make([]int, 1000)
	for i := range cells {
		cells[i] = 3 * i
	}
	m := grid.Month{Year: 2010, Month: 4}
	a := subsample(cells, 100, 1, m)
	if len(a) != 100 || !slices.IsSorted(a) || len(slices.Compact(slices.Clone(a))) != 100 {
		t.Fatalf("subsample gave %d cells, sorted %v; want 100 distinct in order", len(a), slices.IsSorted(a))
	}
	for _, c := range a {
		if c%3 != 0 {
			t.Fatalf("cell %d is not one of the input cells", c)
		}
	}
	if !slices.Equal(a, subsample(cells, 100, 1, m)) {
		t.Error("same seed and month gave a different draw")
	}
	if slices.Equal(a, subsample(cells, 100, 2, m)) || slices.Equal(a, subsample(cells, 100, 1, m.Add(1))) {
		t.Error("another seed or month gave the same draw")
	}
}

func TestRowCap(t *testing.T) {
	tests := []struct {
		counts []int
		budget int
		want   int
	}{
		{[]int{10, 100, 1000}, 2000, -1}, // 1110 rows fit
		{[]int{10, 100, 1000}, -1, -1},   // no budget
		{[]int{10, 100, 1000}, 300, 190}, // 10 + 100 + 190
		{[]int{10, 100, 1000}, 50, 20},   // 10 + 20 + 20
		{[]int{500, 500}, 999, 499},
		{[]int{5, 5, 5}, 2, 1}, // floor of one cell a month
	}
	for _, tt := range tests {
		if got := rowCap(tt.counts, tt.budget); got != tt.want {
			t.Errorf("rowCap(%v, %d) = %d, want %d", tt.counts, tt.budget, got, tt.want)
		}
	}
}
