package xgb

/*
#include <stdlib.h>
#include <xgboost/c_api.h>
*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// Booster is a gradient-boosted tree model. Its methods may be called from
// several goroutines; they run one at a time on the booster's own OS
// thread (see worker), and Close waits for calls in progress.
type Booster struct {
	mu     sync.RWMutex // held for reading by calls, for writing by Close
	closed bool
	calls  chan func()
	h      C.BoosterHandle // touched only on the worker thread
}

// startBooster returns a booster with a running worker and no handle yet.
func startBooster() *Booster {
	b := &Booster{calls: make(chan func())}
	go b.worker()
	return b
}

// worker runs every C call on the booster from one locked OS thread.
// XGBoost 1.7 keeps a booster's prediction cache (the link to the matrices
// it trains on, and their running predictions) and its result buffers in
// thread-local maps keyed by the booster. Calls spread over threads found
// no training matrix ("0 feature is supplied") and left stale entries that
// a later booster at the same address could pick up. The worker never
// unlocks the thread, so when Close ends it the thread exits and its
// thread-local state is destroyed with it.
func (b *Booster) worker() {
	runtime.LockOSThread()
	for f := range b.calls {
		f()
	}
}

// do runs f on the worker thread and returns its error.
func (b *Booster) do(f func() error) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errClosed
	}
	errc := make(chan error, 1)
	b.calls <- func() { errc <- f() }
	return <-errc
}

// create makes the C booster, caching dmats (the training and validation
// matrices), on the worker thread.
func (b *Booster) create(dmats []C.DMatrixHandle) error {
	return b.do(func() error {
		var ptr *C.DMatrixHandle
		if len(dmats) > 0 {
			// A C copy of the handles: cgo may not pass Go memory that C keeps.
			ptr = (*C.DMatrixHandle)(C.malloc(C.size_t(len(dmats)) * C.size_t(unsafe.Sizeof(dmats[0]))))
			defer C.free(unsafe.Pointer(ptr))
			copy(unsafe.Slice(ptr, len(dmats)), dmats)
		}
		return call("XGBoosterCreate", func() C.int {
			return C.XGBoosterCreate(ptr, C.bst_ulong(len(dmats)), &b.h)
		})
	})
}

// Close frees the model's C memory and stops its worker thread. It is safe
// to call twice; a closed booster returns errors.
func (b *Booster) Close() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	errc := make(chan error, 1)
	b.calls <- func() {
		var err error
		if b.h != nil {
			err = call("XGBoosterFree", func() C.int { return C.XGBoosterFree(b.h) })
			b.h = nil
		}
		errc <- err
	}
	close(b.calls)
	return <-errc
}

var errClosed = fmt.Errorf("xgboost booster is closed")

// SetParam sets one parameter; name must be a typed Params name or one of
// ExtraParamNames, because XGBoost itself accepts any name.
func (b *Booster) SetParam(name, value string) error {
	if !slices.Contains(typedParamNames, name) && !slices.Contains(ExtraParamNames, name) {
		return fmt.Errorf("set parameter: unknown parameter %q", name)
	}
	return b.do(func() error { return b.setParam(name, value) })
}

// setParam runs on the worker.
func (b *Booster) setParam(name, value string) error {
	cn, cv := C.CString(name), C.CString(value)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(cv))
	err := call("XGBoosterSetParam", func() C.int { return C.XGBoosterSetParam(b.h, cn, cv) })
	if err != nil {
		return fmt.Errorf("set parameter %s=%s: %w", name, value, err)
	}
	return nil
}

// Rounds is the number of boosting rounds in the model.
func (b *Booster) Rounds() (int, error) {
	var n C.int
	err := b.do(func() error {
		return call("XGBoosterBoostedRounds", func() C.int { return C.XGBoosterBoostedRounds(b.h, &n) })
	})
	return int(n), err
}

// NumFeatures is the number of input columns the model expects.
func (b *Booster) NumFeatures() (int, error) {
	var n C.bst_ulong
	err := b.do(func() error {
		return call("XGBoosterGetNumFeature", func() C.int { return C.XGBoosterGetNumFeature(b.h, &n) })
	})
	return int(n), err
}

// SetFeatureNames records the names of the input columns in the model, so
// they are saved in its JSON and Python's xgboost shows them.
func (b *Booster) SetFeatureNames(names []string) error {
	field := C.CString("feature_name")
	defer C.free(unsafe.Pointer(field))
	arr, free := cStrings(names)
	defer free()
	return b.do(func() error {
		return call("XGBoosterSetStrFeatureInfo", func() C.int {
			return C.XGBoosterSetStrFeatureInfo(b.h, field, arr, C.bst_ulong(len(names)))
		})
	})
}

// FeatureNames returns the names recorded in the model (nil if none).
func (b *Booster) FeatureNames() ([]string, error) {
	field := C.CString("feature_name")
	defer C.free(unsafe.Pointer(field))
	var names []string
	err := b.do(func() error {
		return call("XGBoosterGetStrFeatureInfo", func() C.int {
			var n C.bst_ulong
			var arr **C.char
			rc := C.XGBoosterGetStrFeatureInfo(b.h, field, &n, &arr)
			if rc == 0 {
				names = goStrings(arr, int(n))
			}
			return rc
		})
	})
	return names, err
}

// JSON returns the model in XGBoost's JSON format.
func (b *Booster) JSON() ([]byte, error) {
	cfg := C.CString(`{"format": "json"}`)
	defer C.free(unsafe.Pointer(cfg))
	var out []byte
	err := b.do(func() error {
		return call("XGBoosterSaveModelToBuffer", func() C.int {
			var n C.bst_ulong
			var p *C.char
			rc := C.XGBoosterSaveModelToBuffer(b.h, cfg, &n, &p)
			if rc == 0 {
				out = C.GoBytes(unsafe.Pointer(p), C.int(n)) // the buffer is the booster's
			}
			return rc
		})
	})
	if err != nil {
		return nil, fmt.Errorf("save model: %w", err)
	}
	return out, nil
}

// LoadJSONBytes returns the model held in data (XGBoost JSON).
func LoadJSONBytes(data []byte) (*Booster, error) {
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("load model: not XGBoost JSON (%d bytes)", len(data))
	}
	b := startBooster()
	if err := b.create(nil); err != nil {
		b.Close()
		return nil, fmt.Errorf("load model: %w", err)
	}
	cdata := C.CBytes(data)
	defer C.free(cdata)
	err := b.do(func() error {
		return call("XGBoosterLoadModelFromBuffer", func() C.int {
			return C.XGBoosterLoadModelFromBuffer(b.h, cdata, C.bst_ulong(len(data)))
		})
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("load model: %w", err)
	}
	return b, nil
}

// SaveJSON writes the model as XGBoost JSON to path, through a temporary
// file in the same directory renamed over path.
func (b *Booster) SaveJSON(path string) error {
	data, err := b.JSON()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return durable.WriteFile(path, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	})
}

// LoadJSON reads a model saved by SaveJSON (or Python's save_model).
func LoadJSON(path string) (*Booster, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, err := LoadJSONBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
