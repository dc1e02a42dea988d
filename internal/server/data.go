package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/lake"

	"github.com/carbonbudget/carbonbudget/internal/grid"
	"github.com/carbonbudget/carbonbudget/internal/output"
)

// snapshot is one consistent load of the output directory's tables.
type snapshot struct {
	monthly, annual []lake.Row
	regional        []lake.RegionRow
	agreement       []lake.AgreementRow
	findings        []lake.Finding
	byRegion        map[string][]lake.RegionRow
	// byRegionJSON holds each row of byRegion encoded as a JSON object, so
	// a region's series is assembled by copying bytes, not by encoding.
	byRegionJSON map[string][][]byte
	components   map[string]bool
	regions      []regionInfo
	regionIndex  map[string]regionInfo
	months       map[grid.Month]bool // months with a grid file
	latest       grid.Month
	provisional  int
	modTime      time.Time
	etag         string
}

type regionInfo struct {
	ID   string `json:"id" parquet:"id"`
	Name string `json:"name" parquet:"name"`
	Kind string `json:"kind" parquet:"kind"`
}

// store holds the current snapshot and reloads it when the tables change.
type store struct {
	out   string
	every time.Duration
	log   *slog.Logger

	// onReload, when set, runs after a new publication replaced the
	// snapshot (the server empties its caches there).
	onReload func()

	mu      sync.Mutex
	snap    *snapshot
	checked time.Time
}

var tableFiles = []string{"budget_monthly.parquet", "budget_annual.parquet", "regions.parquet"}

func newStore(out string, every time.Duration, log *slog.Logger) (*store, error) {
	if st, err := os.Stat(out); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("serve: output directory %s: not a directory (run 'carbonbudget demo' or 'run' first)", out)
	}
	s := &store{out: out, every: every, log: log}
	snap, err := s.load()
	if err != nil {
		return nil, err
	}
	s.snap = snap
	s.checked = time.Now()
	return s, nil
}

// get returns the current snapshot, reloading it at most every s.every
// when a table file's modification time changed (the pipeline replaces the
// files by rename, so a changed mtime means a new publication).
func (s *store) get() *snapshot {
	snap, reloaded := s.getOrReload()
	if reloaded && s.onReload != nil {
		s.onReload() // outside s.mu: the callback takes the caches' locks
	}
	return snap
}

func (s *store) getOrReload() (*snapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.checked) < s.every {
		return s.snap, false
	}
	s.checked = time.Now()
	if mt := s.modTime(); mt.Equal(s.snap.modTime) {
		return s.snap, false
	}
	snap, err := s.load()
	if err != nil {
		s.log.Warn("reload failed; serving the previous tables", "err", err)
		return s.snap, false
	}
	s.log.Info("reloaded outputs", "months", len(snap.months), "latest", snap.latest)
	s.snap = snap
	return snap, true
}

func (s *store) modTime() time.Time {
	var latest time.Time
	for _, f := range tableFiles {
		if st, err := os.Stat(filepath.Join(s.out, f)); err == nil && st.ModTime().After(latest) {
			latest = st.ModTime()
		}
	}
	return latest
}

func (s *store) load() (*snapshot, error) {
	snap := &snapshot{byRegion: map[string][]lake.RegionRow{}, byRegionJSON: map[string][][]byte{}, components: map[string]bool{}, regionIndex: map[string]regionInfo{}, months: map[grid.Month]bool{}}
	snap.modTime = s.modTime()
	var err error
	if snap.monthly, err = readOptional[lake.Row](filepath.Join(s.out, "budget_monthly.parquet")); err != nil {
		return nil, err
	}
	if snap.annual, err = readOptional[lake.Row](filepath.Join(s.out, "budget_annual.parquet")); err != nil {
		return nil, err
	}
	if snap.regional, err = readOptional[lake.RegionRow](filepath.Join(s.out, "regions.parquet")); err != nil {
		return nil, err
	}
	if snap.agreement, err = readOptional[lake.AgreementRow](filepath.Join(s.out, "agreement.parquet")); err != nil {
		return nil, err
	}
	if snap.findings, err = readOptional[lake.Finding](filepath.Join(s.out, "findings.parquet")); err != nil {
		return nil, err
	}
	for _, r := range snap.regional {
		if _, ok := snap.regionIndex[r.RegionID]; !ok {
			info := regionInfo{r.RegionID, r.Name, r.Kind}
			snap.regionIndex[r.RegionID] = info
			snap.regions = append(snap.regions, info)
		}
		snap.byRegion[r.RegionID] = append(snap.byRegion[r.RegionID], r)
		snap.byRegionJSON[r.RegionID] = append(snap.byRegionJSON[r.RegionID], jsonObject(r))
		snap.components[r.Component] = true
	}
	sort.Slice(snap.regions, func(i, j int) bool {
		if snap.regions[i].Kind != snap.regions[j].Kind {
			return snap.regions[i].Kind < snap.regions[j].Kind
		}
		return snap.regions[i].ID < snap.regions[j].ID
	})
	for _, r := range snap.monthly {
		if r.Provisional {
			snap.provisional++
		}
	}
	snap.months = gridMonths(s.out)
	for m := range snap.months {
		if snap.latest.Before(m) {
			snap.latest = m
		}
	}
	h := sha256.Sum256([]byte(snap.modTime.String() + fmt.Sprint(len(snap.months))))
	snap.etag = hex.EncodeToString(h[:8])
	return snap, nil
}

func readOptional[T any](path string) ([]T, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return output.ReadParquet[T](path)
}

// gridMonths lists the months whose grid file exists, by parsing the
// partition directory names (never by trusting a request).
func gridMonths(out string) map[grid.Month]bool {
	months := map[grid.Month]bool{}
	years, _ := os.ReadDir(filepath.Join(out, "grid"))
	for _, y := range years {
		var year int
		if _, err := fmt.Sscanf(y.Name(), "year=%d", &year); err != nil {
			continue
		}
		ms, _ := os.ReadDir(filepath.Join(out, "grid", y.Name()))
		for _, m := range ms {
			var mon int
			if _, err := fmt.Sscanf(m.Name(), "month=%d", &mon); err != nil || mon < 1 || mon > 12 {
				continue
			}
			month := grid.Month{Year: year, Month: time.Month(mon)}
			if _, err := os.Stat(output.GridPath(out, month)); err == nil {
				months[month] = true
			}
		}
	}
	return months
}

func sortedMonths(set map[grid.Month]bool) []grid.Month {
	out := make([]grid.Month, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
