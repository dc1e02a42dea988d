package lake

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestProjectionRoundTrip(t *testing.T) {
	out := t.TempDir()
	if _, err := ReadProjection(out); !errors.Is(err, ErrNoProjection) {
		t.Fatalf("ReadProjection of an empty directory: %v, want ErrNoProjection", err)
	}
	rows := []ProjectionRow{{Year: 2024, Term: "s_land", Unit: UnitGtCPerYear, Maturity: MaturityProjected, AsOf: "2024-06",
		MadeAt: "2024-07-03T10:00:00Z", Value: 1.3, Sigma: 0.4, YTD: 0.2, MonthsObserved: 6}}
	docs := []ProjectionDoc{
		{Year: 2024, AsOf: "2024-06", MadeAt: "2024-07-03T10:00:00Z", Maturity: MaturityProjected,
			Terms:  map[string]ProjectedTerm{"s_land": {1.3, 0.4, 0.2, 6}},
			Growth: map[string]ProjectedValue{"global": {2.4, 0.45}}},
		{Year: 2023, AsOf: "2023-11", Maturity: MaturityProjected, Terms: map[string]ProjectedTerm{}},
	}
	if err := WriteProjection(out, rows, docs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadProjection(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []ProjectionDoc{docs[1], docs[0]}; !reflect.DeepEqual(got, want) {
		t.Errorf("ReadProjection = %+v, want %+v (in year order)", got, want)
	}
	back, err := ReadProjectionRows(out)
	if err != nil || !reflect.DeepEqual(back, rows) {
		t.Errorf("ReadProjectionRows = %+v, %v; want %+v", back, err, rows)
	}
	csv, _ := os.ReadFile(filepath.Join(out, ProjectionCSV))
	if want := "2024,s_land,GtC/yr,projected,2024-06,2024-07-03T10:00:00Z,1.3,0.4,0.2,6"; !strings.Contains(string(csv), want) {
		t.Errorf("projection.csv = %q, want a row %q", csv, want)
	}
}
