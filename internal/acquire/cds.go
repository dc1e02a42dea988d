package acquire

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CDSCredentials are the Climate Data Store's API root and personal access
// token, as the official clients (cdsapi, ecmwf-datastores-client) take
// them: from CDSAPI_URL and CDSAPI_KEY, else from the url: and key: lines of
// ~/.cdsapirc.
type CDSCredentials struct {
	URL, Key string
}

// cdsCredentials resolves f.CDS.
func (f *Fetcher) cdsCredentials() (CDSCredentials, error) {
	c := f.CDS
	if c.URL == "" {
		c.URL = os.Getenv("CDSAPI_URL")
	}
	if c.Key == "" {
		c.Key = os.Getenv("CDSAPI_KEY")
	}
	if c.URL == "" || c.Key == "" {
		rc := os.Getenv("CDSAPI_RC")
		if rc == "" {
			home, _ := os.UserHomeDir()
			rc = filepath.Join(home, ".cdsapirc")
		}
		fh, err := os.Open(rc)
		if err != nil {
			return c, fmt.Errorf("no CDS credentials: set CDSAPI_URL and CDSAPI_KEY or write %s (url: and key: lines): %w", rc, err)
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			switch v = strings.TrimSpace(v); strings.TrimSpace(k) {
			case "url":
				c.URL = cmpOr(c.URL, v)
			case "key":
				c.Key = cmpOr(c.Key, v)
			}
		}
	}
	if c.URL == "" || c.Key == "" {
		return c, fmt.Errorf("no CDS credentials: the url or the key is missing")
	}
	c.URL = strings.TrimRight(c.URL, "/")
	return c, nil
}

// fetchCDS retrieves a Climate Data Store request, with the protocol of
// the 2024 CDS (an OGC API - Processes service; see the official
// ecmwf-datastores-client, processing.py): POST the request's inputs to
// <url>/retrieve/v1/processes/<dataset>/execution with the token in the
// PRIVATE-TOKEN header; poll the job (its "monitor" link, else
// <url>/retrieve/v1/jobs/<id>) until its status is successful, failed or
// dismissed; read the results (<job>/results) whose asset.value.href is
// the file, downloaded without the token. A result already fetched for
// the same request is not requested again: the CDS has no conditional
// requests and a retrieve can queue for hours.
func (f *Fetcher) fetchCDS(ctx context.Context, j Job) (Result, error) {
	creds, err := f.cdsCredentials()
	if err != nil {
		return Result{}, j.fail("", err)
	}
	inputs := expandRequest(j.Spec.Request, j).(map[string]any)
	body, _ := json.Marshal(map[string]any{"inputs": inputs})
	reqHash := sha256.Sum256(append([]byte(j.Spec.Dataset+"\n"), body...))
	hash := hex.EncodeToString(reqHash[:])
	if st, ok := f.loadState(j.Dest); ok && st.RequestHash == hash {
		return Result{URL: st.URL, NotModified: true, Fetched: st.Fetched, Size: st.Size, SHA256: st.SHA256}, nil
	}
	token := func(r *http.Request) { r.Header.Set("PRIVATE-TOKEN", creds.Key) }
	submit := creds.URL + "/retrieve/v1/processes/" + url.PathEscape(j.Spec.Dataset) + "/execution"
	var job cdsReply
	if err := f.cdsCall(ctx, http.MethodPost, submit, body, token, &job); err != nil {
		return Result{}, j.fail(submit, fmt.Errorf("submit: %w", err))
	}
	monitor := job.link("monitor")
	if monitor == "" {
		if job.JobID == "" {
			return Result{}, j.fail(submit, fmt.Errorf("submit: the reply names no job"))
		}
		monitor = creds.URL + "/retrieve/v1/jobs/" + url.PathEscape(job.JobID)
	}
	f.Log.Info("CDS request submitted", "source", j.Spec.Source, "month", j.Month, "job", Redact(monitor))
	wait := 2 * time.Second
	for job.Status != "successful" {
		switch job.Status {
		case "failed":
			var res cdsReply
			msg := "failed"
			if err := f.cdsCall(ctx, http.MethodGet, monitor+"/results", nil, token, &res); err == nil || res.Title != "" {
				msg = strings.TrimSpace(strings.Join([]string{res.Title, res.Detail, res.Traceback}, "\n"))
			}
			return Result{}, j.fail(monitor, fmt.Errorf("the CDS job failed: %s", msg))
		case "dismissed", "deleted":
			return Result{}, j.fail(monitor, fmt.Errorf("the CDS job was %s", job.Status))
		}
		if err := f.Sleep(ctx, wait); err != nil {
			return Result{}, j.fail(monitor, fmt.Errorf("the CDS job is still %s: %w", cmpOr(job.Status, "queued"), err))
		}
		wait = min(wait*3/2, 2*time.Minute)
		last := cmpOr(job.Status, "queued")
		if err := f.cdsCall(ctx, http.MethodGet, monitor, nil, token, &job); err != nil {
			if ctx.Err() != nil {
				// The deadline can fall during a poll as well as
				// between polls: either way the operator needs the
				// job's last known state, not just a timeout.
				return Result{}, j.fail(monitor, fmt.Errorf("the CDS job is still %s: poll: %w", last, err))
			}
			return Result{}, j.fail(monitor, fmt.Errorf("poll: %w", err))
		}
	}
	resultsURL := cmpOr(job.link("results"), monitor+"/results")
	var res cdsReply
	if err := f.cdsCall(ctx, http.MethodGet, resultsURL, nil, token, &res); err != nil {
		return Result{}, j.fail(resultsURL, fmt.Errorf("results: %w", err))
	}
	if res.Asset.Value.Href == "" {
		return Result{}, j.fail(resultsURL, fmt.Errorf("results: no asset href"))
	}
	base, _ := url.Parse(resultsURL)
	href, err := base.Parse(res.Asset.Value.Href)
	if err != nil {
		return Result{}, j.fail(resultsURL, fmt.Errorf("results: asset href: %w", err))
	}
	// The download host needs no token, and must not be sent one.
	r, err := f.fetchHTTPHashed(ctx, j, href.String(), hash)
	if err != nil {
		return Result{}, err
	}
	if size := res.Asset.Value.Size; size > 0 && r.Size != size {
		return Result{}, j.fail(href.String(), fmt.Errorf("got %d bytes, the CDS announced %d", r.Size, size))
	}
	return r, nil
}

// fetchHTTPHashed is fetchHTTP recording the CDS request hash in the state.
func (f *Fetcher) fetchHTTPHashed(ctx context.Context, j Job, rawURL, hash string) (Result, error) {
	res, err := f.fetchHTTP(ctx, j, rawURL, f.Client, nil)
	if err != nil || hash == "" {
		return res, err
	}
	if st, ok := f.loadState(j.Dest); ok {
		st.RequestHash = hash
		if err := f.saveState(j.Dest, st); err != nil {
			f.Log.Warn("fetch state not saved", "dest", j.Dest, "err", err)
		}
	}
	return res, nil
}

// cdsReply holds the fields of the CDS's job, results and error replies.
type cdsReply struct {
	JobID  string `json:"jobID"`
	Status string `json:"status"`
	Links  []struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	} `json:"links"`
	Asset struct {
		Value struct {
			Href string `json:"href"`
			Size int64  `json:"file:size"`
			Type string `json:"type"`
		} `json:"value"`
	} `json:"asset"`
	Title, Detail, Traceback string
}

func (r cdsReply) link(rel string) string {
	for _, l := range r.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// cdsCall makes one JSON call, retried like a download on 429, 5xx and
// dropped connections; a 4xx is returned with the service's message.
func (f *Fetcher) cdsCall(ctx context.Context, method, u string, body []byte, auth func(*http.Request), out *cdsReply) error {
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u, bytesReader(body))
		if err != nil {
			return err
		}
		auth(req)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		retry, err := f.cdsOnce(ctx, req, out)
		if err == nil {
			return nil
		}
		if !retry || attempt >= f.MaxAttempts || ctx.Err() != nil {
			return err
		}
		if err := f.Sleep(ctx, f.backoff(attempt)); err != nil {
			return err
		}
	}
}

func (f *Fetcher) cdsOnce(ctx context.Context, req *http.Request, out *cdsReply) (retry bool, err error) {
	release, err := f.slot(ctx, req.URL.Host)
	if err != nil {
		return false, err
	}
	defer release()
	resp, err := f.Client.Do(req)
	if err != nil {
		return true, withoutURL(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return true, err
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return false, fmt.Errorf("%s: %w", resp.Status, ErrCredentials)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return true, fmt.Errorf("%s", resp.Status)
	}
	jerr := json.Unmarshal(b, out)
	if resp.StatusCode >= 400 {
		return false, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(out.Title+" "+out.Detail))
	}
	if jerr != nil {
		return false, fmt.Errorf("reply is not JSON: %w", jerr)
	}
	return false, nil
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return strings.NewReader(string(b))
}

// expandRequest expands the templates in every string of a request.
func expandRequest(v any, j Job) any {
	switch x := v.(type) {
	case string:
		return j.expand(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expandRequest(e, j)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = expandRequest(e, j)
		}
		return out
	case nil:
		return map[string]any{}
	}
	return v
}
