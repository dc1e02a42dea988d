package twin

import (
	"context"
	"errors"
	"io"
	"math"
)

// The parts of a planted event's perturbation: its warming (heat), its
// precipitation factor (water) and its fire factor (fire).
const (
	causeHeat  = "heat"
	causeWater = "water"
	causeFire  = "fire"
)

// A partSet is a set of the parts, one bit each.
type partSet uint8

const (
	partHeat partSet = 1 << iota
	partWater
	partFire
	allParts = partHeat | partWater | partFire
)

func (s partSet) has(p partSet) bool { return s&p != 0 }

// causeParts names the parts in bit order.
var causeParts = []struct {
	name string
	bit  partSet
}{{causeHeat, partHeat}, {causeWater, partWater}, {causeFire, partFire}}

// causeLagMonths is how long after an event its effect on the land is
// counted: the findings look up to three months after (the land responds
// late: soil water, greenness).
const causeLagMonths = 3

// extremeCauses measures what moved the truth's land carbon in each land
// event of w, the world just written (full: its sums with every part,
// addEventCarbon). Every event perturbs temperature, precipitation and
// fire at once, as real compound events do, so which perturbation moved
// the carbon most is measured here, not assumed from the event's kind
// (the twin's first "heatwaves" lost about 0.6 GtC to their rain deficit
// and 0.1 GtC to their warmth; events are now planted so that the two
// agree, and this is what checks it). The world is run again with every other subset
// of the parts, and the change of the truth's NBP over the event's cells
// in its months and the three after is split in the terms the findings
// use, where the observed fire emissions are a driver of their own:
//   - fire: the change of the fire emissions (NBP counts them as a loss),
//     whatever made them burn: the boosted fire factor, and the dry and
//     hot fuel;
//   - heat, water and fire again: the change of the rest of NBP (NBP plus
//     the fire emissions: productivity, respiration, drought mortality),
//     each part's Shapley value: its marginal effect averaged over the
//     orders in which the parts can be added, which shares their
//     interactions fairly and adds up to the whole change.
//
// GtC per event name and part, adding up to the event's change of NBP;
// negative: land lost carbon.
//
// The counterfactual worlds compute only the chunks of rows under a land
// event and replay the written world's sums for the others, which at 1°
// cuts their cost by a quarter; the global sums that drive the
// atmosphere still see the events' changes, and the cells left out are
// those no event sum reads (they would differ only through the small
// change of CO₂).
func (w *World) extremeCauses(ctx context.Context, full map[string]eventCarbon) (map[string]map[string]float64, error) {
	v := map[partSet]map[string]eventCarbon{allParts: full}
	only := w.eventChunks()
	for on := partSet(0); on < allParts; on++ {
		sums, err := eventSums(ctx, w.masks, w.opt, &counterfactual{off: allParts &^ on, only: only, replay: w.chunkLog})
		if err != nil {
			return nil, err
		}
		v[on] = sums
	}
	out := map[string]map[string]float64{}
	for name := range full {
		rest := map[partSet]float64{}
		for s, sums := range v {
			rest[s] = sums[name].nbpGtC + sums[name].fireGtC
		}
		effects := shapley(rest)
		effects[causeFire] -= v[allParts][name].fireGtC - v[0][name].fireGtC
		out[name] = effects
	}
	return out, nil
}

// eventCarbon is the truth's NBP (into the land) and fire emissions (out
// of it) over an event's cells and months, GtC.
type eventCarbon struct{ nbpGtC, fireGtC float64 }

// A counterfactual is one of extremeCauses' worlds: the parts of the
// events it leaves out, the chunks of rows it computes, and the written
// world's chunk sums of every runChunks call, replayed for the others.
type counterfactual struct {
	off    partSet
	only   []bool
	replay [][]sums
}

// eventWeightCut is the least event weight a cell counts with in the
// events' sums: the weights fall off smoothly (ramp) and are nowhere quite
// zero, and this keeps the counterfactuals' chunks to about 7° around the
// events' footprints.
const eventWeightCut = 1e-6

// eventChunks marks the chunks of rows (chunkRows each) in which a land
// event has weight.
func (w *World) eventChunks() []bool {
	n := w.geo.g.NLon
	only := make([]bool, (w.geo.g.NLat+chunkRows-1)/chunkRows)
	for j := range events {
		if events[j].ocean {
			continue
		}
		for i, wt := range w.eventW[j] {
			if wt >= eventWeightCut {
				only[i/n/chunkRows] = true
			}
		}
	}
	return only
}

// shapley is each part's Shapley value of the game v (a value for every
// set of parts on): its marginal effect averaged over the orders in which
// the parts can be added. The values add up to v(all) − v(none).
func shapley(v map[partSet]float64) map[string]float64 {
	out := map[string]float64{}
	for _, p := range causeParts {
		var phi float64
		for s := partSet(0); s <= allParts; s++ {
			if !s.has(p.bit) {
				phi += shapleyWeight(s) * (v[s|p.bit] - v[s])
			}
		}
		out[p.name] = phi
	}
	return out
}

// shapleyWeight is |S|!(n−|S|−1)!/n! for n = 3 parts.
func shapleyWeight(s partSet) float64 {
	switch bitsOn(s) {
	case 1:
		return 1.0 / 6
	default: // 0 or 2
		return 1.0 / 3
	}
}

func bitsOn(s partSet) int {
	n := 0
	for ; s != 0; s &= s - 1 {
		n++
	}
	return n
}

// eventSums runs the counterfactual world cf of opt and sums the truth's
// carbon over each land event's weights in its months and the
// causeLagMonths after.
func eventSums(ctx context.Context, masks LandMasks, opt Options, cf *counterfactual) (map[string]eventCarbon, error) {
	w, err := newWorld(masks, opt, cf)
	if err != nil {
		return nil, err
	}
	out := map[string]eventCarbon{}
	var f *MonthFields
	for {
		// Each month is summed before the next, so one set of fields serves.
		f, err = w.step(ctx, f)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		w.addEventCarbon(out, f)
	}
}

// addEventCarbon adds month f's truth NBP and fire emissions over each
// land event's weights to sums, in the event's months and the
// causeLagMonths after.
func (w *World) addEventCarbon(sums map[string]eventCarbon, f *MonthFields) {
	for j := range events {
		e := &events[j]
		if e.ocean || f.Month.Before(e.from) || e.to.Add(causeLagMonths).Before(f.Month) {
			continue
		}
		s := sums[e.name]
		s.nbpGtC += w.weightedLandGtC(f.NBP, w.eventW[j])
		s.fireGtC += w.weightedLandGtC(f.Fire, w.eventW[j])
		sums[e.name] = s
	}
}

// weightedLandGtC is Σ v·weight·area·land over the cells of weight at
// least eventWeightCut, v in g C m⁻² of land, in GtC.
func (w *World) weightedLandGtC(v, weight []float32) float64 {
	var s float64
	n := w.geo.g.NLon
	for i, wt := range weight {
		if wt < eventWeightCut || v[i] != v[i] {
			continue
		}
		s += float64(v[i]) * float64(wt) * float64(w.geo.land[i]) * w.geo.areaM2[i/n]
	}
	return s / 1e15
}

// mainCause is the part whose effect is the largest the way the parts
// together moved the carbon, or "" without any.
func mainCause(effects map[string]float64) string {
	var total float64
	for _, v := range effects {
		total += v
	}
	best, bv := "", 0.0
	for _, p := range causeParts {
		if v := effects[p.name] * math.Copysign(1, total); v > bv {
			best, bv = p.name, v
		}
	}
	return best
}
