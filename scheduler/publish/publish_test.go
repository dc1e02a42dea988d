package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"golang.org/x/sys/unix"
)

var feb = grid.Month{Year: 2023, Month: 2}

func TestUnitOf(t *testing.T) {
	tests := []struct {
		rel, want string
		ok        bool
	}{
		{"months/2023-02/budget.json", "months/2023-02", true},
		{"months/2023-02/maps/a.png", "months/2023-02", true},
		{"grid/year=2023/month=02/part-0.parquet", "grid/year=2023/month=02", true},
		{"a/2023-02/b/2023-02/c", "a/2023-02", true},
		{"grid/year=2022/month=02/part-0.parquet", "", false},
		{"grid/month=02/part-0.parquet", "", false},
		{"months/2023-03/budget.json", "", false},
		{"months/2023-02", "", false}, // a file named for the month is not in a month directory
		{"budget.json", "", false},
	}
	for _, tt := range tests {
		got, ok := unitOf(tt.rel, feb)
		if got != tt.want || ok != tt.ok {
			t.Errorf("unitOf(%q) = %q, %v; want %q, %v", tt.rel, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMonthReplacesWholeUnits(t *testing.T) {
	out := t.TempDir()
	mustPublish(t, out, feb, 1) // odd: has odd-only.bin
	if g, err := readMonth(out, feb); err != nil || g != 1 {
		t.Fatalf("after gen 1: gen %d, %v", g, err)
	}
	sums := mustPublish(t, out, feb, 2)
	if g, err := readMonth(out, feb); err != nil || g != 2 {
		t.Fatalf("after gen 2: gen %d, %v (a file of gen 1 left behind?)", g, err)
	}
	if _, err := os.Stat(filepath.Join(out, "months/2023-02/odd-only.bin")); !os.IsNotExist(err) {
		t.Errorf("odd-only.bin of gen 1 survived the publish of gen 2: %v", err)
	}
	if len(sums) != 6 {
		t.Errorf("got %d checksums, want 6 (3 files in each of 2 units): %v", len(sums), sums)
	}
	for rel, want := range sums {
		data, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatalf("checksum key %q: %v", rel, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != want {
			t.Errorf("%s: checksum does not match the published file", rel)
		}
	}
	if l := leftovers(t, out); len(l) != 0 {
		t.Errorf("leftovers after a clean publish: %v", l)
	}
	if fi, _ := os.Stat(filepath.Join(out, "months/2023-02")); fi.Mode().Perm() != 0o755 {
		t.Errorf("month directory mode %v, want 0755 (readable by the server)", fi.Mode().Perm())
	}
}

func TestOtherMonthsUntouched(t *testing.T) {
	out := t.TempDir()
	jan := grid.Month{Year: 2023, Month: 1}
	mustPublish(t, out, jan, 1)
	before, _, _ := identity(filepath.Join(out, "months/2023-01"))
	mustPublish(t, out, feb, 2)
	after, _, _ := identity(filepath.Join(out, "months/2023-01"))
	if g, err := readMonth(out, jan); err != nil || g != 1 || before != after {
		t.Fatalf("January after publishing February: gen %d, %v, same dir %v", g, err, before == after)
	}
}

func TestMonthErrorsKeepPrevious(t *testing.T) {
	boom := errors.New("ocean stage exploded")
	tests := []struct {
		name    string
		stage   func(dir string) error
		wantErr error
	}{
		{"stage fails halfway", func(dir string) error {
			os.MkdirAll(filepath.Join(dir, "months/2023-02"), 0o755)
			os.WriteFile(filepath.Join(dir, "months/2023-02/part-0.bin"), []byte("half"), 0o644)
			return boom
		}, boom},
		{"file outside a month directory", func(dir string) error {
			writeMonth(dir, feb, 2, 10)
			os.MkdirAll(filepath.Join(dir, "grid"), 0o755)
			return os.WriteFile(filepath.Join(dir, "grid/all.parquet"), []byte("x"), 0o644)
		}, ErrOutsideMonth},
		{"file of another month", func(dir string) error {
			return writeMonth(dir, grid.Month{Year: 2023, Month: 3}, 2, 10)
		}, ErrOutsideMonth},
		{"nothing staged", func(dir string) error { return nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			mustPublish(t, out, feb, 1)
			_, err := Month(out, feb, tt.stage)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if g, err := readMonth(out, feb); err != nil || g != 1 {
				t.Fatalf("previous month after a failed publish: gen %d, %v", g, err)
			}
			if l := leftovers(t, out); len(l) != 0 {
				t.Errorf("leftovers after a failed publish: %v", l)
			}
		})
	}
}

func TestFallbackWithoutExchange(t *testing.T) {
	saved := exchange
	defer func() { exchange = saved }()
	calls := 0
	exchange = func(a, b string) error { calls++; return unix.EINVAL }
	out := t.TempDir()
	mustPublish(t, out, feb, 1)
	mustPublish(t, out, feb, 2)
	if g, err := readMonth(out, feb); err != nil || g != 2 {
		t.Fatalf("after the fallback swap: gen %d, %v", g, err)
	}
	if calls != 2 {
		t.Errorf("exchange tried %d times, want 2 (once per existing unit)", calls)
	}
	if l := leftovers(t, out); len(l) != 0 {
		t.Errorf("leftovers: %v", l)
	}
}

func TestRecoverRemovesOrphans(t *testing.T) {
	out := t.TempDir()
	mustPublish(t, out, feb, 1)
	orphan := filepath.Join(out, stagingPrefix+"2023-03-123")
	writeMonth(orphan, grid.Month{Year: 2023, Month: 3}, 5, 10)
	os.WriteFile(filepath.Join(out, "."+journalPrefix+"2023-03.json.tmp-123"), []byte("{"), 0o644)
	os.WriteFile(filepath.Join(out, ".budget_monthly.parquet.tmp-456"), []byte("PAR1"), 0o644) // a table write killed
	os.WriteFile(filepath.Join(out, ".lock"), nil, 0o644)                                      // not ours: must stay
	rep, err := Recover(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"." + journalPrefix + "2023-03.json.tmp-123", ".budget_monthly.parquet.tmp-456", stagingPrefix + "2023-03-123"}
	slices.Sort(rep.Removed)
	if !slices.Equal(rep.Removed, want) || len(rep.RolledForward) != 0 {
		t.Errorf("Recover report %+v, want removed %v", rep, want)
	}
	if l := leftovers(t, out); !slices.Equal(l, []string{".lock"}) {
		t.Errorf("after Recover: %v, want only .lock", l)
	}
	if g, err := readMonth(out, feb); err != nil || g != 1 {
		t.Errorf("published month after Recover: gen %d, %v", g, err)
	}
	if _, err := Recover(filepath.Join(out, "absent")); err != nil {
		t.Errorf("Recover of a missing directory: %v", err)
	}
}
