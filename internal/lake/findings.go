package lake

import "strconv"

// Finding is one unusual thing of a month (budget.Findings): a region's
// land sink, ocean sink or fire whose anomaly is beyond k σ of the
// baseline's interannual variability of that calendar month, with the
// drivers that made it. GtC in the month; sinks positive into the
// surface, fire positive to the atmosphere.
type Finding struct {
	Period string `parquet:"period" json:"period"`
	// Rank orders the month's findings, 1 the most unusual (largest |Z|).
	Rank int `parquet:"rank" json:"rank"`
	// Kind is "anomaly", or "sign_change" when a region that is a sink
	// in the baseline mean became a source (or the reverse).
	Kind       string  `parquet:"kind" json:"kind"`
	RegionID   string  `parquet:"region_id" json:"region_id"`
	Name       string  `parquet:"name" json:"name"`
	RegionKind string  `parquet:"region_kind" json:"region_kind"`
	Component  string  `parquet:"component" json:"component"`
	ValueGtC   float64 `parquet:"value_gtc" json:"value_gtc"`
	SigmaGtC   float64 `parquet:"sigma_gtc" json:"sigma_gtc"` // the value's own 1σ
	// BaselineGtC is what the period was expected to be: the mean of the
	// calendar month (or year) over the baseline years carried along the
	// series' trend (TrendGtCPerYear, a robust line through the years up to
	// the baseline's end) to the period's year; BaselineSDGtC is the
	// interannual standard deviation of the baseline years about that
	// line. Z is AnomalyGtC / BaselineSDGtC.
	BaselineGtC     float64 `parquet:"baseline_gtc" json:"baseline_gtc"`
	BaselineSDGtC   float64 `parquet:"baseline_sd_gtc" json:"baseline_sd_gtc"`
	TrendGtCPerYear float64 `parquet:"trend_gtc_per_year" json:"trend_gtc_per_year"`
	AnomalyGtC      float64 `parquet:"anomaly_gtc" json:"anomaly_gtc"`
	// AnomalySigmaGtC is the members' spread of the anomaly (each
	// member's against its own line): how well the estimate knows it; 0
	// for the observed fire. A finding's |AnomalyGtC| is at least K times
	// the quadrature sum of BaselineSDGtC and AnomalySigmaGtC.
	AnomalySigmaGtC float64 `parquet:"anomaly_sigma_gtc" json:"anomaly_sigma_gtc"`
	Z               float64 `parquet:"z" json:"z"`
	// Record is "lowest" or "highest" when the value is the extreme of
	// the calendar month in the published record, which starts in
	// RecordSinceYear; empty otherwise.
	Record          string `parquet:"record" json:"record,omitempty"`
	RecordSinceYear int    `parquet:"record_since_year" json:"record_since_year,omitempty"`
	// TopDriver is the driver group that moved the value most in the
	// anomaly's direction; Drivers lists the leading ones as text
	// ("fire −0.21 ± 0.02 GtC; heat −0.05 ± 0.01 GtC"), DriverShares in
	// full.
	TopDriver    string        `parquet:"top_driver" json:"top_driver"`
	TopDriverGtC float64       `parquet:"top_driver_gtc" json:"top_driver_gtc"`
	Drivers      string        `parquet:"drivers" json:"drivers"`
	DriverShares []DriverShare `parquet:"driver_shares,list" json:"driver_shares,omitempty"`
	// Maturity is what the value rests on: "observed" (a satellite or
	// inventory product), "emulated" (the model emulators), or
	// "provisional" (a late source was missing).
	Maturity string `parquet:"maturity" json:"maturity"`
	// Text says it in words, from a template.
	Text string `parquet:"text" json:"text"`
}

// DriverShare is one driver group's anomaly inside a finding, in the
// direction of the finding's component (into land for the land sink).
type DriverShare struct {
	Driver     string  `parquet:"driver" json:"driver"`
	AnomalyGtC float64 `parquet:"anomaly_gtc" json:"anomaly_gtc"`
	SigmaGtC   float64 `parquet:"sigma_gtc" json:"sigma_gtc"`
	// Source is "emulators", "observed" (the fire product) or "ship data"
	// (the ocean reconstruction's share).
	Source string `parquet:"source" json:"source"`
}

// FindingHeader is findings.csv's header; FindingRecords its rows.
var FindingHeader = []string{"period", "rank", "kind", "region_id", "name", "region_kind", "component",
	"value_gtc", "sigma_gtc", "baseline_gtc", "baseline_sd_gtc", "trend_gtc_per_year", "anomaly_gtc", "anomaly_sigma_gtc", "z",
	"record", "record_since_year", "top_driver", "top_driver_gtc", "drivers", "maturity", "text"}

// FindingRecords are findings as CSV records.
func FindingRecords(fs []Finding) [][]string {
	out := make([][]string, len(fs))
	for i, f := range fs {
		rec := []string{f.Period, strconv.Itoa(f.Rank), f.Kind, f.RegionID, f.Name, f.RegionKind, f.Component}
		for _, v := range []float64{f.ValueGtC, f.SigmaGtC, f.BaselineGtC, f.BaselineSDGtC, f.TrendGtCPerYear, f.AnomalyGtC, f.AnomalySigmaGtC, f.Z} {
			rec = append(rec, num(v))
		}
		since := ""
		if f.RecordSinceYear != 0 {
			since = strconv.Itoa(f.RecordSinceYear)
		}
		out[i] = append(rec, f.Record, since, f.TopDriver, num(f.TopDriverGtC), f.Drivers, f.Maturity, f.Text)
	}
	return out
}
