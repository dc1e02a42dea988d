package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

func TestRegionsCommands(t *testing.T) {
	g := grid.MustNew(1)
	set, err := regions.Load(g)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Weights("USA")
	wantLand := fmt.Sprintf("land area   %.4f million km²", g.TotalAreaM2(w)/1e12)
	for _, args := range [][]string{{"regions", "show", "USA", "--res", "1"}, {"regions", "show", "--res", "1", "United", "States"}} {
		out, _, err := run(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "United States") || !strings.Contains(out, wantLand) || !strings.Contains(out, "ocean area  0.0000") {
			t.Errorf("%v: want %q in\n%s", args, wantLand, out)
		}
	}
	out, _, err := run(t, "regions", "list", "--kind", "reccap2-land")
	if err != nil || strings.Count(out, "\n") != 11 || !strings.Contains(out, "reccap2-land/europe") {
		t.Errorf("regions list --kind reccap2-land (%v):\n%s", err, out)
	}
	out, _, err = run(t, "regions", "list", "--res", "2")
	if err != nil || strings.Count(out, "\n") != len(set.Regions())+1 {
		t.Errorf("regions list: %d lines, want %d (%v)", strings.Count(out, "\n"), len(set.Regions())+1, err)
	}
	if _, _, err := run(t, "regions", "show", "ATLANTIS"); err == nil || !strings.Contains(err.Error(), "ATLANTIS") {
		t.Errorf("unknown region: %v", err)
	}
	if _, _, err := run(t, "regions", "list", "--kind", "bogus"); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown kind: %v", err)
	}
}
