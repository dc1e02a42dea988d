#!/bin/sh
# bench/demo.sh: times the README's main job (`carbonbudget demo`) from
# nothing, in a fresh directory: twin world at 1°, training the seven
# emulators, 24 months, the report. Issue 11's target is 5 minutes on
# 2 cores. Prints the wall time and peak memory, and exits 1 over the
# target. Usage: bench/demo.sh [limit-seconds]   (default 300)
set -eu
limit=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/carbonbudget" ./cmd/carbonbudget)
cd "$work"
load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
/usr/bin/time -f '%e s wall, %M kB peak RSS, %U s user' -o time.txt ./carbonbudget demo --out "$work/out" >demo.log 2>&1 || {
	tail -20 demo.log
	exit 1
}
secs=$(($(date +%s) - start))
sed -n '/^Annual budget/,/^$/p' demo.log
echo "demo: $(cat time.txt) on $(nproc) cores (load average before: $load)"
if [ "$secs" -gt "$limit" ]; then
	echo "demo took ${secs} s, over the ${limit} s target"
	exit 1
fi
