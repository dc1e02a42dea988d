package twin

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// ConfigName is the configuration the twin writes next to its files.
const ConfigName = "carbonbudget.yaml"

// configYAML points every source at the twin's files (the same layout as
// the embedded default configuration), trains the emulators from the
// first simulated year, starts the operational job a year later (the
// emulators need a year to train on) and keeps the default baseline where
// the years allow it.
func configYAML(opt Options) string {
	from, to := baselineYears(opt)
	var b strings.Builder
	fmt.Fprintf(&b, "# carbonbudget configuration for the twin world written by 'carbonbudget synth'\n")
	fmt.Fprintf(&b, "# (seed %d, %d-%d at %g°). Paths are relative to this file. Run:\n", opt.Seed, opt.FromYear, opt.ToYear, opt.ResDeg)
	fmt.Fprintf(&b, "#   carbonbudget run --config %s\n", ConfigName)
	fmt.Fprintf(&b, "# The true fluxes are under truth/; the pipeline never reads them.\n\n")
	fmt.Fprintf(&b, "resolution_deg: %g\ninput_dir: .\noutput_dir: carbonbudget-out\nwork_dir: carbonbudget-out/.work\nmodels_dir: carbonbudget-out/models\n", opt.ResDeg)
	fmt.Fprintf(&b, "start: \"%04d-01\"\n", min(opt.FromYear+1, opt.ToYear))
	fmt.Fprintf(&b, "train_from_year: %d\n", opt.FromYear)
	fmt.Fprintf(&b, "baseline:\n  from_year: %d\n  to_year: %d\n\n", from, to)
	b.WriteString(configSources)
	return b.String()
}

// baselineYears is the default baseline 2015–2022 where the simulated
// years allow it, else the years before the last.
func baselineYears(opt Options) (from, to int) {
	from, to = 2015, 2022
	if from < opt.FromYear || to > opt.ToYear-1 {
		from, to = opt.FromYear, max(opt.FromYear, opt.ToYear-1)
	}
	return from, to
}

// configSources is the sources and inversions sections of
// internal/config/default.yaml:
// the twin writes exactly these paths and variable names.
const configSources = `sources:
  era5:
    path: era5/era5_monthly_{yyyy}.nc
    variables: {t2m: t2m, tp: tp, ssrd: ssrd, swvl1: swvl1, si10: si10, sst: sst, siconc: siconc, msl: msl}
  ocean_reanalysis:
    path: ocean/ocean_reanalysis_{yyyy}.nc
    variables: {mlotst: mlotst, so: so}
  chlorophyll:
    path: ocean/chlorophyll_{yyyy}.nc
    variables: {chl: chlor_a}
  ndvi:
    path: ndvi/ndvi_{yyyy}{mm}.tif
  fire:
    path: fire/GFED_monthly_{yyyy}.nc
    variables: {fire_c: C}
  socat:
    path: socat/SOCATv_{yyyy}{mm}.tsv
    late: true
  co2_monthly:
    path: noaa/co2_mm_gl.txt
  co2_growth:
    path: noaa/co2_gr_gl.txt
  fossil:
    path: carbon_monitor/carbonmonitor-global_datas.csv
  land_use:
    path: gcb/land_use_change_emissions.csv
  cement:
    path: gcb/cement_carbonation_sink.csv
  trendy:
    path: trendy/{model}_S2_nbp.nc
    models: [TWIN-LPJ, TWIN-ORCH, TWIN-JULES]
    variables: {nbp: nbp}
  gobm:
    path: gobm/{model}_fgco2.nc
    models: [TWIN-NEMO, TWIN-MOM, TWIN-MPI]
    variables: {fgco2: fgco2}
inversions:
  - name: CT-NRT
    layout: carbontracker
    path: inversions/CT-NRT/CT-NRT.v2025-1.flux1x1.{yyyy}{mm}.nc
  - name: CAMS
    layout: cams
    path: inversions/CAMS/cams73_latest_co2_flux_surface_mm_{yyyy}{mm}.nc
`

func writeConfig(dir string, opt Options) error {
	return durable.WriteFile(filepath.Join(dir, ConfigName), func(w io.Writer) error {
		_, err := io.WriteString(w, configYAML(opt))
		return err
	})
}
