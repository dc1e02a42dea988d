package land

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// scoreMember predicts the held-out months of a member on the cells with a
// target value and compares with the full target (trend included).
func scoreMember(ctx context.Context, d drivers, mm *Model, months []grid.Month, heldOut int, landFrac []float32, tb *trendBasis) (emulator.MemberSkill, error) {
	g := d.clim.Grid()
	b, err := emulator.NewBuilder(g, Features(), d)
	if err != nil {
		return emulator.MemberSkill{}, err
	}
	sk, err := emulator.ScoreMember(ctx, g, landFrac, months, heldOut, true, func(m grid.Month) ([]float32, []float32, []int, error) {
		return predictTargetCells(d, b, mm, m, landFrac, tb)
	})
	if err != nil {
		return sk, fmt.Errorf("score %s: %w", mm.Name, err)
	}
	return sk, nil
}

// predictTargetCells predicts member mm (trend included) on the land cells
// of month m that have a target value.
func predictTargetCells(d drivers, b *emulator.Builder, mm *Model, m grid.Month, landFrac []float32, tb *trendBasis) (pred, truth []float32, cells []int, err error) {
	f, err := d.c.Field(m, NBPField(mm.DGVM))
	if err != nil {
		return nil, nil, nil, err
	}
	for c, v := range f.Values {
		if v == v && landFrac[c] > 0 {
			cells = append(cells, c)
		}
	}
	if pred, err = mm.Emulator.PredictCells(b, m, cells); err != nil {
		return nil, nil, nil, err
	}
	xco2, err := xco2PPM(d.c, m)
	if err != nil {
		return nil, nil, nil, err
	}
	off, err := mm.offsets(tb, m, xco2)
	if err != nil {
		return nil, nil, nil, err
	}
	for k, c := range cells {
		pred[k] += off[c]
	}
	return pred, f.Values, cells, nil
}
