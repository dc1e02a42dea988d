package xgb

/*
#include <stdlib.h>
#include <xgboost/c_api.h>
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// DMatrix is a training or validation matrix held by XGBoost (a copy of
// the Go data). Free it when done.
type DMatrix struct {
	h          C.DMatrixHandle
	nrow, ncol int
	hasLabels  bool
}

// NewDMatrix copies the row-major nrow×ncol matrix x (NaN = missing) into
// XGBoost and attaches labels, one per row, which must all be finite.
// labels may be nil for a matrix that is only predicted on.
func NewDMatrix(x []float32, nrow, ncol int, labels []float32) (*DMatrix, error) {
	if nrow <= 0 || ncol <= 0 {
		return nil, fmt.Errorf("new dmatrix: shape %d×%d: need at least one row and one column", nrow, ncol)
	}
	if len(x) != nrow*ncol {
		return nil, fmt.Errorf("new dmatrix: %d values for shape %d×%d", len(x), nrow, ncol)
	}
	if labels != nil {
		if err := checkLabels(labels, nrow); err != nil {
			return nil, err
		}
	}
	d := &DMatrix{nrow: nrow, ncol: ncol}
	nan := C.float(float32(math.NaN()))
	err := call("XGDMatrixCreateFromMat_omp", func() C.int {
		// nthread 0: all cores; the copy is the same whatever the count.
		return C.XGDMatrixCreateFromMat_omp((*C.float)(unsafe.Pointer(&x[0])),
			C.bst_ulong(nrow), C.bst_ulong(ncol), nan, &d.h, 0)
	})
	if err != nil {
		return nil, fmt.Errorf("new dmatrix %d×%d: %w", nrow, ncol, err)
	}
	if labels != nil {
		if err := d.setLabels(labels); err != nil {
			d.Free()
			return nil, err
		}
	}
	return d, nil
}

func checkLabels(labels []float32, nrow int) error {
	if len(labels) != nrow {
		return fmt.Errorf("new dmatrix: %d labels for %d rows", len(labels), nrow)
	}
	for i, v := range labels {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("new dmatrix: label of row %d is %v: labels must be finite", i, v)
		}
	}
	return nil
}

func (d *DMatrix) setLabels(labels []float32) error {
	field := C.CString("label")
	defer C.free(unsafe.Pointer(field))
	err := call("XGDMatrixSetFloatInfo", func() C.int {
		return C.XGDMatrixSetFloatInfo(d.h, field, (*C.float)(unsafe.Pointer(&labels[0])), C.bst_ulong(len(labels)))
	})
	if err != nil {
		return fmt.Errorf("set labels: %w", err)
	}
	d.hasLabels = true
	return nil
}

// Rows is the number of rows.
func (d *DMatrix) Rows() int { return d.nrow }

// Free releases the C memory. It is safe to call twice.
func (d *DMatrix) Free() error {
	if d == nil || d.h == nil {
		return nil
	}
	err := call("XGDMatrixFree", func() C.int { return C.XGDMatrixFree(d.h) })
	d.h = nil
	return err
}
