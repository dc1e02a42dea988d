package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

const regionsUsage = `Usage:
  carbonbudget regions list [--res 1] [--kind KIND]
  carbonbudget regions show ID|NAME [--res 1]
Kinds: ` + "global, country, reccap2-land, reccap2-ocean, band-land, band-ocean, special"

func runRegions(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, regionsUsage)
			return nil
		}
		return fmt.Errorf("%w: try 'carbonbudget regions list' or 'carbonbudget regions show USA'", ErrUsage)
	}
	sub := args[0]
	fs, c := newFlagSet(env, "regions "+sub, "regions "+sub+" [flags]", false)
	res := fs.Float64("res", 1, "grid spacing in degrees: 2, 1, 0.5 or 0.25")
	kind := fs.String("kind", "", "list only regions of this kind")
	// Accept the region id before or after the flags.
	var id string
	rest := args[1:]
	if sub == "show" && len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		id, rest = rest[0], rest[1:]
	}
	if err := parse(fs, c, env, rest, sub == "show"); err != nil {
		return err
	}
	if id == "" && fs.NArg() > 0 {
		id = strings.Join(fs.Args(), " ")
	}
	if *kind != "" && !slices.Contains(regions.Kinds, *kind) {
		return fmt.Errorf("%w: --kind %q: want one of %s", ErrUsage, *kind, strings.Join(regions.Kinds, ", "))
	}
	g, err := grid.New(*res)
	if err != nil {
		return fmt.Errorf("%w: --res: %v", ErrUsage, err)
	}
	set, err := regions.Load(g)
	if err != nil {
		return err
	}
	if sub == "list" {
		return listRegions(env, set, *kind)
	}
	if id == "" {
		return fmt.Errorf("%w: regions show needs a region id, e.g. 'carbonbudget regions show USA'", ErrUsage)
	}
	return showRegion(env, set, id)
}

// listRegions prints the region table with each region's land and ocean
// area.
func listRegions(env *Env, set *regions.Set, kind string) error {
	ones := make([]float32, set.Grid().Cells())
	for i := range ones {
		ones[i] = 1
	}
	land, ocean := set.SumLand(ones), set.SumOcean(ones)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND\tLAND_MKM2\tOCEAN_MKM2")
	for i, r := range set.Regions() {
		if kind != "" && r.Kind != kind {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.4f\t%.4f\n", r.ID, r.Name, r.Kind, land[i]/1e12, ocean[i]/1e12)
	}
	return tw.Flush()
}

// showRegion prints one region's cells and areas; id may also be a
// country name ("United States").
func showRegion(env *Env, set *regions.Set, id string) error {
	r, ok := set.Lookup(id)
	if !ok {
		if m, found := set.ResolveName(id); found && len(m.Members) == 1 {
			r, ok = set.Lookup(m.ID)
		}
	}
	if !ok {
		return fmt.Errorf("unknown region %q; 'carbonbudget regions list' shows the ids", id)
	}
	g := set.Grid()
	cells, weights, err := set.SparseWeights(r.ID)
	if err != nil {
		return err
	}
	land, _ := set.LandWeights(r.ID)
	ocean, _ := set.OceanWeights(r.ID)
	var areaM2 float64
	for j, c := range cells {
		row, _ := g.RowCol(int(c))
		areaM2 += g.RowAreaM2(row) * float64(weights[j])
	}
	fmt.Fprintf(env.Stdout, "region      %s (%s, %s)\n", r.ID, r.Name, r.Kind)
	fmt.Fprintf(env.Stdout, "grid        %v\n", g)
	fmt.Fprintf(env.Stdout, "cells       %d (with a weight above 0)\n", len(cells))
	fmt.Fprintf(env.Stdout, "land area   %.4f million km²\n", g.TotalAreaM2(land)/1e12)
	fmt.Fprintf(env.Stdout, "ocean area  %.4f million km²\n", g.TotalAreaM2(ocean)/1e12)
	fmt.Fprintf(env.Stdout, "area        %.4f million km² (Σ cell area × weight)\n", areaM2/1e12)
	return nil
}
