package emulator

import (
	"fmt"
	"math"
	"strings"
)

// Kind says how a feature is computed from its source.
type Kind string

// Kinds of feature. Lag shifts a source-based feature back by Lag months;
// Window averages it over the Window months ending there.
const (
	KindDriver      Kind = "driver"       // Source at month m−Lag
	KindMean        Kind = "running_mean" // mean of Source over months m−Lag−Window+1 … m−Lag
	KindAnomaly     Kind = "anomaly"      // like KindMean, minus the climatology of each month averaged
	KindClimatology Kind = "climatology"  // Source averaged over the climatology years, for m's calendar month
	KindStatic      Kind = "static"       // Source as served for m; the source serves the same field every month
	KindMonthSin    Kind = "month_sin"    // sin(2π(month−0.5)/12)
	KindMonthCos    Kind = "month_cos"    // cos(2π(month−0.5)/12)
	KindLat         Kind = "lat"          // cell-centre latitude, degrees north
	KindAbsLat      Kind = "abs_lat"      // |latitude|, degrees
	KindSinLat      Kind = "sin_lat"      // sine of latitude
	KindLonSin      Kind = "lon_sin"      // sine of longitude
	KindLonCos      Kind = "lon_cos"      // cosine of longitude
)

// sourced reports whether the kind reads a source field.
func (k Kind) sourced() bool {
	switch k {
	case KindDriver, KindMean, KindAnomaly, KindClimatology, KindStatic:
		return true
	}
	return false
}

// derivedUnits are the units of the features computed from the grid and
// the calendar.
var derivedUnits = map[Kind]string{
	KindMonthSin: "1", KindMonthCos: "1", KindLat: "degrees_north",
	KindAbsLat: "degrees", KindSinLat: "1", KindLonSin: "1", KindLonCos: "1",
}

// Feature is one named input column.
type Feature struct {
	Name   string `json:"name"`
	Kind   Kind   `json:"kind"`
	Source string `json:"source,omitempty"` // field name in Cubes
	Units  string `json:"units"`            // must equal the source field's units
	Lag    int    `json:"lag_months,omitempty"`
	Window int    `json:"window_months,omitempty"` // 0 or 1: a single month
}

// Raw is Source for the month itself.
func Raw(source, units string) Feature {
	return Feature{Name: source, Kind: KindDriver, Source: source, Units: units}
}

// Lagged is Source lagMonths months before.
func Lagged(source, units string, lagMonths int) Feature {
	return Feature{Name: fmt.Sprintf("%s_lag%d", source, lagMonths), Kind: KindDriver, Source: source, Units: units, Lag: lagMonths}
}

// RunningMean is the mean of Source over windowMonths months ending with
// the month itself (e.g. 3-month precipitation).
func RunningMean(source, units string, windowMonths int) Feature {
	return Feature{Name: fmt.Sprintf("%s_mean%d", source, windowMonths), Kind: KindMean, Source: source, Units: units, Window: windowMonths}
}

// Anomaly is Source minus its climatology for the month's calendar month.
func Anomaly(source, units string) Feature {
	return Feature{Name: source + "_anom", Kind: KindAnomaly, Source: source, Units: units}
}

// Climatology is Source's mean for the month's calendar month over the
// spec's climatology years.
func Climatology(source, units string) Feature {
	return Feature{Name: source + "_clim", Kind: KindClimatology, Source: source, Units: units}
}

// Static is a field that does not change with the month (land fraction,
// bathymetry, a long-term mean).
func Static(source, units string) Feature {
	return Feature{Name: source, Kind: KindStatic, Source: source, Units: units}
}

// MonthOfYear is the calendar month as a point on the unit circle, so
// December and January are neighbours.
func MonthOfYear() []Feature {
	return []Feature{derived(KindMonthSin), derived(KindMonthCos)}
}

// Latitude is the cell-centre latitude.
func Latitude() Feature { return derived(KindLat) }

// AbsLatitude is |latitude|, for patterns symmetric about the equator.
func AbsLatitude() Feature { return derived(KindAbsLat) }

// SinLatitude is the sine of latitude, proportional to the area south of
// the cell.
func SinLatitude() Feature { return derived(KindSinLat) }

// Longitude is the cell-centre longitude as a point on the unit circle.
func Longitude() []Feature { return []Feature{derived(KindLonSin), derived(KindLonCos)} }

func derived(k Kind) Feature { return Feature{Name: string(k), Kind: k, Units: derivedUnits[k]} }

// FeatureSpec is an emulator's ordered list of inputs. ClimFirstYear and
// ClimLastYear bound the years averaged for climatologies (anomaly and
// climatology features); the source must serve those years both when
// training and when predicting.
type FeatureSpec struct {
	Features      []Feature `json:"features"`
	ClimFirstYear int       `json:"clim_first_year,omitempty"`
	ClimLastYear  int       `json:"clim_last_year,omitempty"`
}

// Names lists the feature names in column order.
func (s FeatureSpec) Names() []string {
	out := make([]string, len(s.Features))
	for i, f := range s.Features {
		out[i] = f.Name
	}
	return out
}

// Sources lists the source fields the spec reads, once each, in order of
// first use.
func (s FeatureSpec) Sources() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range s.Features {
		if f.Kind.sourced() && !seen[f.Source] {
			seen[f.Source] = true
			out = append(out, f.Source)
		}
	}
	return out
}

// reach is how many months before m the spec reads.
func (s FeatureSpec) reach() int {
	r := 0
	for _, f := range s.Features {
		r = max(r, f.Lag+max(f.Window, 1)-1)
	}
	return r
}

// Validate checks names, kinds, units, lags and the climatology years.
func (s FeatureSpec) Validate() error {
	if len(s.Features) == 0 {
		return fmt.Errorf("feature spec: no features")
	}
	seen := map[string]bool{}
	needClim := false
	for i, f := range s.Features {
		if err := f.validate(); err != nil {
			return fmt.Errorf("feature spec: feature %d: %w", i, err)
		}
		if seen[f.Name] {
			return fmt.Errorf("feature spec: feature %q appears twice", f.Name)
		}
		seen[f.Name] = true
		needClim = needClim || f.Kind == KindAnomaly || f.Kind == KindClimatology
	}
	if needClim && (s.ClimFirstYear == 0 || s.ClimLastYear < s.ClimFirstYear) {
		return fmt.Errorf("feature spec: anomaly and climatology features need clim_first_year <= clim_last_year (have %d, %d)", s.ClimFirstYear, s.ClimLastYear)
	}
	return nil
}

func (f Feature) validate() error {
	if f.Name == "" || strings.ContainsAny(f.Name, "[]<>, \t\n") {
		// XGBoost (and Python's DMatrix) refuse '[', ']' and '<' in names.
		return fmt.Errorf("name %q: want a non-empty name without brackets, '<', '>', commas or spaces", f.Name)
	}
	if f.Lag < 0 || f.Window < 0 {
		return fmt.Errorf("%q: negative lag %d or window %d", f.Name, f.Lag, f.Window)
	}
	if units, ok := derivedUnits[f.Kind]; ok {
		if f.Source != "" || f.Lag != 0 || f.Window > 1 || f.Units != units {
			return fmt.Errorf("%q: kind %s takes no source, lag or window and has units %q", f.Name, f.Kind, units)
		}
		return nil
	}
	if !f.Kind.sourced() {
		return fmt.Errorf("%q: unknown kind %q", f.Name, f.Kind)
	}
	if f.Source == "" || f.Units == "" {
		return fmt.Errorf("%q: kind %s needs a source and its units", f.Name, f.Kind)
	}
	if (f.Kind == KindClimatology || f.Kind == KindStatic) && (f.Lag != 0 || f.Window > 1) {
		return fmt.Errorf("%q: kind %s takes no lag or window", f.Name, f.Kind)
	}
	if f.Kind == KindMean && f.Window < 2 {
		return fmt.Errorf("%q: a running mean needs a window of at least 2 months", f.Name)
	}
	return nil
}

// monthPhase is the angle of the middle of calendar month mo on the year
// circle.
func monthPhase(mo int) float64 { return 2 * math.Pi * (float64(mo) - 0.5) / 12 }
