package acquire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// fetchHTTP downloads rawURL to j.Dest with client: conditionally when the state of
// Dest allows, resumed after a dropped connection, checked, then renamed
// into place. auth, when set, decorates each request (the CDS token is
// never sent to a download host; Earthdata authenticates by redirect).
func (f *Fetcher) fetchHTTP(ctx context.Context, j Job, rawURL string, client *http.Client, auth func(*http.Request)) (Result, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return Result{}, j.fail(rawURL, fmt.Errorf("not an http(s) URL"))
	}
	prev, conditional := f.loadState(j.Dest)
	if conditional && prev.URL != Redact(rawURL) {
		conditional = false // the configuration now names another file
	}
	part := partPath(j.Dest)
	defer os.Remove(part)
	os.Remove(part) // a part left by a killed process has no validator we trust

	var etag, lastMod string
	var want int64 = -1 // the whole file's size, when the server says
	resumable := false
	for attempt := 1; ; attempt++ {
		have := fileSize(part)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return Result{}, j.fail(rawURL, err)
		}
		if auth != nil {
			auth(req)
		}
		if have > 0 && resumable {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
			if etag != "" {
				req.Header.Set("If-Range", etag)
			}
		} else if conditional {
			if prev.ETag != "" {
				req.Header.Set("If-None-Match", prev.ETag)
			}
			if prev.LastModified != "" {
				req.Header.Set("If-Modified-Since", prev.LastModified)
			}
		}
		done, retry, err := f.once1(ctx, client, req, part, have, &etag, &lastMod, &want, &resumable)
		if done == statusNotModified {
			return Result{URL: Redact(rawURL), NotModified: true, Fetched: prev.Fetched, ETag: prev.ETag,
				LastModified: prev.LastModified, Size: prev.Size, SHA256: prev.SHA256}, nil
		}
		if err == nil {
			break
		}
		if retry == nil || attempt >= f.MaxAttempts || ctx.Err() != nil {
			if attempt > 1 && retry != nil {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return Result{}, j.fail(rawURL, err)
		}
		wait, ok := f.retryAfter(retry.wait)
		if !ok {
			wait = f.backoff(attempt)
		}
		f.Log.Warn("fetch retrying", "source", j.Spec.Source, "month", j.Month, "url", Redact(rawURL), "attempt", attempt, "wait", wait, "err", err)
		if err := f.Sleep(ctx, wait); err != nil {
			return Result{}, j.fail(rawURL, err)
		}
	}
	if want >= 0 && fileSize(part) != want {
		return Result{}, j.fail(rawURL, fmt.Errorf("got %d bytes, the server announced %d", fileSize(part), want))
	}
	return f.accept(j, rawURL, part, etag, lastMod, "")
}

type outcome int

const (
	statusIncomplete outcome = iota
	statusComplete
	statusNotModified
)

// retryHint marks a retryable failure, with the server's Retry-After.
type retryHint struct{ wait string }

// once1 makes one request and appends its body to part.
func (f *Fetcher) once1(ctx context.Context, client *http.Client, req *http.Request, part string, have int64, etag, lastMod *string, want *int64, resumable *bool) (outcome, *retryHint, error) {
	release, err := f.slot(ctx, req.URL.Host)
	if err != nil {
		return statusIncomplete, nil, err
	}
	defer release()
	rctx, cancel := context.WithTimeout(ctx, f.RequestTimeout)
	defer cancel()
	resp, err := client.Do(req.WithContext(rctx))
	if err != nil {
		return statusIncomplete, &retryHint{}, withoutURL(err) // connection refused or reset: worth another try
	}
	defer resp.Body.Close()
	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		return statusNotModified, nil, nil
	case code == http.StatusNotFound || code == http.StatusGone:
		return statusIncomplete, nil, fmt.Errorf("%s: %w", resp.Status, ErrNotAvailable)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return statusIncomplete, nil, fmt.Errorf("%s: %w", resp.Status, ErrCredentials)
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return statusIncomplete, &retryHint{resp.Header.Get("Retry-After")}, fmt.Errorf("%s", resp.Status)
	case code == http.StatusRequestTimeout || code >= 500:
		return statusIncomplete, &retryHint{}, fmt.Errorf("%s", resp.Status)
	case code != http.StatusOK && code != http.StatusPartialContent:
		return statusIncomplete, nil, fmt.Errorf("%s", resp.Status)
	}
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		return statusIncomplete, nil, err
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if resp.StatusCode == http.StatusPartialContent {
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return statusIncomplete, &retryHint{}, fmt.Errorf("206 with Content-Range %q for a resume from byte %d", resp.Header.Get("Content-Range"), have)
		}
		flags = os.O_WRONLY | os.O_APPEND
		*want = total
	} else {
		*etag, *lastMod, *want = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), resp.ContentLength
		*resumable = resp.Header.Get("Accept-Ranges") == "bytes" && resp.ContentLength > 0
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return statusIncomplete, nil, err
	}
	_, cerr := io.Copy(out, resp.Body)
	if err := errors.Join(cerr, out.Close()); err != nil {
		if ctx.Err() != nil {
			return statusIncomplete, nil, ctx.Err()
		}
		return statusIncomplete, &retryHint{}, fmt.Errorf("connection dropped after %d bytes: %w", fileSize(part), err)
	}
	return statusComplete, nil, nil
}

// accept checks the downloaded file at part and renames it over j.Dest.
func (f *Fetcher) accept(j Job, rawURL, part, etag, lastMod, requestHash string) (Result, error) {
	if err := checkFormat(part, j.Spec.Format); err != nil {
		return Result{}, j.fail(rawURL, err)
	}
	sum, size, err := durable.FileSHA256(part)
	if err != nil {
		return Result{}, j.fail(rawURL, err)
	}
	if want := j.Spec.SHA256; want != "" {
		if !strings.HasPrefix(want, "http") {
			if !strings.EqualFold(want, sum) {
				return Result{}, j.fail(rawURL, fmt.Errorf("SHA-256 %s, the provider publishes %s", sum, want))
			}
		}
	}
	old, _, _ := durable.FileSHA256(j.Dest)
	if err := durable.Replace(part, j.Dest); err != nil {
		return Result{}, j.fail(rawURL, err)
	}
	res := Result{URL: Redact(rawURL), Changed: old != sum, Fetched: f.Now().UTC(), ETag: etag, LastModified: lastMod, Size: size, SHA256: sum}
	if err := f.saveState(j.Dest, state{URL: res.URL, ETag: etag, LastModified: lastMod, SHA256: sum, Size: size,
		Fetched: res.Fetched, RequestHash: requestHash}); err != nil {
		f.Log.Warn("fetch state not saved: the next fetch will not be conditional", "dest", j.Dest, "err", err)
	}
	f.Log.Info("fetched", "source", j.Spec.Source, "month", j.Month, "url", res.URL, "bytes", size, "changed", res.Changed)
	return res, nil
}

// partPath is the temporary download beside dest.
func partPath(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".part")
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// contentRange parses "bytes start-end/total".
func contentRange(h string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(h, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	a, _, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	total, err2 := strconv.ParseInt(tot, 10, 64)
	if err2 != nil {
		total = -1 // "*": unknown
	}
	return start, total, err1 == nil
}

// withoutURL drops the request URL net/http puts in its errors: it may
// hold a secret, and the callers name the (redacted) URL themselves.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
