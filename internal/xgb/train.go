package xgb

/*
#include <stdlib.h>
#include <xgboost/c_api.h>
*/
import "C"

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unsafe"
)

// History is what early stopping saw: the validation metric after each
// round and the round kept.
type History struct {
	Metric        string    // e.g. "rmse"
	ValidScores   []float64 // one per round trained; nil without a validation set
	BestIteration int       // 0-based round with the lowest score; the model keeps rounds 0..BestIteration
	Stopped       bool      // early stopping ended training before the last round
}

// Train boosts up to rounds rounds on train. With a validation matrix it
// evaluates the metric after every round; when earlyStoppingRounds > 0 and
// the metric has not improved for that many rounds it stops, and the
// returned model is cut to the best round (so a saved model predicts as it
// scored). valid may be nil. ctx is checked between rounds.
func Train(ctx context.Context, p Params, train, valid *DMatrix, rounds, earlyStoppingRounds int) (*Booster, *History, error) {
	if err := checkTrainArgs(p, train, valid, rounds, earlyStoppingRounds); err != nil {
		return nil, nil, err
	}
	dmats := []C.DMatrixHandle{train.h}
	if valid != nil {
		dmats = append(dmats, valid.h)
	}
	b := startBooster()
	if err := b.create(dmats); err != nil {
		b.Close()
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	h := &History{Metric: p.Resolved().EvalMetric}
	err := b.do(func() error {
		for _, kv := range p.pairs() {
			if err := b.setParam(kv[0], kv[1]); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		}
		return b.boost(ctx, train, valid, rounds, earlyStoppingRounds, h)
	})
	if err != nil || valid == nil || h.BestIteration == len(h.ValidScores)-1 {
		if err != nil {
			b.Close()
			return nil, nil, err
		}
		return b, h, nil
	}
	cut, err := b.slice(h.BestIteration + 1)
	b.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("train: keep %d best rounds: %w", h.BestIteration+1, err)
	}
	return cut, h, nil
}

func checkTrainArgs(p Params, train, valid *DMatrix, rounds, earlyStoppingRounds int) error {
	if err := p.Validate(); err != nil {
		return err
	}
	switch {
	case train == nil || train.h == nil:
		return fmt.Errorf("train: no training matrix")
	case !train.hasLabels:
		return fmt.Errorf("train: training matrix has no labels")
	case rounds <= 0:
		return fmt.Errorf("train: %d rounds", rounds)
	case earlyStoppingRounds < 0:
		return fmt.Errorf("train: %d early-stopping rounds", earlyStoppingRounds)
	case earlyStoppingRounds > 0 && valid == nil:
		return fmt.Errorf("train: early stopping needs a validation matrix")
	}
	if valid != nil {
		if valid.h == nil || !valid.hasLabels {
			return fmt.Errorf("train: validation matrix is freed or has no labels")
		}
		if valid.ncol != train.ncol {
			return fmt.Errorf("train: validation matrix has %d columns, training matrix %d", valid.ncol, train.ncol)
		}
	}
	return nil
}

// boost runs the rounds on the worker, recording validation scores in h.
func (b *Booster) boost(ctx context.Context, train, valid *DMatrix, rounds, early int, h *History) error {
	name := C.CString("valid")
	defer C.free(unsafe.Pointer(name))
	for i := 0; i < rounds; i++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("train: round %d: %w", i, err)
		}
		err := call("XGBoosterUpdateOneIter", func() C.int {
			return C.XGBoosterUpdateOneIter(b.h, C.int(i), train.h)
		})
		if err != nil {
			return fmt.Errorf("train: round %d: %w", i, err)
		}
		if valid == nil {
			continue
		}
		score, err := b.evalOne(i, valid, name)
		if err != nil {
			return fmt.Errorf("train: round %d: %w", i, err)
		}
		h.ValidScores = append(h.ValidScores, score)
		if score < h.ValidScores[h.BestIteration] {
			h.BestIteration = i
		}
		if early > 0 && i-h.BestIteration >= early {
			h.Stopped = i < rounds-1
			return nil
		}
	}
	return nil
}

// evalOne returns the validation metric after round i, parsed from
// XGBoost's "[i]\tvalid-rmse:0.123" report.
func (b *Booster) evalOne(i int, valid *DMatrix, name *C.char) (float64, error) {
	var report string
	err := call("XGBoosterEvalOneIter", func() C.int {
		var out *C.char
		dm := (*C.DMatrixHandle)(C.malloc(C.size_t(unsafe.Sizeof(valid.h))))
		defer C.free(unsafe.Pointer(dm))
		*dm = valid.h
		nm := (**C.char)(C.malloc(C.size_t(unsafe.Sizeof(name))))
		defer C.free(unsafe.Pointer(nm))
		*nm = name
		rc := C.XGBoosterEvalOneIter(b.h, C.int(i), dm, nm, 1, &out)
		if rc == 0 {
			report = C.GoString(out)
		}
		return rc
	})
	if err != nil {
		return 0, err
	}
	k := strings.LastIndexByte(report, ':')
	if k < 0 {
		return 0, fmt.Errorf("evaluation report %q has no score", report)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(report[k+1:]), 64)
	if err != nil {
		return 0, fmt.Errorf("evaluation report %q: %w", report, err)
	}
	return v, nil
}

// slice returns a new booster holding the first n rounds. The C call runs
// on b's worker; the new booster gets a worker of its own.
func (b *Booster) slice(n int) (*Booster, error) {
	var h C.BoosterHandle
	err := b.do(func() error {
		return call("XGBoosterSlice", func() C.int {
			return C.XGBoosterSlice(b.h, 0, C.int(n), 1, &h)
		})
	})
	if err != nil {
		return nil, err
	}
	out := startBooster()
	out.h = h // before any call, so the channel send orders it for the worker
	return out, nil
}
