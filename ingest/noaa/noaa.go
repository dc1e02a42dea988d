// Package noaa reads NOAA GML "Trends in CO2" files: the monthly means
// (co2_mm_gl, co2_mm_mlo) with ReadMonthly, and the year-per-row tables,
// annual growth rates (co2_gr_gl, co2_gr_mlo) and annual means
// (co2_annmean_gl, co2_annmean_mlo), with ReadAnnual; each in NOAA's
// whitespace .txt layout, its .csv layout and the mirrors' CSV. Each reader
// refuses the other's tables as the wrong kind.
//
// Units are those of the files: dry-air mole fraction in ppm (µmol/mol),
// growth rates in ppm/yr. Comment lines start with '#'; the "File
// Creation:" line in them is returned as the vintage, because NOAA revises
// recent values and every number must be traceable to its revision.
//
// The layout is told from the column names (the CSV header line, or the
// comment lines just above the data in a .txt file) and the column count,
// never from the file name; an annual table whose columns are not named is
// told growth or mean by the magnitude of its values, or refused. Values
// NOAA marks missing (-1, -9.99, -0.99, -99.99: negative numbers in columns
// that cannot be negative) become NaN.
// Text that is not a number, or a value no CO2 file can hold (a mean
// outside 150..1000 ppm, a decimal date outside its year), is an error
// naming the file, line and column: it means the file is corrupt or was
// misread, and a silently skipped row would shift a growth rate.
package noaa

import (
	"errors"
	"io"
	"os"
)

var (
	// ErrNoRows means the input has no data lines at all.
	ErrNoRows = errors.New("no data rows")
	// ErrWrongKind means the file is a NOAA table of another kind (a
	// growth-rate or annual-mean file given to ReadMonthly, a monthly file
	// given to ReadAnnual).
	ErrWrongKind = errors.New("not this kind of NOAA file")
)

// ReadMonthlyFile reads the monthly-mean file at path.
func ReadMonthlyFile(path string) (*Monthly, error) {
	return readFile(path, ReadMonthly)
}

func readFile[T any](path string, read func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f, path)
}
