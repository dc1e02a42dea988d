package builder

import (
	"errors"
	"io/fs"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/ingest/cube"
	"github.com/carbonbudget/carbonbudget/ingest/inversion"
	"github.com/carbonbudget/carbonbudget/internal/config"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// InversionSource is the catalogue's source name of every inversion
// product; the entry's Model is the product's name.
const InversionSource = "inversions"

// fingerprintInversions adds an entry for each configured inversion's
// file of month m. A file that is not there yet is an entry with status
// "missing" and not a late source of the month: the bottom-up budget does
// not need the inversions, which lag the present by months.
func (b *Builder) fingerprintInversions(m grid.Month, entries []cube.Entry, errs []error) ([]cube.Entry, []error) {
	for _, inv := range b.cfg.Inversions {
		path := config.ExpandPath(b.cfg.InputDir, inv.Path, m, inv.Name)
		e, err := b.hasher.entry(InversionSource, inv.Name, path)
		switch {
		case err == nil:
			entries = append(entries, e)
		case errors.Is(err, fs.ErrNotExist):
			entries = append(entries, cube.Entry{Source: InversionSource, Model: inv.Name, Path: path, Status: "missing"})
		default:
			errs = append(errs, &ingest.SourceError{Path: path, Month: m, Err: err})
		}
	}
	return entries, errs
}

// readInversion reads inversion product name's file at path for the
// cube's month and puts its fluxes, regridded conservatively (they are
// flux densities per m² of cell), under cube.InvBioPrefix+name and the
// other prefixes; fire and fossil only when the product has them.
func (b *Builder) readInversion(c *cube.Cube, path, name string) error {
	var layout string
	for _, inv := range b.cfg.Inversions {
		if inv.Name == name {
			layout = inv.Layout
		}
	}
	b.opened(path)
	p, err := inversion.Read(path, c.Month, layout)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		prefix string
		field  *grid.Field
	}{
		{cube.InvBioPrefix, p.Bio}, {cube.InvOceanPrefix, p.Ocean}, {cube.InvFirePrefix, p.Fire}, {cube.InvFossilPrefix, p.Fossil},
	} {
		if f.field == nil {
			continue
		}
		variable := f.field.Name
		if err := b.put(c, f.prefix+name, f.field); err != nil {
			return ingest.Errorf(path, variable, c.Month, "regrid: %w", err)
		}
	}
	return nil
}
