// Package ingest holds what every input reader shares: the SourceError that
// names the file, variable and month of bad input, and the ErrMissing
// sentinel for a source that has legitimately not arrived yet.
//
// Readers live in sub-packages, one per format (ingest/netcdf, ingest/socat,
// ingest/noaa, ingest/carbonmonitor, ingest/raster, ingest/gcb, ingest/inversion); they import this
// package, never the other way round. ingest/builder assembles them into the
// month cube (ingest/cube) that puts every driver on the analysis grid.
package ingest

import (
	"errors"
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// ErrMissing marks a source that has not been published for a month yet
// (ship data lags by months). Later stages run without it and mark their
// result provisional instead of failing.
var ErrMissing = errors.New("not available yet")

// A SourceError reports unusable input data. Month is the zero Month when
// the problem is not tied to one month (a corrupt header).
type SourceError struct {
	Path     string
	Variable string
	Month    grid.Month
	Err      error
}

func (e *SourceError) Error() string {
	where := e.Path
	if e.Variable != "" {
		where += fmt.Sprintf(": variable %q", e.Variable)
	}
	if e.Month != (grid.Month{}) {
		where += ", " + e.Month.String()
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *SourceError) Unwrap() error { return e.Err }

// Errorf returns a SourceError for path, variable and month with a
// formatted cause.
func Errorf(path, variable string, m grid.Month, format string, args ...any) error {
	return &SourceError{Path: path, Variable: variable, Month: m, Err: fmt.Errorf(format, args...)}
}
