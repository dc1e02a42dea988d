package server

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"
)

// metrics counts requests and latencies per route in the Prometheus text
// exposition format (no client library: a handful of series).
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status code
	hist     map[string]*histogram
}

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, cumulative at exposition
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, hist: map[string]*histogram{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, fmt.Sprint(status)}]++
	h := m.hist[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.hist[route] = h
	}
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.n++
}

func (m *metrics) serve(st *store, lat LatencyLister) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		snap := st.get()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.mu.Lock()
		defer m.mu.Unlock()
		fmt.Fprintln(w, "# HELP carbonbudget_http_requests_total HTTP requests by route and status.")
		fmt.Fprintln(w, "# TYPE carbonbudget_http_requests_total counter")
		keys := make([][2]string, 0, len(m.requests))
		for k := range m.requests {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
		for _, k := range keys {
			fmt.Fprintf(w, "carbonbudget_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
		}
		fmt.Fprintln(w, "# HELP carbonbudget_http_request_duration_seconds Request latency by route.")
		fmt.Fprintln(w, "# TYPE carbonbudget_http_request_duration_seconds histogram")
		routes := make([]string, 0, len(m.hist))
		for r := range m.hist {
			routes = append(routes, r)
		}
		sort.Strings(routes)
		for _, route := range routes {
			h := m.hist[route]
			var cum uint64
			for i, b := range latencyBuckets {
				cum += h.counts[i]
				fmt.Fprintf(w, "carbonbudget_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", route, b, cum)
			}
			fmt.Fprintf(w, "carbonbudget_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, h.n)
			fmt.Fprintf(w, "carbonbudget_http_request_duration_seconds_sum{route=%q} %g\n", route, h.sum)
			fmt.Fprintf(w, "carbonbudget_http_request_duration_seconds_count{route=%q} %d\n", route, h.n)
		}
		fmt.Fprintln(w, "# HELP carbonbudget_last_update_timestamp_seconds When the outputs were last published.")
		fmt.Fprintln(w, "# TYPE carbonbudget_last_update_timestamp_seconds gauge")
		fmt.Fprintf(w, "carbonbudget_last_update_timestamp_seconds %d\n", snap.modTime.Unix())
		fmt.Fprintln(w, "# HELP carbonbudget_months_published Months with a published grid.")
		fmt.Fprintln(w, "# TYPE carbonbudget_months_published gauge")
		fmt.Fprintf(w, "carbonbudget_months_published %d\n", len(snap.months))
		fmt.Fprintln(w, "# HELP carbonbudget_months_provisional Published months with a provisional term.")
		fmt.Fprintln(w, "# TYPE carbonbudget_months_provisional gauge")
		fmt.Fprintf(w, "carbonbudget_months_provisional %d\n", snap.provisional)
		if lat == nil {
			return
		}
		sources, budget, err := lat.LatencyDays()
		if err != nil {
			return // the ledger is optional here; /api/v1/runs reports its errors
		}
		fmt.Fprintln(w, "# HELP carbonbudget_source_latency_days Days from the end of a source's newest month to its arrival.")
		fmt.Fprintln(w, "# TYPE carbonbudget_source_latency_days gauge")
		for _, name := range slices.Sorted(maps.Keys(sources)) {
			fmt.Fprintf(w, "carbonbudget_source_latency_days{source=%q} %g\n", name, sources[name])
		}
		if budget != nil {
			fmt.Fprintln(w, "# HELP carbonbudget_budget_latency_days Days from the end of the newest published month to its publication.")
			fmt.Fprintln(w, "# TYPE carbonbudget_budget_latency_days gauge")
			fmt.Fprintf(w, "carbonbudget_budget_latency_days %g\n", *budget)
		}
	}
}
