package xgb

/*
#cgo LDFLAGS: -lxgboost
#include <stdlib.h>
#include <xgboost/c_api.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// Error is a failure reported by the XGBoost library.
type Error struct {
	Op  string // the C API call, e.g. "XGBoosterUpdateOneIter"
	Msg string // XGBoost's message, without the stack trace
}

func (e *Error) Error() string { return fmt.Sprintf("xgboost %s: %s", e.Op, e.Msg) }

// Version returns the version of the linked library, e.g. "1.7.4".
func Version() string {
	var major, minor, patch C.int
	C.XGBoostVersion(&major, &minor, &patch)
	return fmt.Sprintf("%d.%d.%d", major, minor, patch)
}

// call runs f, which makes one C API call (and copies any thread-local
// result it returns), with the goroutine locked to its OS thread, so that
// XGBGetLastError reads the error of this call and not another thread's.
func call(op string, f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if f() == 0 {
		return nil
	}
	return &Error{Op: op, Msg: trimStack(C.GoString(C.XGBGetLastError()))}
}

// trimStack drops the C++ stack trace that XGBoost appends to messages:
// dozens of lines of addresses nobody reading a log can use.
func trimStack(msg string) string {
	if i := strings.Index(msg, "Stack trace:"); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// cStrings copies ss to C memory; free releases it.
func cStrings(ss []string) (arr **C.char, free func()) {
	if len(ss) == 0 {
		return nil, func() {}
	}
	var p *C.char
	arr = (**C.char)(C.malloc(C.size_t(len(ss)) * C.size_t(unsafe.Sizeof(p))))
	ptrs := unsafe.Slice(arr, len(ss))
	for i, s := range ss {
		ptrs[i] = C.CString(s)
	}
	return arr, func() {
		for _, p := range ptrs {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(arr))
	}
}

// goStrings copies n C strings from arr.
func goStrings(arr **C.char, n int) []string {
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i, p := range unsafe.Slice(arr, n) {
		out[i] = C.GoString(p)
	}
	return out
}
