package raster

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/airbusgeo/godal"

	"github.com/carbonbudget/carbonbudget/ingest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// gribElements maps ECMWF short names (and the ERA5 netCDF names) to the
// GRIB_ELEMENT GDAL gives ECMWF GRIB1 parameters. GDAL 3.6's table 128
// names paramId 34 (sst) SSTK, not SST; SST stays accepted for files
// other tools label so.
var gribElements = map[string][]string{
	"2t": {"2T"}, "t2m": {"2T"}, "tp": {"TP"}, "ssrd": {"SSRD"}, "msl": {"MSL"},
	"10u": {"10U"}, "u10": {"10U"}, "10v": {"10V"}, "v10": {"10V"}, "10si": {"10SI"}, "si10": {"10SI"},
	"sst": {"SSTK", "SST"}, "ci": {"CI"}, "siconc": {"CI"}, "swvl1": {"SWVL1"},
}

// Message describes one GRIB message (one GDAL band).
type Message struct {
	Band    int // 1-based
	Element string
	// Level is GDAL's GRIB_SHORT_NAME, the level ("2-HTGL", "0-SFC").
	Level     string
	Unit      string // without GRIB's brackets
	ValidTime time.Time
	g2        grib2Info
}

// gribOpen opens a GRIB file keeping its native units: GDAL would convert
// temperatures from K to °C by default.
func gribOpen(path string) (*godal.Dataset, error) {
	register()
	return godal.Open(path, godal.RasterOnly(), errLogger, godal.ConfigOption("GRIB_NORMALIZE_UNITS=NO"))
}

// Inventory lists the messages of a GRIB file.
func Inventory(path string) ([]Message, error) {
	defer guard(path)()
	ds, err := gribOpen(path)
	if err != nil {
		return nil, ingest.Errorf(path, "", grid.Month{}, "open GRIB: %w", err)
	}
	defer ds.Close()
	return inventory(path, ds)
}

func inventory(path string, ds *godal.Dataset) ([]Message, error) {
	var out []Message
	for i, b := range ds.Bands() {
		md := b.Metadatas()
		t, err := gribTime(md["GRIB_VALID_TIME"])
		if err != nil {
			return nil, ingest.Errorf(path, md["GRIB_ELEMENT"], grid.Month{}, "message %d: %w", i+1, err)
		}
		out = append(out, Message{Band: i + 1, Element: md["GRIB_ELEMENT"], Level: md["GRIB_SHORT_NAME"],
			Unit: strings.Trim(md["GRIB_UNIT"], "[]"), ValidTime: t, g2: parseGRIB2(md)})
	}
	return out, nil
}

// gribTime parses GRIB_VALID_TIME: "1551398400" in GDAL 3.6, "  1551398400
// sec UTC" in older versions.
func gribTime(s string) (time.Time, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return time.Time{}, fmt.Errorf("no GRIB_VALID_TIME")
	}
	sec, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("GRIB_VALID_TIME %q: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// ReadGRIB returns the mean over month m of every message of variable
// shortName (an ECMWF short name such as "2t", an ERA5 netCDF name such as
// "t2m", or a GDAL GRIB_ELEMENT), by valid time: hourly ERA5 becomes a
// monthly mean. An ECMWF short name finds GRIB 1 messages by GDAL's
// element and GRIB 2 messages by their discipline, category, number and
// level (grib2.go), with ECMWF's unit; a GDAL element found at more than
// one level is refused as ambiguous. Accumulated variables (tp, ssrd) thus give the mean
// accumulation per message interval. Values stay in the file's units (K
// for 2t). A month after the last message is ingest.ErrMissing.
func ReadGRIB(path, shortName string, m grid.Month, opts ...Option) (*grid.Field, error) {
	o := optionsOf(opts)
	fail := func(format string, args ...any) error { return ingest.Errorf(path, shortName, m, format, args...) }
	defer guard(path)()
	ds, err := gribOpen(path)
	if err != nil {
		return nil, fail("open GRIB: %w", err)
	}
	defer ds.Close()
	msgs, err := inventory(path, ds)
	if err != nil {
		return nil, err
	}
	sel, err := selectMessages(msgs, shortName, m)
	if err != nil {
		return nil, fail("%w", err)
	}
	st := ds.Structure()
	values, err := meanOfBands(ds, sel, st.SizeX, st.SizeY)
	if err != nil {
		return nil, fail("%w", err)
	}
	lay, err := layoutOf(ds)
	if err != nil {
		return nil, fail("%w", err)
	}
	f := &grid.Field{Name: shortName, Units: sel[0].Unit}
	if lay.regular {
		lay.orient(values)
		f.Grid, f.Values = lay.g, values
		return f, nil
	}
	if f.Values, err = warp(ds, values, o.target); err != nil {
		return nil, fail("%w", err)
	}
	f.Grid = o.target
	return f, nil
}

// selectMessages picks the messages of shortName valid in month m.
func selectMessages(msgs []Message, shortName string, m grid.Month) ([]Message, error) {
	var all, sel []Message
	var last time.Time
	elements := map[string]bool{}
	for _, msg := range msgs {
		elements[msg.Element] = true
		msg, ok := wanted(msg, shortName)
		if !ok {
			continue
		}
		all = append(all, msg)
		if msg.ValidTime.After(last) {
			last = msg.ValidTime
		}
		if !msg.ValidTime.Before(m.Start()) && msg.ValidTime.Before(m.End()) {
			sel = append(sel, msg)
		}
	}
	if err := ambiguous(all, shortName); err != nil {
		return nil, err
	}
	switch {
	case len(sel) > 0:
		return sel, complete(sel, m)
	case last.IsZero() && !knownName(shortName):
		return nil, fmt.Errorf("unknown variable %q: not an ECMWF short name this reader maps (%s) nor a GDAL element of the file (file has %s)",
			shortName, knownNames(), keys(elements))
	case last.IsZero():
		return nil, fmt.Errorf("no GRIB messages of %s (file has %s)", describe(shortName), keys(elements))
	case last.Before(m.Start()):
		return nil, fmt.Errorf("month absent: messages end at %s: %w", last.Format(time.RFC3339), ingest.ErrMissing)
	}
	return nil, fmt.Errorf("no %s messages valid in the month", describe(shortName))
}

// wanted reports whether msg is of variable shortName, with the unit to
// use: a GRIB 2 message of a known ECMWF short name by its codes (and
// ECMWF's unit), any other by GDAL's element.
func wanted(msg Message, shortName string) (Message, bool) {
	name := strings.ToLower(shortName)
	if _, known := grib2Codes[name]; known && msg.g2.edition2 {
		unit, ok := grib2Match(name, msg.g2)
		msg.Unit = unit
		return msg, ok
	}
	wants, ok := gribElements[name]
	if !ok {
		wants = []string{shortName}
	}
	for _, w := range wants {
		if strings.EqualFold(msg.Element, w) {
			return msg, true
		}
	}
	return msg, false
}

// ambiguous refuses a name that found messages at more than one level:
// in GRIB 2, GDAL's element TMP is 2 m temperature and skin temperature
// alike, and their mean would be neither. An ECMWF short name tells them
// apart.
func ambiguous(msgs []Message, shortName string) error {
	levels := map[string]bool{}
	for _, msg := range msgs {
		levels[msg.Level] = true
	}
	if len(levels) < 2 {
		return nil
	}
	return fmt.Errorf("%q is ambiguous: its messages are at %d levels (%s); name the variable by its ECMWF short name (%s)",
		shortName, len(levels), keys(levels), knownNames())
}

func knownName(name string) bool {
	_, g1 := gribElements[strings.ToLower(name)]
	_, g2 := grib2Codes[strings.ToLower(name)]
	return g1 || g2
}

func knownNames() string {
	names := map[string]bool{}
	for n := range grib2Codes {
		names[n] = true
	}
	for n := range gribElements {
		names[n] = true
	}
	return keys(names)
}

// describe names what shortName is looked for as, for messages.
func describe(shortName string) string {
	name := strings.ToLower(shortName)
	var parts []string
	if els, ok := gribElements[name]; ok {
		parts = append(parts, "GRIB 1 element "+strings.Join(els, " or "))
	}
	for _, c := range grib2Codes[name] {
		parts = append(parts, fmt.Sprintf("GRIB 2 %d.%d.%d", c.discipline, c.category, c.number))
	}
	if len(parts) == 0 {
		return "element " + shortName
	}
	return shortName + " (" + strings.Join(parts, ", ") + ")"
}

// complete checks that sub-monthly messages cover the whole month: a
// truncated download of hourly data would otherwise give the mean of part
// of the month. The step is the smallest gap between valid times; one
// message alone is a monthly value.
func complete(sel []Message, m grid.Month) error {
	times := make([]time.Time, len(sel))
	for i, msg := range sel {
		times[i] = msg.ValidTime
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var step time.Duration
	distinct := 1
	for i := 1; i < len(times); i++ {
		d := times[i].Sub(times[i-1])
		if d == 0 {
			continue
		}
		distinct++
		if step == 0 || d < step {
			step = d
		}
	}
	if step == 0 {
		return nil
	}
	if want := int(m.End().Sub(m.Start()) / step); distinct < want {
		return fmt.Errorf("month incomplete: %d of %d messages at %v steps (%s .. %s)", distinct, want, step,
			times[0].Format(time.RFC3339), times[len(times)-1].Format(time.RFC3339))
	}
	return nil
}

func keys(m map[string]bool) string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// meanOfBands averages the selected bands cell by cell, leaving out
// nodata; a cell missing in every message is NaN.
func meanOfBands(ds *godal.Dataset, sel []Message, w, h int) ([]float32, error) {
	bands := ds.Bands()
	sum := make([]float64, w*h)
	cnt := make([]int32, w*h)
	for _, msg := range sel {
		b := bands[msg.Band-1]
		// GRIB 2 messages are decoded when read, so the read needs the
		// option too, or GDAL hands back °C under a unit of K.
		raw, err := readBand(b, w, h, godal.ConfigOption("GRIB_NORMALIZE_UNITS=NO"))
		if err != nil {
			return nil, fmt.Errorf("read message %d: %w (truncated or corrupt file?)", msg.Band, err)
		}
		for i, v := range unpackBand(raw, b) {
			if v == v {
				sum[i] += float64(v)
				cnt[i]++
			}
		}
	}
	out := make([]float32, w*h)
	for i := range out {
		out[i] = float32(math.NaN())
		if cnt[i] > 0 {
			out[i] = float32(sum[i] / float64(cnt[i]))
		}
	}
	return out, nil
}
