package cli

import "testing"

func TestSoftMemoryLimit(t *testing.T) {
	const meminfo = "MemTotal:        3000000 kB\nMemFree:         1000 kB\n"
	const big = "MemTotal:       24000000 kB\n"
	tests := []struct {
		name, meminfo, cgroup string
		want                  int64
	}{
		{"machine", meminfo, "", 3000000 << 10 / 2},
		{"cgroup without a limit", meminfo, "max\n", 3000000 << 10 / 2},
		{"cgroup below the machine", meminfo, "2147483648\n", 1073741824},
		{"cgroup above the machine", meminfo, "99999999999999\n", 3000000 << 10 / 2},
		{"a large machine: the cap", big, "", 1792 << 20},
		{"cgroup only", "", "2147483648", 1073741824},
		{"nothing known", "", "", 0},
		{"garbage", "MemTotal: lots kB\n", "none", 0},
	}
	for _, tt := range tests {
		if got := softMemoryLimit(tt.meminfo, tt.cgroup); got != tt.want {
			t.Errorf("%s: softMemoryLimit = %d, want %d", tt.name, got, tt.want)
		}
	}
}
