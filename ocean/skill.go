package ocean

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/emulator"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// scoreMember predicts the held-out months of a member on the cells with
// a target value and compares with the full target. Only the GOBMs' target
// is a flux with a global sum; the reconstruction's (ΔpCO2 on ship cells)
// has none.
func scoreMember(ctx context.Context, d drivers, mm *Model, target string, months []grid.Month, heldOut int, oceanFrac []float32) (emulator.MemberSkill, error) {
	g := mm.Emulator.Card().Grid.Grid()
	b, err := emulator.NewBuilder(g, Features(), d)
	if err != nil {
		return emulator.MemberSkill{}, err
	}
	sk, err := emulator.ScoreMember(ctx, g, oceanFrac, months, heldOut, mm.Kind == KindGOBM, func(m grid.Month) ([]float32, []float32, []int, error) {
		return predictTargetCells(d, b, mm, target, m)
	})
	if err != nil {
		return sk, fmt.Errorf("score %s: %w", mm.Name, err)
	}
	return sk, nil
}

// predictTargetCells predicts member mm on the cells of month m that have
// a target value.
func predictTargetCells(d drivers, b *emulator.Builder, mm *Model, target string, m grid.Month) (pred, t []float32, cells []int, err error) {
	f, err := d.Field(m, target)
	if err != nil {
		return nil, nil, nil, err
	}
	for c, v := range f.Values {
		if v == v {
			cells = append(cells, c)
		}
	}
	if pred, err = mm.Emulator.PredictCells(b, m, cells); err != nil {
		return nil, nil, nil, err
	}
	return pred, f.Values, cells, nil
}
