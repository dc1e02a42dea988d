package report

import (
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

func TestThisYearSoFar(t *testing.T) {
	in := Inputs{Month: grid.Month{Year: 2024, Month: 6}}
	if md := reportMarkdown(in, nil); strings.Contains(md, "This year so far") {
		t.Errorf("report without a projection has the paragraph:\n%s", md)
	}
	in.Projection = &lake.ProjectionDoc{Year: 2024, AsOf: "2024-06", Maturity: lake.MaturityProjected,
		Terms: map[string]lake.ProjectedTerm{
			"s_land": {GtC: 1.31, SigmaGtC: 0.9, YTDGtC: 0.2, MonthsObserved: 6},
			"e_fos":  {GtC: 10.52, SigmaGtC: 0.3, YTDGtC: 5.21, MonthsObserved: 6},
		},
		Growth: map[string]lake.ProjectedValue{"global": {Value: 2.61, Sigma: 0.45}}}
	md := reportMarkdown(in, nil)
	for _, want := range []string{"## This year so far", "6 month(s) of 2024 computed (data to 2024-06)",
		"E_FOS 10.52 ± 0.30 (5.21 so far); S_LAND 1.31 ± 0.90 (0.20 so far)", "global 2.61 ± 0.45 ppm/yr", "maturity `projected`"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Mauna Loa") {
		t.Errorf("report names a Mauna Loa projection it was not given:\n%s", md)
	}
}
