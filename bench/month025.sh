#!/bin/sh
# bench/month025.sh: issue 20's 0.25° figures, in a fresh directory. Writes
# a 0.25° twin world for 2021-2024, runs 2024-10 from nothing (training on
# 2021-2023 first: the first run) and then 2024-11 from the trained state
# (a month's update), and prints for each the wall time, the peak RSS, the
# stage times the run logged, and the machine's load average before it.
# Targets: the update within 10 s and 2 GiB, the first run within 4 GiB.
# Needs about 3 GB of disk and 15 minutes on 2 cores.
# Usage: bench/month025.sh [work-dir]   (default: a temporary directory)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
(cd "$root" && go build -o "$work/carbonbudget" ./cmd/carbonbudget)
cd "$work"
bin=./carbonbudget
if [ ! -f twin/carbonbudget.yaml ]; then
	$bin synth --out twin --years 2021-2024 --res 0.25 --no-truth-grid >synth.log 2>&1
fi
rm -rf twin/carbonbudget-out
for step in "first 2024-10" "update 2024-11"; do
	set -- $step
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$(date +%s.%N)
	/usr/bin/time -f '%e %M' -o "$1.time" $bin run --month "$2" --config twin/carbonbudget.yaml >"$1.log" 2>&1 || {
		tail -20 "$1.log"
		exit 1
	}
	read -r wall rss <"$1.time"
	stages=$(grep 'msg="month done"' "$1.log" | sed 's/.*seconds="map\[\(.*\)\]".*/\1/')
	began=$(date -d "$(grep -m1 'msg=run ' "$1.log" | sed 's/^time=\([^ ]*\).*/\1/')" +%s.%N)
	startup=$(awk "BEGIN { printf \"%.1f\", $began - $t0 }")
	echo "$1 run ($2): ${wall} s wall, $((rss / 1024)) MB peak RSS; before the run began: ${startup} s (loading, training); stages (s): $stages; load before: $load"
done
echo "on $(nproc) cores; work directory: $work"
