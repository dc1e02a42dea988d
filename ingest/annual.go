package ingest

// MonthValue is a month's share of an annual series (the GCB's E_LUC or
// S_CEMENT sheets): the year's value times days(month)/days(year).
type MonthValue struct {
	GtC      float64 `json:"gtc"`       // GtC in the month
	SigmaGtC float64 `json:"sigma_gtc"` // 1σ, GtC in the month
	// Projected is set when the month's year is beyond the series: the
	// last year's value is carried forward, as the GCB does for its
	// projection year.
	Projected bool `json:"projected"`
	FromYear  int  `json:"from_year"` // the series year the value comes from
}
