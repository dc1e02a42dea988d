#!/bin/sh
# bench/cdo.sh: carbonbudget's grid operations beside CDO's, whole process,
# on the same 12-month 0.25° netCDF file (2 m temperature of a twin world):
# the area-weighted mean of every month (cdo fldmean), and the conservative
# regrid to 1° (cdo remapcon, and cdo remap with weights from cdo gencon
# made beforehand). Prints each time, the ratio ours/CDO's (issue 20:
# at most 0.6) and the load average. Skipped when cdo is absent.
# Usage: bench/cdo.sh [runs]   (default 3; the best of the runs is kept)
set -eu
if ! command -v cdo >/dev/null 2>&1; then
	echo "cdo is not installed (apt-get install cdo): skipped"
	exit 0
fi
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/carbonbudget" ./cmd/carbonbudget
go build -o "$work/gridops" ./bench/gridops
cd "$work"
./carbonbudget synth --out twin --years 2024-2024 --res 0.25 --no-truth-grid >synth.log 2>&1
cdo -s -f nc4 selname,t2m twin/era5/era5_monthly_2024.nc t2m.nc
cdo -s gencon,r360x180 t2m.nc weights.nc
mkdir -p out
# best: the fastest of $runs runs of a command, in seconds.
best() {
	b=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')
		b=$(awk -v b="$b" -v t="$t" 'BEGIN { if (b == "" || t + 0 < b + 0) print t; else print b }')
		i=$((i + 1))
	done
	echo "$b"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
ours_mean=$(best ./gridops fldmean t2m.nc t2m)
cdo_mean=$(best cdo -s fldmean t2m.nc out/mean.nc)
ours_remap=$(best ./gridops remap t2m.nc t2m 1 out)
cdo_remapcon=$(best cdo -s remapcon,r360x180 t2m.nc out/remapcon.nc)
cdo_remap=$(best cdo -s remap,r360x180,weights.nc t2m.nc out/remap.nc)
# Ours deflates its output (level 1 after the shuffle filter) and CDO by
# default does not: the same remap with CDO deflating too (-z zip_1).
cdo_remap_zip=$(best cdo -s -z zip_1 remap,r360x180,weights.nc t2m.nc out/remap_zip.nc)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "area-weighted mean, 12 months at 0.25°: ours ${ours_mean} s, cdo fldmean ${cdo_mean} s: ratio $(ratio "$ours_mean" "$cdo_mean")"
echo "conservative regrid to 1°: ours ${ours_remap} s, cdo remapcon ${cdo_remapcon} s: ratio $(ratio "$ours_remap" "$cdo_remapcon")"
echo "conservative regrid to 1°: ours ${ours_remap} s, cdo remap with gencon weights ${cdo_remap} s: ratio $(ratio "$ours_remap" "$cdo_remap")"
echo "conservative regrid to 1°, both writing deflated netCDF-4: ours ${ours_remap} s, cdo -z zip_1 remap with gencon weights ${cdo_remap_zip} s: ratio $(ratio "$ours_remap" "$cdo_remap_zip")"
echo "$(cdo -V 2>&1 | head -1); $(nproc) cores; load average before: $load"
