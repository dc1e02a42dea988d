package twin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

// Progress hears of each month as it is simulated and written
// (scheduler/progress's Reporter is one).
type Progress interface {
	Begin(month, stage string)
	Step()
}

// Write simulates the twin world of opt on the real land mask and writes
// every input file, the truth and a configuration under dir.
func Write(ctx context.Context, dir string, opt Options, log *slog.Logger) error {
	return WriteProgress(ctx, dir, opt, log, nil)
}

// WriteProgress is Write telling p (when not nil) of each month: one step
// per month, Months() in all.
func WriteProgress(ctx context.Context, dir string, opt Options, log *slog.Logger, p Progress) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	set, err := regions.Load(grid.MustNew(opt.ResDeg))
	if err != nil {
		return fmt.Errorf("twin: land mask: %w", err)
	}
	start := time.Now()
	w, err := New(set, opt)
	if err != nil {
		return err
	}
	log.Info("twin world built", "world", w.String(), "elapsed", time.Since(start).Round(time.Millisecond))
	return w.writeTo(ctx, dir, log, p)
}

// EachMonth builds the world of opt on the real land mask, as Write does,
// and hands every month to fn in order instead of writing files: for
// skill tests that keep a world in memory. Each MonthFields is fn's to
// keep. It returns the world (its grid and land fraction).
func EachMonth(ctx context.Context, opt Options, fn func(*MonthFields) error) (*World, error) {
	set, err := regions.Load(grid.MustNew(opt.ResDeg))
	if err != nil {
		return nil, fmt.Errorf("twin: land mask: %w", err)
	}
	w, err := New(set, opt)
	if err != nil {
		return nil, err
	}
	for {
		f, err := w.Next(ctx)
		if errors.Is(err, io.EOF) {
			return w, nil
		}
		if err != nil {
			return nil, err
		}
		if err := fn(f); err != nil {
			return nil, err
		}
	}
}

func (w *World) writeTo(ctx context.Context, dir string, log *slog.Logger, p Progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	models, err := openModelFiles(dir, w.geo.g, w.opt)
	if err != nil {
		return err
	}
	inv, err := newInvWriter(w, dir)
	if err != nil {
		closeModelFiles(models)
		return err
	}
	months := make(chan *MonthFields, 1)
	free := make(chan *MonthFields, 2)
	simErr := make(chan error, 1)
	go func() {
		defer close(months)
		simErr <- w.simulate(ctx, months, free)
	}()
	mw := &monthWriter{w: w, dir: dir, models: models, inv: inv, log: log, progress: p}
	events := map[string]eventCarbon{}
	for f := range months {
		if err == nil {
			w.addEventCarbon(events, f)
			err = mw.write(f)
			if err != nil {
				cancel()
			}
		}
		select {
		case free <- f:
		default:
		}
	}
	if serr := <-simErr; err == nil {
		err = serr
	}
	if cerr := closeModelFiles(models); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := inv.writeTruth(); err != nil {
		return err
	}
	var causes map[string]map[string]float64
	if !w.opt.NoTruthGrid {
		start := time.Now()
		if causes, err = w.extremeCauses(ctx, events); err != nil {
			return err
		}
		log.Info("twin extremes attributed", "elapsed", time.Since(start).Round(time.Millisecond))
	}
	return w.writeFinal(dir, mw.budgets, causes)
}

// simulate sends every month to out, reusing the months the writer has
// finished with (from free) so a run allocates its fields only a few
// times.
func (w *World) simulate(ctx context.Context, out chan<- *MonthFields, free <-chan *MonthFields) error {
	for {
		var reuse *MonthFields
		select {
		case reuse = <-free:
		default:
		}
		f, err := w.step(ctx, reuse)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// monthWriter writes each month as it arrives and keeps what the files
// written at the end need.
type monthWriter struct {
	w        *World
	dir      string
	models   []*modelFile
	inv      *invWriter
	year     []*yearFile
	budgets  []MonthBudget
	log      *slog.Logger
	started  time.Time
	progress Progress // nil: none
}

func (mw *monthWriter) write(f *MonthFields) error {
	w, g, m := mw.w, mw.w.geo.g, f.Month
	if mw.started.IsZero() {
		mw.started = time.Now()
	}
	if mw.progress != nil {
		mw.progress.Begin(m.String(), "twin world")
	}
	if m.Month == time.January {
		mw.year = yearFiles(mw.dir, m.Year)
	}
	// The netCDF files and the rest are independent: write them side by
	// side (libnetcdf calls are serialised by nclock; GDAL, the SOCAT text
	// and Parquet need no lock).
	var wg sync.WaitGroup
	var invErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, y := range mw.year {
			y.add(g, f)
		}
		for _, mf := range mw.models {
			mf.add(g, f)
		}
		invErr = mw.inv.add(w, f)
	}()
	err := mw.writeOthers(f)
	wg.Wait()
	if err == nil {
		err = invErr
	}
	if err != nil {
		return err
	}
	mw.budgets = append(mw.budgets, f.Budget)
	if mw.progress != nil {
		mw.progress.Step()
	}
	if m.Month != time.December {
		return nil
	}
	for _, y := range mw.year {
		if err := y.write(y, g, m.Year, w.opt.Seed); err != nil {
			return err
		}
	}
	mw.year = nil
	mw.log.Info("twin year written", "year", m.Year, "elapsed", time.Since(mw.started).Round(time.Millisecond))
	return nil
}

// writeOthers writes the month's GeoTIFF, ship file and gridded truth.
func (mw *monthWriter) writeOthers(f *MonthFields) error {
	w, m := mw.w, f.Month
	if err := writeNDVI(ndviPath(mw.dir, m), f.Grid, f.NDVI); err != nil {
		return err
	}
	if last := w.last.Add(-w.opt.ShipLagMonths); !last.Before(m) {
		if err := writeSOCAT(socatPath(mw.dir, m), m, w.sampleShips(f), w.opt); err != nil {
			return err
		}
	}
	if w.opt.NoTruthGrid {
		return nil
	}
	return writeTruthGrid(mw.dir, f, w.opt)
}

// writeFinal writes the files that need the whole run: NOAA's records,
// Carbon Monitor's table, the land-use and cement carbonation tables, the truth budgets, the
// manifest and the configuration.
func (w *World) writeFinal(dir string, budgets []MonthBudget, causes map[string]map[string]float64) error {
	steps := []func() error{
		func() error { return newNOAARecord(budgets, w.opt.Seed).write(dir, w.opt) },
		func() error { return w.oni.writeCPC(dir, w.opt) },
		func() error { return w.fossil.writeCarbonMonitor(dir) },
		func() error { return writeLandUse(dir, w.opt) },
		func() error { return writeCement(dir, w.opt) },
		func() error { return writeBudgets(dir, budgets) },
		func() error { return writeManifest(dir, w.opt, causes) },
		func() error { return writeConfig(dir, w.opt) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
