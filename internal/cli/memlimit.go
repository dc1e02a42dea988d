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
// that is lower) unless GOMEMLIMIT sets one. Training keeps 25 years of
// month cubes in memory; without a limit the heap grows to twice its live
// size before a collection (GOGC=100), which took the 1° demo to 5.2 GB
// where 3.2 GB do (measured with GOMEMLIMIT=2500MiB, and no slower), and
// the Go runtime does not read a container's limit by itself.
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
	return total / 2
}
