package twin

import (
	"bufio"
	"io"
	"path/filepath"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/carbonbudget/carbonbudget/internal/output"
)

// cmCountries are Carbon Monitor's rows in the order of its files.
var cmCountries = []string{"Brazil", "China", "EU27 & UK", "France", "Germany", "India", "Italy", "Japan", "ROW",
	"Russia", "Spain", "United Kingdom", "United States", "WORLD"}

// cmSeries returns the daily values of a Carbon Monitor row and sector:
// a simulated row, or the sum of the European rows or of all rows.
func (fw *fossilWorld) cmSeries(country string, sector int, days int) []float64 {
	out := make([]float64, days)
	for ri, row := range fossilRows {
		if country == row.name || country == "WORLD" || (country == "EU27 & UK" && row.eu) {
			for d := range out {
				out[d] += fw.daily[ri][sector][d]
			}
		}
	}
	return out
}

// writeCarbonMonitor writes the daily national emissions in the layout of
// the Carbon Monitor API file (carbon_global): header
// "country,date,sector,value," with a trailing empty column, dates
// DD/MM/YYYY, values in MtCO2 per day, rows by country, date and sector.
func (fw *fossilWorld) writeCarbonMonitor(dir string) error {
	path := filepath.Join(dir, "carbon_monitor", "carbonmonitor-global_datas.csv")
	days := len(fw.daily[0][0])
	return durable.WriteFile(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString("country,date,sector,value,\n")
		var buf []byte
		for _, country := range cmCountries {
			var series [nSectors][]float64
			for s := range nSectors {
				series[s] = fw.cmSeries(country, s, days)
			}
			for d := range days {
				date := fw.first.AddDate(0, 0, d).Format("02/01/2006")
				for s := range nSectors {
					buf = append(buf[:0], country...)
					buf = append(append(buf, ','), date...)
					buf = append(append(buf, ','), cmSectors[s]...)
					buf = strconv.AppendFloat(append(buf, ','), series[s][d], 'g', 6, 64)
					buf = append(buf, ",\n"...)
					bw.Write(buf)
				}
			}
		}
		return bw.Flush()
	})
}

// Bookkeeping models of the twin's land-use table: each estimates the true
// E_LUC with a bias and yearly noise, as BLUE, OSCAR and LUCE estimate the
// real one; "GCB | Net" is their mean.
var bookkeeping = []struct {
	name       string
	bias, sdGt float64
}{{"BLUE", 0.10, 0.08}, {"OSCAR", -0.05, 0.08}, {"LUCE", -0.03, 0.06}}

// lucComponents split net E_LUC into the GCB table's gross terms, in the
// ratios of GCB 2025 for 2024 (deforestation 1.87, regrowth -1.33, other
// transitions 0.08, peat 0.21, wood harvest 0.42 of 1.25 GtC/yr).
var lucComponents = []struct {
	name  string
	share float64
}{
	{"deforestation (total)", 1.496}, {"forest regrowth (total)", -1.060}, {"other transitions", 0.061},
	{"peat drainage & peat fires", 0.168}, {"wood harvest & other forest management", 0.335},
}

// writeLandUse writes the bookkeeping E_LUC series in the layout of the
// GCB land-use sheet ("Year", "GCB | Net", "GCB | <component>", "<model> |
// Net"), from 1979 to the year before the last, as the GCB publishes it a
// year late.
func writeLandUse(dir string, opt Options) error {
	path := filepath.Join(dir, "gcb", "land_use_change_emissions.csv")
	header := []string{"Year", "GCB | Net"}
	for _, c := range lucComponents {
		header = append(header, "GCB | "+c.name)
	}
	for _, b := range bookkeeping {
		header = append(header, b.name+" | Net")
	}
	var rows [][]string
	for y := gcbFirstYear; y <= opt.ModelLastYear(); y++ {
		truth := lucGtCPerYear(y)
		r := newRand(opt.Seed, "bookkeeping", y, 0)
		var models []string
		var sum float64
		for _, b := range bookkeeping {
			v := truth*(1+b.bias) + b.sdGt*r.NormFloat64()
			sum += v
			models = append(models, fmtGtC(v))
		}
		net := sum / float64(len(bookkeeping))
		row := []string{strconv.Itoa(y), fmtGtC(net)}
		var shares float64
		for _, c := range lucComponents {
			shares += c.share
		}
		for _, c := range lucComponents {
			row = append(row, fmtGtC(net*c.share/shares))
		}
		rows = append(rows, append(row, models...))
	}
	return output.WriteCSV(path, header, rows)
}

// writeCement writes the cement carbonation sink S_CEMENT in the layout of
// the GCB "Cement Carbonation Sink" sheet exported to CSV ("Year", "GCB",
// GtC/yr; the twin has no Cao and Huang estimates), from 1979 to the year
// before the last, as the GCB publishes it a year late. The values are the
// truth the twin's atmosphere books.
func writeCement(dir string, opt Options) error {
	path := filepath.Join(dir, "gcb", "cement_carbonation_sink.csv")
	var rows [][]string
	for y := gcbFirstYear; y <= opt.ModelLastYear(); y++ {
		rows = append(rows, []string{strconv.Itoa(y), fmtGtC(cementCarbonationGtCPerYear(y))})
	}
	return output.WriteCSV(path, []string{"Year", "GCB"}, rows)
}

func fmtGtC(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }
