package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/lake"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// A run publishes the projection of the year in progress beside the
// tables, apart from them: budget_monthly holds only computed months, the
// projection is as of the latest one, and the hindcast on the twin scores
// every term against the truth and writes its skill.
func TestRunPublishesProjection(t *testing.T) {
	fixture(t)
	out := t.TempDir()
	ctx := context.Background()
	if _, err := carbonbudget(ctx, "run", "--from", firstMonth, "--to", "2022-10", "--config", fix.config, "--out", out); err != nil {
		t.Fatal(err)
	}
	rows, err := output.ReadParquet[lake.Row](filepath.Join(out, "budget_monthly.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Errorf("budget_monthly has %d rows, want the 4 computed months only", len(rows))
	}
	docs, err := lake.ReadProjection(out)
	if err != nil {
		t.Fatal(err)
	}
	p := docs[len(docs)-1]
	sl, ok := p.Terms["s_land"]
	if p.Year != 2022 || p.AsOf != "2022-10" || p.Maturity != "projected" || !ok || sl.MonthsObserved != 4 || !(sl.SigmaGtC > 0) {
		t.Errorf("projection %+v: want 2022 as of 2022-10 with S_LAND from 4 months and a σ", p)
	}
	var sum float64
	for _, r := range rows {
		sum += r.SLand
	}
	if d := sl.YTDGtC - sum; d > 1e-9 || d < -1e-9 { // 1e-9: the same four float64s summed
		t.Errorf("S_LAND so far %v, the computed months add up to %v", sl.YTDGtC, sum)
	}
	stdout, err := carbonbudget(ctx, "nowcast", "--hindcast", "2022", "--as-of-month", "9", "--truth", filepath.Join(fix.world, "truth"), "--config", fix.config, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "s_land") || !strings.Contains(stdout, "s_ocean") {
		t.Errorf("nowcast --hindcast printed no S_LAND or S_OCEAN skill:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, lake.SkillJSON))
	if err != nil {
		t.Fatal(err)
	}
	var skill struct {
		Skill []lake.SkillRow `json:"skill"`
	}
	if err := json.Unmarshal(b, &skill); err != nil || len(skill.Skill) == 0 || skill.Skill[0].Years != 1 {
		t.Errorf("%s = %s (%v): want one scored year per term", lake.SkillJSON, b, err)
	}
}
