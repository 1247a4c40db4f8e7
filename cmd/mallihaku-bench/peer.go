package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// The filters the peer views cycle through: those of ../shared/perf/pg_bench.py, so that
// both sides answer the same requests.
var (
	peerRegions = []string{"Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa", "Keski-Suomi",
		"Valtakunnallinen", "Pohjois-Savo", "Lappi", "Kainuu", "Ahvenanmaa"}
	peerPhases = []string{practice.PhaseDeveloping, practice.PhaseReady}
)

// peerView is one view of pg_bench.py (a to e) or one of ours beside it, as the requests it
// cycles through.
type peerView struct {
	key, name string
	reqs      []search.Request
	cold      bool // every request's words are matched again (the match cache is bypassed)
}

func peerViews(one, three []string) []peerView {
	var b, c, cf, d, d0 []search.Request
	for _, r := range peerRegions {
		b = append(b, search.Request{Sort: "modified", Filters: map[string][]string{"region": {r}}})
	}
	for i, q := range one {
		c = append(c, search.Request{Query: q})
		cf = append(cf, search.Request{Query: q, Filters: peerFilters(i)})
	}
	for i, q := range three {
		d = append(d, search.Request{Query: q, Filters: peerFilters(i)})
		d0 = append(d0, search.Request{Query: q})
	}
	return []peerView{
		{key: "a", name: "browse, facets, newest first", reqs: []search.Request{{Sort: "modified"}}},
		{key: "b", name: "browse + 1 region, facets", reqs: b},
		{key: "c", name: "1 word + facets + highlights", reqs: c},
		{key: "c_cold", name: "the same, words' matches not cached", reqs: c, cold: true},
		{key: "c_filtered", name: "1 word + region + phase, facets + highlights", reqs: cf},
		{key: "d", name: "3 words + region + phase, facets + highlights", reqs: d},
		{key: "d_cold", name: "the same, words' matches not cached", reqs: d, cold: true},
		{key: "d_unfiltered", name: "3 words, facets + highlights", reqs: d0},
		{key: "e", name: "deep page (offset 5000, newest first) + facets", reqs: []search.Request{{Sort: "modified", Page: 251, Size: 20}}},
	}
}

// peerFilters is the region and phase of pg_bench.py's view d for its i-th query.
func peerFilters(i int) map[string][]string {
	return map[string][]string{"region": {peerRegions[i%5]}, "phase": {peerPhases[(i/5)%2]}}
}

// peerFigures is one view's latencies, and the slowest of its queries.
type peerFigures struct {
	Name        string  `json:"name"`
	Requests    int     `json:"requests"`
	P50         float64 `json:"p50_ms"`
	P95         float64 `json:"p95_ms"`
	P99         float64 `json:"p99_ms"`
	WorstP95    float64 `json:"worst_query_p95_ms"`
	WorstQuery  string  `json:"worst_query"`
	AvgTotal    float64 `json:"avg_total"`
	ZeroResults int     `json:"queries_finding_nothing"`
}

// peer measures the peer views one request at a time, each request of a view cycling
// through its list after one untimed pass, and prints a table (and JSON to bc.Out).
func (b *bencher) peer(ctx context.Context, w io.Writer, one, three []string) error {
	views := peerViews(one, three)
	out := map[string]peerFigures{}
	n := 0
	fmt.Fprintf(w, "| view | requests | p50 ms | p95 ms | p99 ms | slowest query's p95 ms | avg hits |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, v := range views {
		for _, r := range v.reqs { // untimed: warms what a warm server has
			if _, err := b.get(ctx, r); err != nil {
				return fmt.Errorf("%s: %q: %w", v.key, r.Query, err)
			}
		}
		count := max(b.cfg.Requests, 5*len(v.reqs))
		var all []time.Duration
		per := map[int][]time.Duration{}
		totals, zero := 0.0, map[int]bool{}
		for i := range count {
			k := i % len(v.reqs)
			r := v.reqs[k]
			if v.cold {
				n++
				r.Query = strings.Repeat(" ", 1+n%400) + r.Query
			}
			start := time.Now()
			total, err := b.get(ctx, r)
			if err != nil {
				return fmt.Errorf("%s: %q: %w", v.key, r.Query, err)
			}
			d := time.Since(start)
			all, per[k] = append(all, d), append(per[k], d)
			totals += float64(total)
			zero[k] = total == 0
		}
		f := peerFigures{Name: v.name, Requests: count, P50: msf(pct(all, 50)), P95: msf(pct(all, 95)), P99: msf(pct(all, 99)), AvgTotal: totals / float64(count)}
		for k, d := range per {
			if p := msf(pct(d, 95)); p > f.WorstP95 {
				f.WorstP95, f.WorstQuery = p, v.reqs[k].Query
			}
			if zero[k] {
				f.ZeroResults++
			}
		}
		out[v.key] = f
		fmt.Fprintf(w, "| %s %s | %d | %.2f | %.2f | %.2f | %.2f (%s) | %.0f |\n", v.key, v.name, count, f.P50, f.P95, f.P99, f.WorstP95, f.WorstQuery, f.AvgTotal)
	}
	rss, hwm := memory()
	fmt.Fprintf(w, "\nprocess RSS after the views %d MB (peak %d MB; server and client in one process)\n", rss, hwm)
	if b.cfg.Out == "" {
		return nil
	}
	js, err := json.MarshalIndent(map[string]any{"docs": b.docs, "views": out, "rss_mb": rss, "peak_rss_mb": hwm}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(b.cfg.Out, js, 0o644)
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// memory is the process's resident set size and its peak, in MB (0 where /proc is missing).
func memory() (rss, hwm int) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}
