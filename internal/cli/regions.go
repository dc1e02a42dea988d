package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/regions"
)

func runRegions(_ context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage:\n  carbonbudget regions list [--res 1] [--kind country|reccap2-land|reccap2-ocean|band|special|global]\n  carbonbudget regions show ID [--res 1]")
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
		id = fs.Arg(0)
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

func listRegions(env *Env, set *regions.Set, kind string) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND")
	n := 0
	for _, r := range set.Regions() {
		if kind != "" && r.Kind != kind {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Name, r.Kind)
		n++
	}
	if n == 0 {
		return fmt.Errorf("%w: no regions of kind %q", ErrUsage, kind)
	}
	return tw.Flush()
}

func showRegion(env *Env, set *regions.Set, id string) error {
	r, ok := set.Lookup(id)
	if !ok {
		return fmt.Errorf("unknown region %q; 'carbonbudget regions list' shows the ids", id)
	}
	g := set.Grid()
	land, _ := set.Weights(id)
	ocean, _ := set.OceanWeights(id)
	cells := 0
	for i := range land {
		if land[i] > 0 || ocean[i] > 0 {
			cells++
		}
	}
	fmt.Fprintf(env.Stdout, "region      %s (%s, %s)\n", r.ID, r.Name, r.Kind)
	fmt.Fprintf(env.Stdout, "grid        %v\n", g)
	fmt.Fprintf(env.Stdout, "cells       %d\n", cells)
	fmt.Fprintf(env.Stdout, "land area   %.4f million km²\n", g.TotalAreaM2(land)/1e12)
	fmt.Fprintf(env.Stdout, "ocean area  %.4f million km²\n", g.TotalAreaM2(ocean)/1e12)
	fmt.Fprintf(env.Stdout, "area        %.4f million km²\n", (g.TotalAreaM2(land)+g.TotalAreaM2(ocean))/1e12)
	return nil
}
