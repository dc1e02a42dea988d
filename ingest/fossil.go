package ingest

import "time"

// FossilRecord is one value of a daily national fossil CO2 record (Carbon
// Monitor): the emission of one country and sector on one day, MtCO2 per
// day, to the atmosphere. The Carbon Monitor reader returns it, the month
// cube carries it and the fossil stage takes it, so it lives here: every
// reader imports this package, and the stage may too without importing a
// reader.
type FossilRecord struct {
	Country     string    `json:"country"`
	Date        time.Time `json:"date"` // 00:00 UTC of the day
	Sector      string    `json:"sector"`
	MtCO2PerDay float64   `json:"mtco2_per_day"`
}

// FossilSectors are Carbon Monitor's sectors. The reader accepts no other;
// the fossil stage needs every one of them for every row of the partition
// of the world. International aviation is a bunker fuel, kept out of
// national gridding downstream.
var FossilSectors = []string{"Power", "Industry", "Ground Transport", "Residential", "Domestic Aviation", "International Aviation"}
