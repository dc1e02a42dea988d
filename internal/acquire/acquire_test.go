package acquire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/acquire/acquiretest"
	"github.com/carbonbudget/carbonbudget/internal/grid"
)

var nov = grid.Month{Year: 2024, Month: 11}

// netcdfBytes is a file that passes the netCDF magic check.
func netcdfBytes(n int) []byte {
	b := make([]byte, n)
	copy(b, "CDF\x01")
	for i := 4; i < n; i++ {
		b[i] = byte(i % 251)
	}
	return b
}

// fetcher is a Fetcher for tests: no real sleeping (waits are recorded),
// state in a temporary directory.
func fetcher(t *testing.T) (*Fetcher, *[]time.Duration) {
	t.Helper()
	var mu sync.Mutex
	waits := &[]time.Duration{}
	return &Fetcher{StateDir: t.TempDir(), MaxAttempts: 4, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}}, waits
}

func httpJob(t *testing.T, url, format string) Job {
	return Job{Spec: Spec{Source: "co2_monthly", Provider: "http", URL: url, Format: format}, Month: nov,
		Dest: filepath.Join(t.TempDir(), "noaa", "co2_mm_gl.txt")}
}

// TestConditionalAndNewVintage: the first fetch downloads, the second
// downloads nothing (304), and a revised file is fetched again as a new
// vintage with its new checksum.
func TestConditionalAndNewVintage(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "co2_mm_gl.txt"), []byte("# File Creation: Dec 5 2024\n2024 11 2024.875 422.10 0.10 421.95 0.08\n"), 0o644)
	fs := acquiretest.NewFileServer(root)
	srv := httptest.NewServer(fs)
	defer srv.Close()
	f, _ := fetcher(t)
	j := httpJob(t, srv.URL+"/co2_mm_gl.txt", "text")
	first, err := f.Fetch(context.Background(), j)
	if err != nil || !first.Changed || first.SHA256 == "" {
		t.Fatalf("first fetch: %+v, %v", first, err)
	}
	second, err := f.Fetch(context.Background(), j)
	if err != nil || !second.NotModified || second.Changed || fs.Bodies("/co2_mm_gl.txt") != 1 {
		t.Fatalf("second fetch: %+v, %v; bodies sent %d, want 1", second, err, fs.Bodies("/co2_mm_gl.txt"))
	}
	later := time.Now().Add(time.Hour)
	os.WriteFile(filepath.Join(root, "co2_mm_gl.txt"), []byte("# File Creation: Jan 6 2025\n2024 11 2024.875 422.14 0.10 421.96 0.08\n"), 0o644)
	os.Chtimes(filepath.Join(root, "co2_mm_gl.txt"), later, later)
	third, err := f.Fetch(context.Background(), j)
	if err != nil || !third.Changed || third.SHA256 == first.SHA256 {
		t.Fatalf("revised file: %+v, %v; want a new vintage", third, err)
	}
	if b, _ := os.ReadFile(j.Dest); !strings.Contains(string(b), "422.14") {
		t.Errorf("dest holds %q, want the revised file", b)
	}
}

// TestResumeAfterDroppedConnection: the connection drops half-way; the
// fetch resumes with a Range request and the file is whole.
func TestResumeAfterDroppedConnection(t *testing.T) {
	body := netcdfBytes(200_000)
	var ranges []string
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ranges = append(ranges, r.Header.Get("Range"))
		w.Header().Set("ETag", `"v1"`)
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Header().Set("Accept-Ranges", "bytes")
			w.WriteHeader(200)
			w.Write(body[:70_000])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the connection drops
		}
		http.ServeContent(w, r, "f.nc", time.Time{}, strings.NewReader(string(body)))
	}))
	defer srv.Close()
	f, _ := fetcher(t)
	j := httpJob(t, srv.URL+"/f.nc", "netcdf")
	res, err := f.Fetch(context.Background(), j)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(j.Dest)
	if string(got) != string(body) || res.Size != int64(len(body)) {
		t.Fatalf("resumed file: %d bytes, equal %v", len(got), string(got) == string(body))
	}
	if len(ranges) != 2 || ranges[1] != "bytes=70000-" {
		t.Errorf("requests' Range headers %q, want a resume from byte 70000", ranges)
	}
}

// TestFaults: each fault ends in a retried success or a clear error naming
// source, month and URL, with nothing left where ingest looks and an
// earlier good file untouched.
func TestFaults(t *testing.T) {
	good := netcdfBytes(1000)
	tests := []struct {
		name      string
		handler   func(n int32, w http.ResponseWriter, r *http.Request)
		sha       string
		wantErr   string // "" : success
		is        error
		wantWaits []time.Duration // exact waits, when the server set them
	}{
		{"429 then ok, Retry-After honoured", func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(429)
				return
			}
			w.Write(good)
		}, "", "", nil, []time.Duration{7 * time.Second}},
		{"503 with an HTTP date", func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat))
				w.WriteHeader(503)
				return
			}
			w.Write(good)
		}, "", "", nil, []time.Duration{0}},
		{"500 twice then ok", func(n int32, w http.ResponseWriter, r *http.Request) {
			if n <= 2 {
				w.WriteHeader(500)
				return
			}
			w.Write(good)
		}, "", "", nil, nil},
		{"500 always", func(n int32, w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, "", "500 Internal Server Error (after 4 attempts)", nil, nil},
		{"HTML error page with 200", func(n int32, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!DOCTYPE html><html><body>Service maintenance</body></html>"))
		}, "", "HTML page", nil, nil},
		{"HTML page as octet-stream", func(n int32, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte("\n<html><head><title>Login</title></head></html>"))
		}, "", "HTML page, not netcdf", nil, nil},
		{"not the format", func(n int32, w http.ResponseWriter, r *http.Request) { w.Write([]byte("GRIB....")) }, "", "does not start like netcdf", nil, nil},
		{"wrong checksum", func(n int32, w http.ResponseWriter, r *http.Request) { w.Write(good) }, strings.Repeat("ab", 32), "SHA-256", nil, nil},
		{"expired credentials", func(n int32, w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }, "", "401", ErrCredentials, nil},
		{"not published yet", func(n int32, w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, "", "404", ErrNotAvailable, nil},
		{"short body", func(n int32, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5000")
			w.Write(good) // 1000 of 5000, then the handler returns: truncated every time
		}, "", "connection dropped", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tt.handler(n.Add(1), w, r) }))
			defer srv.Close()
			f, waits := fetcher(t)
			j := httpJob(t, srv.URL+"/era5/era5_monthly_2024.nc?api_key=SECRET123", "netcdf")
			j.Spec.Source, j.Spec.SHA256 = "era5", tt.sha
			os.MkdirAll(filepath.Dir(j.Dest), 0o755)
			old := []byte("CDF\x01 the previous vintage")
			os.WriteFile(j.Dest, old, 0o644)
			res, err := f.Fetch(context.Background(), j)
			if tt.wantErr == "" {
				if err != nil || !res.Changed {
					t.Fatalf("want a retried success: %+v, %v", res, err)
				}
				if b, _ := os.ReadFile(j.Dest); string(b) != string(good) {
					t.Error("dest does not hold the fetched file")
				}
				if tt.wantWaits != nil && fmt.Sprint(*waits) != fmt.Sprint(tt.wantWaits) {
					t.Errorf("waits %v, want %v", *waits, tt.wantWaits)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			for _, want := range []string{"fetch era5 2024-11", srv.URL + "/era5/era5_monthly_2024.nc"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "SECRET123") {
				t.Errorf("error %q shows the secret", err)
			}
			if b, _ := os.ReadFile(j.Dest); string(b) != string(old) {
				t.Errorf("the previous file was replaced by %q", b[:min(len(b), 40)])
			}
			if entries, _ := os.ReadDir(filepath.Dir(j.Dest)); len(entries) != 1 {
				t.Errorf("left beside the file: %v", entries)
			}
		})
	}
}

// TestUnreachableHostKeepsTheSecret: net/http's own errors name the
// request URL; a fetch's error must not repeat its secret.
func TestUnreachableHostKeepsTheSecret(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	f, _ := fetcher(t)
	f.MaxAttempts = 2
	j := httpJob(t, srv.URL+"/x.txt?token=SECRET123", "text")
	_, err := f.Fetch(context.Background(), j)
	if err == nil || strings.Contains(err.Error(), "SECRET123") || !strings.Contains(err.Error(), "token=REDACTED") {
		t.Errorf("unreachable host: %v; want an error with the URL redacted", err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@example.org/a.nc?token=abc&year=2024":                "https://example.org/a.nc?token=REDACTED&year=2024",
		"https://data.example/x?X-Amz-Signature=ff&X-Amz-Credential=k&part=1": "https://data.example/x?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&part=1",
		"https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_gl.txt":          "https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_gl.txt",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeCDS is the Climate Data Store's retrieve API: a job goes through the
// given statuses, one per poll, then its result is served.
type fakeCDS struct {
	t        *testing.T
	statuses []string
	inputs   map[string]any
	polls    atomic.Int32
	submits  atomic.Int32
	tokenAt  []string // paths that received a PRIVATE-TOKEN
	mu       sync.Mutex
	file     []byte
}

func (c *fakeCDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if tok := r.Header.Get("PRIVATE-TOKEN"); tok != "" {
		c.mu.Lock()
		c.tokenAt = append(c.tokenAt, r.URL.Path)
		c.mu.Unlock()
		if tok != "my-token" {
			w.WriteHeader(401)
			json.NewEncoder(w).Encode(map[string]string{"title": "Authentication failed"})
			return
		}
	}
	base := "http://" + r.Host
	switch {
	case r.Method == "POST" && r.URL.Path == "/api/retrieve/v1/processes/reanalysis-era5-single-levels-monthly-means/execution":
		c.submits.Add(1)
		var body struct{ Inputs map[string]any }
		json.NewDecoder(r.Body).Decode(&body)
		c.mu.Lock()
		c.inputs = body.Inputs
		c.mu.Unlock()
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]any{"jobID": "j1", "status": "accepted",
			"links": []map[string]string{{"rel": "monitor", "href": base + "/api/retrieve/v1/jobs/j1"}}})
	case r.URL.Path == "/api/retrieve/v1/jobs/j1":
		n := int(c.polls.Add(1))
		st := c.statuses[min(n-1, len(c.statuses)-1)]
		json.NewEncoder(w).Encode(map[string]any{"jobID": "j1", "status": st})
	case r.URL.Path == "/api/retrieve/v1/jobs/j1/results":
		if c.statuses[len(c.statuses)-1] == "failed" {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"title": "The job has failed", "detail": "variable 'nonsense' is not valid"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"asset": map[string]any{"value": map[string]any{
			"href": "/download/abc.nc", "file:size": len(c.file), "type": "application/netcdf"}}})
	case r.URL.Path == "/download/abc.nc":
		w.Write(c.file)
	default:
		http.NotFound(w, r)
	}
}

func cdsJob(t *testing.T, srvURL string) (Job, *Fetcher) {
	f, _ := fetcher(t)
	f.CDS = CDSCredentials{URL: srvURL + "/api", Key: "my-token"}
	j := Job{Spec: Spec{Source: "era5", Provider: "cds", Dataset: "reanalysis-era5-single-levels-monthly-means", Format: "netcdf",
		Request: map[string]any{"product_type": []any{"monthly_averaged_reanalysis"}, "variable": []any{"2m_temperature"},
			"year": []any{"{yyyy}"}, "month": []any{"{mm}"}, "time": []any{"00:00"}, "data_format": "netcdf"}},
		Month: nov, Dest: filepath.Join(t.TempDir(), "era5", "era5_202411.nc")}
	return j, f
}

// TestCDS: a request is submitted with its templates filled, polled until
// successful, and its result downloaded without the token; the same
// request is not submitted again; a failed job's message and a job that
// never finishes end in clear errors; a wrong key is a credentials error.
func TestCDS(t *testing.T) {
	cds := &fakeCDS{t: t, statuses: []string{"accepted", "running", "successful"}, file: netcdfBytes(5000)}
	srv := httptest.NewServer(cds)
	defer srv.Close()
	j, f := cdsJob(t, srv.URL)
	res, err := f.Fetch(context.Background(), j)
	if err != nil || !res.Changed || res.Size != 5000 {
		t.Fatalf("CDS fetch: %+v, %v", res, err)
	}
	if fmt.Sprint(cds.inputs["year"], cds.inputs["month"]) != "[2024] [11]" {
		t.Errorf("submitted inputs %v, want year 2024 and month 11 filled in", cds.inputs)
	}
	for _, p := range cds.tokenAt {
		if strings.HasPrefix(p, "/download") {
			t.Errorf("the token was sent to the download %s", p)
		}
	}
	again, err := f.Fetch(context.Background(), j)
	if err != nil || !again.NotModified || cds.submits.Load() != 1 {
		t.Errorf("same request again: %+v, %v, %d submits; want no new submit", again, err, cds.submits.Load())
	}

	failing := &fakeCDS{t: t, statuses: []string{"running", "failed"}}
	srv2 := httptest.NewServer(failing)
	defer srv2.Close()
	j2, f2 := cdsJob(t, srv2.URL)
	if _, err := f2.Fetch(context.Background(), j2); err == nil || !strings.Contains(err.Error(), "variable 'nonsense' is not valid") {
		t.Errorf("failed job: %v, want the service's message", err)
	}

	stuck := &fakeCDS{t: t, statuses: []string{"accepted"}}
	srv3 := httptest.NewServer(stuck)
	defer srv3.Close()
	j3, f3 := cdsJob(t, srv3.URL)
	f3.JobTimeout = 200 * time.Millisecond
	f3.Sleep = func(ctx context.Context, d time.Duration) error { return sleepCtx(ctx, 5*time.Millisecond) }
	if _, err := f3.Fetch(context.Background(), j3); err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still accepted") {
		t.Errorf("job that never finishes: %v, want a timeout saying it is still accepted", err)
	}
	if _, err := os.Stat(j3.Dest); !notExist(err) {
		t.Error("a file was left for the job that never finished")
	}

	j4, f4 := cdsJob(t, srv.URL)
	f4.CDS.Key = "expired"
	if _, err := f4.Fetch(context.Background(), j4); !errors.Is(err, ErrCredentials) || strings.Contains(err.Error(), "expired") {
		t.Errorf("wrong key: %v, want a credentials error that does not show the key", err)
	}
}

// TestCDSCredentialsFromRC: the key comes from the environment or the rc
// file, as the official client reads them.
func TestCDSCredentialsFromRC(t *testing.T) {
	rc := filepath.Join(t.TempDir(), "cdsapirc")
	os.WriteFile(rc, []byte("url: https://cds.climate.copernicus.eu/api\nkey: abcd-1234\n"), 0o600)
	t.Setenv("CDSAPI_RC", rc)
	t.Setenv("CDSAPI_URL", "")
	t.Setenv("CDSAPI_KEY", "")
	c, err := (&Fetcher{}).cdsCredentials()
	if err != nil || c.URL != "https://cds.climate.copernicus.eu/api" || c.Key != "abcd-1234" {
		t.Errorf("from the rc file: %+v, %v", c, err)
	}
	t.Setenv("CDSAPI_KEY", "from-env")
	if c, _ := (&Fetcher{}).cdsCredentials(); c.Key != "from-env" {
		t.Errorf("CDSAPI_KEY does not take precedence: %+v", c)
	}
}

// TestEarthdata: the archive redirects to the login host, which alone
// gets the netrc's credentials and sets a cookie; the archive then serves
// the file. A wrong password is a credentials error.
func TestEarthdata(t *testing.T) {
	file := []byte("\x0e\x03\x13\x01 an HDF4 MOD13C2 granule")
	var archiveAuth atomic.Int32
	var urs *httptest.Server
	archive := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			archiveAuth.Add(1)
		}
		if c, err := r.Cookie("urs_session"); err == nil && c.Value == "ok" {
			w.Write(file)
			return
		}
		http.Redirect(w, r, urs.URL+"/oauth/authorize?redirect="+r.URL.Path, http.StatusFound)
	}))
	defer archive.Close()
	urs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "s3cret" {
			w.WriteHeader(401)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "urs_session", Value: "ok", Path: "/"})
		http.Redirect(w, r, archive.URL+r.URL.Query().Get("redirect"), http.StatusFound)
	}))
	defer urs.Close()
	netrc := filepath.Join(t.TempDir(), "netrc")
	ursHost := strings.TrimPrefix(urs.URL, "http://")
	for _, tc := range []struct{ password, wantErr string }{{"s3cret", ""}, {"wrong", "credentials rejected"}} {
		os.WriteFile(netrc, []byte(fmt.Sprintf("machine %s login alice password %s\n", hostOnly(ursHost), tc.password)), 0o600)
		f, _ := fetcher(t)
		f.Netrc, f.URSHost = netrc, ursHost
		j := Job{Spec: Spec{Source: "ndvi", Provider: "earthdata", URL: archive.URL + "/MOD13C2/{yyyy}.{mm}.01/granule.hdf", Format: "hdf4"},
			Month: nov, Dest: filepath.Join(t.TempDir(), "ndvi.hdf")}
		_, err := f.Fetch(context.Background(), j)
		if tc.wantErr == "" && err != nil {
			t.Fatalf("earthdata: %v", err)
		}
		if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), tc.password)) {
			t.Errorf("wrong password: %v", err)
		}
	}
	if archiveAuth.Load() != 0 {
		t.Errorf("the archive received credentials %d times", archiveAuth.Load())
	}
}

// TestLocalDrop: a file still being written is not taken; a settled one
// is copied in once.
func TestLocalDrop(t *testing.T) {
	drop := t.TempDir()
	f, _ := fetcher(t)
	j := Job{Spec: Spec{Source: "trendy", Provider: "local", Dir: drop, URL: "{model}_S2_nbp.nc", Format: "netcdf"},
		Month: nov, Model: "LPJ", Dest: filepath.Join(t.TempDir(), "trendy", "LPJ_S2_nbp.nc")}
	if _, err := f.Fetch(context.Background(), j); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("empty drop: %v, want not available", err)
	}
	src := filepath.Join(drop, "LPJ_S2_nbp.nc")
	os.WriteFile(src, netcdfBytes(300), 0o644)
	if _, err := f.Fetch(context.Background(), j); !errors.Is(err, ErrNotAvailable) || !strings.Contains(err.Error(), "still arriving") {
		t.Fatalf("file just written: %v, want still arriving", err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(src, old, old)
	res, err := f.Fetch(context.Background(), j)
	if err != nil || !res.Changed {
		t.Fatalf("settled file: %+v, %v", res, err)
	}
	if res, err := f.Fetch(context.Background(), j); err != nil || !res.NotModified {
		t.Errorf("unchanged drop: %+v, %v", res, err)
	}
}

// TestCommand: the tool writes {out}; a tool that is not installed is a
// clear error.
func TestCommand(t *testing.T) {
	f, _ := fetcher(t)
	j := Job{Spec: Spec{Source: "chlorophyll", Provider: "command", Format: "netcdf",
		Command: []string{"sh", "-c", `printf 'CDF\001 chl {yyyy}-{mm}' > "$0"`, "{out}"}},
		Month: nov, Dest: filepath.Join(t.TempDir(), "ocean", "chlorophyll_2024.nc")}
	if res, err := f.Fetch(context.Background(), j); err != nil || !res.Changed {
		t.Fatalf("command: %+v, %v", res, err)
	}
	if b, _ := os.ReadFile(j.Dest); !strings.HasSuffix(string(b), "chl 2024-11") {
		t.Errorf("dest holds %q", b)
	}
	j.Spec.Command = []string{"copernicusmarine-not-installed", "subset", "--output-filename", "{out}"}
	if _, err := f.Fetch(context.Background(), j); err == nil || !strings.Contains(err.Error(), "is not installed") {
		t.Errorf("missing tool: %v", err)
	}
}
