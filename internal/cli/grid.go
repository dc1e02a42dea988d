package cli

import (
	"context"
	"fmt"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

func runGrid(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "info" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage: carbonbudget grid info [--res DEG]")
			return nil
		}
		return fmt.Errorf("%w: try 'carbonbudget grid info --res 0.5'", ErrUsage)
	}
	fs, c := newFlagSet(env, "grid info", "grid info [--res DEG]", false)
	res := fs.Float64("res", 1, "grid spacing in degrees: 2, 1, 0.5 or 0.25")
	if err := parse(fs, c, env, args[1:], false); err != nil {
		return err
	}
	g, err := grid.New(*res)
	if err != nil {
		return fmt.Errorf("%w: --res: %v", ErrUsage, err)
	}
	return printGridInfo(env, g)
}

func printGridInfo(env *Env, g grid.Grid) error {
	w := env.Stdout
	fmt.Fprintf(w, "grid        %v\n", g)
	fmt.Fprintf(w, "rows        %d (row 0 centred at %.4g°N)\n", g.NLat, g.LatCentre(0))
	fmt.Fprintf(w, "columns     %d (column 0 centred at %.4g°E)\n", g.NLon, g.LonCentre(0))
	fmt.Fprintf(w, "cells       %d\n", g.Cells())
	fmt.Fprintf(w, "total area  %.6e m² (%.2f million km²)\n", g.TotalAreaM2(nil), g.TotalAreaM2(nil)/1e12)
	fmt.Fprintf(w, "cell area   %.4g km² at the equator, %.4g km² at the poles\n",
		g.RowAreaM2(g.NLat/2)/1e6, g.RowAreaM2(0)/1e6)
	return nil
}
