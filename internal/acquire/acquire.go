// Package acquire fetches carbonbudget's inputs from their providers, so
// the monthly update runs without anyone dropping files in place: plain
// HTTPS files (NOAA GML, Carbon Monitor, GFED, the GCB sheets, SOCAT), the
// Copernicus Climate Data Store (ERA5), NASA Earthdata (MODIS/VIIRS), an
// official command-line tool (the Copernicus Marine toolbox), and a local
// drop directory (TRENDY and GOBM output, shared privately).
//
// A fetched file never poisons the inputs. It is downloaded to a
// temporary file beside its destination (".<name>.part"), resumed with a
// Range request after a dropped connection, and checked before it is
// accepted: its size against the server's, its content type (an HTML
// error page served with 200 is refused), the magic bytes of its format,
// and its SHA-256 when the provider publishes one. Only then is it renamed
// over the destination (internal/durable), so ingest sees the old file or
// the whole new one. Requests are retried with capped exponential backoff,
// honouring Retry-After on 429 and 503; each host has a concurrency limit;
// every request and every job has a timeout.
//
// Conditional requests keep a second fetch cheap: the ETag and
// Last-Modified of each destination are kept in StateDir, sent back as
// If-None-Match and If-Modified-Since, and a 304 leaves the file alone. A
// changed file (NOAA revises its recent months) arrives as a new vintage:
// Result.Changed says so and carries its new checksum.
//
// Credentials come from where the providers' official clients read them
// (~/.cdsapirc or CDSAPI_URL/CDSAPI_KEY for the CDS, ~/.netrc for
// Earthdata) and never appear in a log line, an error or a Result:
// Redact strips user information and secret query parameters from every
// URL that leaves the package.
package acquire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/grid"
)

// Spec says where one source comes from.
type Spec struct {
	Source   string // carbonbudget source name, e.g. "co2_monthly"
	Provider string // http, cds, earthdata, command or local
	// URL is the file's address (http, earthdata; {yyyy} {mm} {model}
	// expand), or for local the file name in Dir.
	URL string
	// Dataset and Request are a CDS retrieve; string values expand.
	Dataset string
	Request map[string]any
	// Format is what the file must be: netcdf, grib, geotiff, hdf4,
	// hdf5, csv, text or tsv ("" : no format check).
	Format string
	// SHA256 is the file's hex digest, or the URL of a checksum file.
	SHA256 string
	// Command is the argv of the command provider; {out} is the path it
	// must write.
	Command []string
	// Dir is the local provider's drop directory.
	Dir string
}

// Job is one file to fetch: a source's file for a month (and model).
type Job struct {
	Spec  Spec
	Month grid.Month
	Model string
	Dest  string // where ingest looks for the file
}

// Result is what a fetch did.
type Result struct {
	Source string
	Month  grid.Month
	Dest   string
	URL    string // redacted
	// Changed is true when Dest now holds content it did not hold before
	// (a first arrival or a new vintage); NotModified when the provider
	// said the file has not changed since the last fetch.
	Changed, NotModified bool
	Fetched              time.Time
	ETag, LastModified   string
	Size                 int64
	SHA256               string
}

// ErrNotAvailable means the provider does not have the file yet (404, a
// CDS request for a month not yet produced, an empty drop directory): the
// month is not yet available, which is not a failure.
var ErrNotAvailable = errors.New("not available yet")

// ErrCredentials means the provider refused the credentials.
var ErrCredentials = errors.New("credentials rejected")

// Fetcher fetches jobs. The zero value works with defaults; tests set
// Client, Sleep and the CDS and Earthdata hosts.
type Fetcher struct {
	Client   *http.Client
	StateDir string // conditional-request state; "" keeps none
	Log      *slog.Logger
	// PerHost bounds concurrent requests to one host (0: 2).
	PerHost int
	// MaxAttempts per request (0: 5); BaseDelay and MaxDelay bound the
	// exponential backoff between them (0: 2 s and 2 min).
	MaxAttempts         int
	BaseDelay, MaxDelay time.Duration
	// RequestTimeout bounds one request with its body (0: 30 min);
	// JobTimeout one job, CDS queueing included (0: 6 h).
	RequestTimeout, JobTimeout time.Duration
	// CDS is the Climate Data Store's API root and key; empty: from
	// CDSAPI_URL/CDSAPI_KEY or ~/.cdsapirc.
	CDS CDSCredentials
	// Netrc is the path of the netrc file for Earthdata (""; ~/.netrc);
	// URSHost the Earthdata login host (""; urs.earthdata.nasa.gov).
	Netrc, URSHost string
	// StableFor is how long a dropped file must stay unchanged before the
	// local provider takes it (0: 1 min).
	StableFor time.Duration
	// Sleep waits d or until ctx ends (nil: a timer); Now is the clock.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time

	once  sync.Once
	mu    sync.Mutex
	hosts map[string]chan struct{}
}

func (f *Fetcher) init() {
	f.once.Do(func() {
		if f.Client == nil {
			f.Client = &http.Client{}
		}
		if f.Log == nil {
			f.Log = slog.New(slog.DiscardHandler)
		}
		f.PerHost = cmpOr(f.PerHost, 2)
		f.MaxAttempts = cmpOr(f.MaxAttempts, 5)
		f.BaseDelay = cmpOr(f.BaseDelay, 2*time.Second)
		f.MaxDelay = cmpOr(f.MaxDelay, 2*time.Minute)
		f.RequestTimeout = cmpOr(f.RequestTimeout, 30*time.Minute)
		f.JobTimeout = cmpOr(f.JobTimeout, 6*time.Hour)
		f.StableFor = cmpOr(f.StableFor, time.Minute)
		if f.Sleep == nil {
			f.Sleep = sleepCtx
		}
		if f.Now == nil {
			f.Now = time.Now
		}
		f.hosts = map[string]chan struct{}{}
	})
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Fetch fetches one job within JobTimeout. Its error names the source,
// the month and the URL (redacted); nothing partial is left at Dest.
func (f *Fetcher) Fetch(ctx context.Context, j Job) (Result, error) {
	f.init()
	ctx, cancel := context.WithTimeout(ctx, f.JobTimeout)
	defer cancel()
	if err := os.MkdirAll(filepath.Dir(j.Dest), 0o755); err != nil {
		return Result{}, j.fail("", err)
	}
	var res Result
	var err error
	switch j.Spec.Provider {
	case "http":
		res, err = f.fetchHTTP(ctx, j, j.expand(j.Spec.URL), f.Client, nil)
	case "earthdata":
		res, err = f.fetchEarthdata(ctx, j)
	case "cds":
		res, err = f.fetchCDS(ctx, j)
	case "command":
		res, err = f.fetchCommand(ctx, j)
	case "local":
		res, err = f.fetchLocal(ctx, j)
	default:
		err = j.fail("", fmt.Errorf("unknown provider %q", j.Spec.Provider))
	}
	if err != nil {
		return Result{}, err
	}
	res.Source, res.Month, res.Dest = j.Spec.Source, j.Month, j.Dest
	return res, nil
}

// FetchAll fetches jobs concurrently (each host within PerHost) and
// returns their results and errors in the jobs' order.
func (f *Fetcher) FetchAll(ctx context.Context, jobs []Job) ([]Result, []error) {
	res, errs := make([]Result, len(jobs)), make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = f.Fetch(ctx, j)
		}()
	}
	wg.Wait()
	return res, errs
}

// slot takes one of host's PerHost slots; release gives it back.
func (f *Fetcher) slot(ctx context.Context, host string) (release func(), err error) {
	f.mu.Lock()
	ch, ok := f.hosts[host]
	if !ok {
		ch = make(chan struct{}, f.PerHost)
		f.hosts[host] = ch
	}
	f.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// expand fills {yyyy}, {mm} and {model}.
func (j Job) expand(s string) string { return Expand(s, j.Month, j.Model) }

// Expand fills {yyyy}, {mm} and {model} in a template.
func Expand(tmpl string, m grid.Month, model string) string {
	return strings.NewReplacer("{yyyy}", fmt.Sprintf("%04d", m.Year), "{mm}", fmt.Sprintf("%02d", int(m.Month)),
		"{model}", model).Replace(tmpl)
}

// fail wraps err with the job's source, month and (redacted) URL.
func (j Job) fail(u string, err error) error {
	where := ""
	if u != "" {
		where = " " + Redact(u)
	}
	model := ""
	if j.Model != "" {
		model = " " + j.Model
	}
	return fmt.Errorf("fetch %s%s %s%s: %w", j.Spec.Source, model, j.Month, where, err)
}

var secretParam = regexp.MustCompile(`(?i)key|token|pass|secret|sig|credential|auth`)

// Redact returns u without user information and with the values of
// query parameters that look secret (key, token, password, signature,
// credential, auth) replaced, for logs, errors, manifests and the ledger.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	p.User = nil
	q := p.Query()
	changed := false
	for k := range q {
		if secretParam.MatchString(k) {
			q[k] = []string{"REDACTED"}
			changed = true
		}
	}
	if changed {
		p.RawQuery = q.Encode()
	}
	return p.String()
}

// backoff is the wait before attempt n (1-based retry): BaseDelay·2^(n−1)
// with ±25% jitter, capped at MaxDelay.
func (f *Fetcher) backoff(n int) time.Duration {
	d := f.BaseDelay << min(n-1, 20)
	if d <= 0 || d > f.MaxDelay {
		d = f.MaxDelay
	}
	return time.Duration(float64(d) * (0.75 + 0.5*rand.Float64()))
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func (f *Fetcher) retryAfter(h string) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	var secs int
	if _, err := fmt.Sscanf(h, "%d", &secs); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(f.Now()), 0), true
	}
	return 0, false
}
