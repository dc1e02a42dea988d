package xgb

/*
#include <stdlib.h>
#include <xgboost/c_api.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// predictConfig asks for plain values from all trees. cache_id is
// required by XGBoost 1.7 ("Invalid cast, from Null to Integer" without it).
const predictConfig = `{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, ` +
	`"strict_shape": false, "missing": NaN, "cache_id": 0}`

// contribConfig asks for per-feature contributions: type 2 is the exact
// tree SHAP values, type 3 the approximate (Saabas) ones.
const contribConfig = `{"type": %d, "training": false, "iteration_begin": 0, "iteration_end": 0, ` +
	`"strict_shape": false, "missing": NaN, "cache_id": 0}`

// Contributions returns, for each row of the row-major nrow×ncol matrix x,
// ncol+1 values: each feature's contribution to the prediction and, last,
// the bias (the base score and the trees' mean), which sum to the
// prediction. exact asks for tree SHAP values (Lundberg et al. 2020),
// whose cost grows with leaves × depth² per tree and row; otherwise the
// path attributions of Saabas (XGBoost's approx_contribs), one step per
// level as in prediction.
func (b *Booster) Contributions(x []float32, nrow, ncol int, exact bool) ([]float32, error) {
	// XGBoost 1.7 predicts contributions only from a DMatrix.
	d, err := NewDMatrix(x, nrow, ncol, nil)
	if err != nil {
		return nil, fmt.Errorf("contributions: %w", err)
	}
	defer d.Free()
	kind := 3
	if exact {
		kind = 2
	}
	cfg := C.CString(fmt.Sprintf(contribConfig, kind))
	defer C.free(unsafe.Pointer(cfg))
	want := nrow * (ncol + 1)
	out := make([]float32, want)
	var got int
	err = b.do(func() error {
		return call("XGBoosterPredictFromDMatrix", func() C.int {
			var shape *C.bst_ulong
			var dim C.bst_ulong
			var res *C.float
			rc := C.XGBoosterPredictFromDMatrix(b.h, d.h, cfg, &shape, &dim, &res)
			if rc == 0 {
				got = 1
				for _, s := range unsafe.Slice(shape, int(dim)) {
					got *= int(s)
				}
				if got == want {
					copy(out, unsafe.Slice((*float32)(unsafe.Pointer(res)), want))
				}
			}
			return rc
		})
	})
	if err != nil {
		return nil, fmt.Errorf("contributions %d×%d: %w", nrow, ncol, err)
	}
	if got != want {
		return nil, fmt.Errorf("contributions %d×%d: got %d outputs, want %d", nrow, ncol, got, want)
	}
	return out, nil
}

// Predict returns one prediction per row of the row-major nrow×ncol matrix
// x (NaN = missing), predicting in place: XGBoost reads x directly, without
// building a DMatrix. Calls from several goroutines take turns on the
// booster's thread; XGBoost itself uses nthread threads for each.
func (b *Booster) Predict(x []float32, nrow, ncol int) ([]float32, error) {
	if nrow <= 0 || ncol <= 0 || len(x) != nrow*ncol {
		return nil, fmt.Errorf("predict: %d values for shape %d×%d", len(x), nrow, ncol)
	}
	// XGBoost gets x's address inside a JSON string, which cgo cannot see,
	// so pin x for the duration of the call.
	var pin runtime.Pinner
	pin.Pin(&x[0])
	defer pin.Unpin()
	arr := C.CString(fmt.Sprintf(`{"data": [%d, true], "shape": [%d, %d], "typestr": "<f4", "version": 3}`,
		uintptr(unsafe.Pointer(&x[0])), nrow, ncol))
	defer C.free(unsafe.Pointer(arr))
	cfg := C.CString(predictConfig)
	defer C.free(unsafe.Pointer(cfg))
	out := make([]float32, nrow)
	var got int
	err := b.do(func() error {
		return call("XGBoosterPredictFromDense", func() C.int {
			var shape *C.bst_ulong
			var dim C.bst_ulong
			var res *C.float
			rc := C.XGBoosterPredictFromDense(b.h, arr, cfg, nil, &shape, &dim, &res)
			if rc == 0 {
				// The result lives in the booster's thread-local buffer: copy it
				// before any other call on this thread.
				got = 1
				for _, s := range unsafe.Slice(shape, int(dim)) {
					got *= int(s)
				}
				if got == nrow {
					copy(out, unsafe.Slice((*float32)(unsafe.Pointer(res)), nrow))
				}
			}
			return rc
		})
	})
	if err != nil {
		return nil, fmt.Errorf("predict %d×%d: %w", nrow, ncol, err)
	}
	if got != nrow {
		return nil, fmt.Errorf("predict %d×%d: got %d outputs, want one per row (multi-output models are not supported)", nrow, ncol, got)
	}
	return out, nil
}
