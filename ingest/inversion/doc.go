// Package inversion reads the monthly surface-flux files of atmospheric
// inversions (top-down estimates of where CO₂ enters and leaves the
// surface) into fields on the product's native grid.
//
// Three layouts are known (docs/real-data.md, "Atmospheric inversions"):
//
//   - "carbontracker": NOAA GML CarbonTracker / CT-NRT monthly 1°×1° flux
//     files (bio_flux_opt, ocn_flux_opt, fire_flux_imp, fossil_flux_imp, in
//     mol CO₂ m⁻² s⁻¹, positive to the atmosphere);
//   - "cams": the CAMS global greenhouse-gas inversion's monthly-mean surface
//     fluxes (flux_apos_bio, flux_apos_ocean, flux_foss, in kgC m⁻² month⁻¹,
//     positive to the atmosphere);
//   - "cf": a generic CF file whose land and ocean fluxes are found by
//     standard_name, with the direction taken from the standard_name or the
//     positive attribute and the units from the file.
//
// Every field comes back in g C m⁻² month⁻¹ per m² of grid cell (not of
// land or ocean: inversions spread a cell's flux over the whole cell),
// positive INTO the surface, the month cube's convention for nbp and
// fgco2. Rates per second become amounts per month with the month's true
// length. Fill values, packing, 0..360 longitudes and south-to-north
// latitudes are handled by ingest/netcdf; units are converted by
// ingest/units.
//
// A file is refused, with its path, variable and month, when the month is
// not in it, a variable is absent or has unknown or missing units, a value
// is not finite, or a value exceeds MaxAbsGPerM2Month.
package inversion
