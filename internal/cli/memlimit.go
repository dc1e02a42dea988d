package cli

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// applyMemoryLimit gives the Go garbage collector a soft memory limit of
// half the memory the process may use (the machine's, or its cgroup's when
// that is lower), and at most 1.75 GiB, unless GOMEMLIMIT sets one. Without
// a limit the heap grows to twice its live size before a collection
// (GOGC=100): the first run at 0.25° (training on three years) peaked at
// 8.2 GiB under a limit of half a 23 GiB machine, and at 3.65 GiB under
// 3 GiB, about as fast; the 1° demo at 5.2 GiB and 2.8 GiB. With the cube
// cache at 512 MiB (cubes that leave it read back from the page cache at
// copy speed), training 25 years at 1° peaks at 1.9 GiB under 1.75 GiB
// against 3.0 GiB under 3 GiB. A run whose live data needs more (many
// members at 0.25°) should set GOMEMLIMIT: past the limit the collector
// runs all the time.
func applyMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	meminfo, _ := os.ReadFile("/proc/meminfo")
	cgroup, _ := os.ReadFile("/sys/fs/cgroup/memory.max")
	if limit := softMemoryLimit(string(meminfo), string(cgroup)); limit > 0 {
		debug.SetMemoryLimit(limit)
	}
}

// softMemoryLimit is half the smaller of MemTotal in meminfo (/proc/meminfo)
// and the cgroup v2 limit in memoryMax ("max" or bytes); 0 when neither is
// known.
func softMemoryLimit(meminfo, memoryMax string) int64 {
	var total int64
	sc := bufio.NewScanner(strings.NewReader(meminfo))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				total = kb << 10
			}
		}
	}
	if b, err := strconv.ParseInt(strings.TrimSpace(memoryMax), 10, 64); err == nil && b > 0 && (total == 0 || b < total) {
		total = b
	}
	return min(total/2, maxSoftLimit)
}

// maxSoftLimit caps the default soft memory limit.
const maxSoftLimit = 1792 << 20
