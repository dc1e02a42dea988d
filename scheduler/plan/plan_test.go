package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/scheduler/ledger"
)

var _ Ledger = (*ledger.Ledger)(nil)

type testCase struct {
	Name    string    `json:"name"`
	Start   string    `json:"start"`
	Now     time.Time `json:"now"`
	Latency int       `json:"latency"`
	Ledger  []struct {
		Month       string   `json:"month"`
		Status      string   `json:"status"`
		InputHash   string   `json:"input_hash"`
		Provisional []string `json:"provisional"`
		Error       string   `json:"error"`
	} `json:"ledger"`
	Inputs map[string]struct {
		Hash        string   `json:"hash"`
		Missing     []string `json:"missing"`
		Unavailable bool     `json:"unavailable"`
	} `json:"inputs"`
	Want      []string `json:"want"`
	Compute   []string `json:"compute"`
	WantError string   `json:"want_error"`
}

// fakeLedger serves fixed month states.
type fakeLedger []ledger.MonthState

func (f fakeLedger) Months(context.Context) ([]ledger.MonthState, error) { return f, nil }

func (tc testCase) setup(t *testing.T) (fakeLedger, grid.Month, InputHash) {
	start, err := grid.ParseMonth(tc.Start)
	if err != nil {
		t.Fatal(err)
	}
	var l fakeLedger
	for _, s := range tc.Ledger {
		m, err := grid.ParseMonth(s.Month)
		if err != nil {
			t.Fatal(err)
		}
		l = append(l, ledger.MonthState{Month: m, Status: ledger.MonthStatus(s.Status), InputHash: s.InputHash,
			ProvisionalSources: s.Provisional, Error: s.Error})
	}
	hash := func(m grid.Month) (string, []string, error) {
		in, ok := tc.Inputs[m.String()]
		switch {
		case !ok:
			return "", nil, fmt.Errorf("catalogue unreadable")
		case in.Unavailable:
			return "", nil, fmt.Errorf("era5 file absent: %w", ErrUnavailable)
		}
		return in.Hash, in.Missing, nil
	}
	return l, start, hash
}

func strs(ds []Decision) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func TestPlan(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []testCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			l, start, hash := tc.setup(t)
			all, err := Explain(context.Background(), l, start, tc.Now, tc.Latency, hash)
			if tc.WantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.WantError) {
					t.Fatalf("Explain: got error %v, want one containing %q", err, tc.WantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strs(all); !slices.Equal(got, tc.Want) {
				t.Errorf("Explain:\n got %q\nwant %q", got, tc.Want)
			}
			todo, err := Months(context.Background(), l, start, tc.Now, tc.Latency, hash)
			if err != nil {
				t.Fatal(err)
			}
			if got := strs(todo); !slices.Equal(got, tc.Compute) {
				t.Errorf("Months:\n got %q\nwant %q", got, tc.Compute)
			}
			for _, d := range todo {
				in := tc.Inputs[d.Month.String()]
				if d.InputHash != in.Hash || !slices.Equal(d.MissingLate, in.Missing) {
					t.Errorf("%s: decision carries hash %q missing %v, want the current %q %v", d.Month, d.InputHash, d.MissingLate, in.Hash, in.Missing)
				}
			}
		})
	}
}

// TestPlanOnRealLedger runs the planner against a SQLite ledger: a month
// recorded provisional becomes due once its source arrives.
func TestPlanOnRealLedger(t *testing.T) {
	ctx := context.Background()
	l, err := ledger.Open(filepath.Join(t.TempDir(), ledger.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	run, _ := l.BeginRun(ctx, ledger.RunInfo{})
	jan, feb := grid.Month{Year: 2023, Month: 1}, grid.Month{Year: 2023, Month: 2}
	l.RecordMonth(ctx, ledger.MonthState{Month: jan, RunID: run, InputHash: "h1", Status: ledger.MonthOK})
	l.RecordMonth(ctx, ledger.MonthState{Month: feb, RunID: run, InputHash: "h2", Status: ledger.MonthProvisional, ProvisionalSources: []string{"socat"}})
	now := time.Date(2023, 5, 5, 6, 0, 0, 0, time.UTC)
	shipFile := false
	hash := func(m grid.Month) (string, []string, error) {
		if m == feb && !shipFile {
			return "h2", []string{"socat"}, nil
		}
		return "h" + fmt.Sprint(int(m.Month)), nil, nil
	}
	if ds, err := Months(ctx, l, jan, now, 3, hash); err != nil || len(ds) != 0 {
		t.Fatalf("before the ship file: %v %v, want nothing to do", strs(ds), err)
	}
	shipFile = true
	ds, err := Months(ctx, l, jan, now, 3, hash)
	if err != nil || len(ds) != 1 || ds[0].Month != feb || ds[0].Reason != LateSourceArrived {
		t.Fatalf("after the ship file: %v %v, want only 2023-02 (late source arrived)", strs(ds), err)
	}
}

type failingLedger struct{}

func (failingLedger) Months(context.Context) ([]ledger.MonthState, error) {
	return nil, errors.New("disk I/O error")
}

func TestPlanLedgerError(t *testing.T) {
	_, err := Months(context.Background(), failingLedger{}, grid.Month{Year: 2023, Month: 1}, time.Now(), 3,
		func(grid.Month) (string, []string, error) { return "", nil, nil })
	if err == nil || !strings.Contains(err.Error(), "disk I/O error") {
		t.Fatalf("got %v, want the ledger's error", err)
	}
}
