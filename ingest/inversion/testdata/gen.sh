#!/bin/sh
# Writes the CDL of the reader's test files and turns each into netCDF with
# ncgen (netcdf-bin). The structures follow docs/real-data.md, "Atmospheric
# inversions"; the values are made up. Run from this directory: sh gen.sh
set -e

# rep N V: N copies of V, comma separated (a 4×8 field is 32 values).
rep() { n=$1; v=$2; out=$v; i=1; while [ $i -lt $n ]; do out="$out, $v"; i=$((i+1)); done; echo "$out"; }

# ct FILE BIO_UNITS BIO_FIRST OCEAN? FILL?: a CarbonTracker flux1x1 month
# (February 2023) on a 4×8 grid, latitudes south to north, longitudes
# -157.5..157.5, fluxes in mol m-2 s-1 positive to the atmosphere. The
# first bio value (southernmost row, westernmost column) is BIO_FIRST.
ct() {
	file=$1 units=$2 first=$3 ocean=$4
	{
	echo "netcdf ${file%.cdl} {"
	echo "dimensions: date = UNLIMITED ; latitude = 4 ; longitude = 8 ;"
	echo "variables:"
	echo "  double date(date) ; date:units = \"days since 2000-01-01 00:00:00 UTC\" ; date:calendar = \"standard\" ;"
	echo "  float latitude(latitude) ; latitude:units = \"degrees_north\" ;"
	echo "  float longitude(longitude) ; longitude:units = \"degrees_east\" ;"
	echo "  float bio_flux_opt(date, latitude, longitude) ; bio_flux_opt:units = \"$units\" ; bio_flux_opt:_FillValue = -1.e+34f ;"
	echo "    bio_flux_opt:long_name = \"terrestrial biosphere CO2 flux, optimized\" ;"
	if [ "$ocean" = yes ]; then
	echo "  float ocn_flux_opt(date, latitude, longitude) ; ocn_flux_opt:units = \"mol m-2 s-1\" ;"
	fi
	echo "  float fire_flux_imp(date, latitude, longitude) ; fire_flux_imp:units = \"mol m-2 s-1\" ;"
	echo "  float fossil_flux_imp(date, latitude, longitude) ; fossil_flux_imp:units = \"mol m-2 s-1\" ;"
	echo "  float cell_area(latitude, longitude) ; cell_area:units = \"m2\" ;"
	echo "// global attributes:"
	echo "  :Conventions = \"CF-1.5\" ; :comment = \"synthetic test file in the CT-NRT monthly flux1x1 structure\" ;"
	echo "data:"
	echo " date = 8446 ;"
	echo " latitude = -67.5, -22.5, 22.5, 67.5 ;"
	echo " longitude = -157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5 ;"
	echo " bio_flux_opt = $first, $(rep 31 1e-06) ;"
	if [ "$ocean" = yes ]; then
	echo " ocn_flux_opt = $(rep 32 -2e-07) ;"
	fi
	echo " fire_flux_imp = $(rep 32 5e-08) ;"
	echo " fossil_flux_imp = $(rep 32 3e-07) ;"
	echo " cell_area = $(rep 32 1) ;"
	echo "}"
	} > "$file"
}

# cams FILE BIO OCEAN_UNITS_ATTR: a CAMS monthly-mean surface flux month
# (February 2023) on a 4×8 grid, latitudes north to south, longitudes
# 0..315, fluxes in kgC m-2 month-1 positive to the atmosphere; the ocean
# flux is int16 packed (scale_factor 1e-4).
cams() {
	file=$1 bio=$2 ounits=$3
	{
	echo "netcdf ${file%.cdl} {"
	echo "dimensions: time = 1 ; latitude = 4 ; longitude = 8 ;"
	echo "variables:"
	echo "  double time(time) ; time:units = \"hours since 2023-01-01 00:00:00\" ; time:calendar = \"gregorian\" ;"
	echo "  float latitude(latitude) ; latitude:units = \"degrees_north\" ;"
	echo "  float longitude(longitude) ; longitude:units = \"degrees_east\" ;"
	echo "  float area(latitude, longitude) ; area:units = \"m2\" ;"
	echo "  float flux_apos_bio(time, latitude, longitude) ; flux_apos_bio:units = \"kgC m-2 month-1\" ; flux_apos_bio:long_name = \"Posterior land flux (natural + biomass burning)\" ;"
	echo "  short flux_apos_ocean(time, latitude, longitude) ; $ounits flux_apos_ocean:scale_factor = 1.e-04f ; flux_apos_ocean:add_offset = 0.f ; flux_apos_ocean:_FillValue = -32767s ;"
	echo "  float flux_foss(time, latitude, longitude) ; flux_foss:units = \"kgC m-2 month-1\" ;"
	echo "  float flux_apri_bio(time, latitude, longitude) ; flux_apri_bio:units = \"kgC m-2 month-1\" ;"
	echo "  float lsf(latitude, longitude) ;"
	echo "// global attributes:"
	echo "  :comment = \"synthetic test file in the CAMS monthly-mean surface flux structure\" ;"
	echo "data:"
	echo " time = 1068 ;"
	echo " latitude = 67.5, 22.5, -22.5, -67.5 ;"
	echo " longitude = 0, 45, 90, 135, 180, 225, 270, 315 ;"
	echo " area = $(rep 32 1) ;"
	echo " flux_apos_bio = $(rep 32 $bio) ;"
	echo " flux_apos_ocean = $(rep 32 -50) ;"
	echo " flux_foss = $(rep 32 0.02) ;"
	echo " flux_apri_bio = $(rep 32 0.005) ;"
	echo " lsf = $(rep 32 0.5) ;"
	echo "}"
	} > "$file"
}

# cf FILE LAND_STD: a generic CF month (February 2023): land flux in
# kg m-2 s-1 with standard_name LAND_STD (none when empty), ocean fgco2
# in mol m-2 s-1 positive down.
cf() {
	file=$1 std=$2
	{
	echo "netcdf ${file%.cdl} {"
	echo "dimensions: time = 2 ; lat = 4 ; lon = 8 ;"
	echo "variables:"
	echo "  double time(time) ; time:units = \"days since 2023-01-01\" ; time:calendar = \"noleap\" ; time:standard_name = \"time\" ;"
	echo "  double lat(lat) ; lat:units = \"degrees_north\" ; lat:standard_name = \"latitude\" ;"
	echo "  double lon(lon) ; lon:units = \"degrees_east\" ; lon:standard_name = \"longitude\" ;"
	if [ -n "$std" ]; then
	echo "  float land_flux(time, lat, lon) ; land_flux:units = \"kg m-2 s-1\" ; land_flux:standard_name = \"$std\" ;"
	else
	echo "  float land_flux(time, lat, lon) ; land_flux:units = \"kg m-2 s-1\" ;"
	fi
	echo "  float fgco2(time, lat, lon) ; fgco2:units = \"mol m-2 s-1\" ; fgco2:standard_name = \"surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon\" ; fgco2:positive = \"down\" ;"
	echo "data:"
	echo " time = 15.5, 45 ;"
	echo " lat = -67.5, -22.5, 22.5, 67.5 ;"
	echo " lon = -157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5 ;"
	echo " land_flux = $(rep 32 5e-10), $(rep 32 1e-09) ;"
	echo " fgco2 = $(rep 32 2e-08), $(rep 32 1e-08) ;"
	echo "}"
	} > "$file"
}

ct ct-2023-02.cdl "mol m-2 s-1" 2e-06 yes
ct ct-bad-units.cdl "furlongs fortnight-1" 1e-06 yes
ct ct-no-units.cdl "" 1e-06 yes
sed -i 's/ bio_flux_opt:units = "" ;//' ct-no-units.cdl
ct ct-no-ocean.cdl "mol m-2 s-1" 1e-06 no
ct ct-fill.cdl "mol m-2 s-1" -1.e+34f yes
ct ct-huge.cdl "mol m-2 s-1" 0.1 yes
cams cams-2023-02.cdl 0.01 'flux_apos_ocean:units = "kgC m-2 month-1" ;'
cams cams-no-units.cdl 0.01 ''
cf cf-2023-02.cdl surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes
cf cf-no-direction.cdl ""
# A file carrying both CarbonTracker's and CAMS's variables fits two layouts.
sed -e 's/^netcdf ct-2023-02/netcdf both/' -e 's/  float cell_area/  float flux_apos_bio(date, latitude, longitude) ; flux_apos_bio:units = "kgC m-2 month-1" ;\n  float flux_apos_ocean(date, latitude, longitude) ; flux_apos_ocean:units = "kgC m-2 month-1" ;\n  float cell_area/' ct-2023-02.cdl > both.cdl

for f in *.cdl; do ncgen -k nc4 -o "${f%.cdl}.nc" "$f"; done
