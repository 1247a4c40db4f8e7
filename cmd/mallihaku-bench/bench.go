package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

func buildSynthetic(ctx context.Context, ix *indexer.Index, bc config, stderr io.Writer) error {
	g, err := synthetic.New(bc.Seed)
	if err != nil {
		return err
	}
	_, err = ix.Build(ctx, func(ctx context.Context, put func(practice.Model) error) error {
		for i := range bc.Docs {
			if i > 0 && i%10000 == 0 {
				fmt.Fprintf(stderr, "bench: %d models indexed\n", i)
			}
			if err := put(g.Model()); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

type bencher struct {
	base     string
	client   *http.Client
	searcher *search.Searcher
	cfg      config
	docs     uint64
	rng      *rand.Rand
	facets   map[string][]search.FacetValue
	words    []string // the one-word view's, then the three-word view's
	common   string   // a word most models have
	pool     []string // words of the random view
	kinds    map[string][]time.Duration
}

// view is one kind of search: next makes its next request (the same one, or a new random one).
type view struct {
	name   string
	next   func() search.Request
	random bool // each request is another search
}

func (b *bencher) run(ctx context.Context, w io.Writer) error {
	// The first search builds the facet corpus of this index version: what the first search
	// after every write costs.
	start := time.Now()
	if _, err := b.get(ctx, search.Request{}); err != nil {
		return err
	}
	first := time.Since(start)
	var err error
	if b.facets, err = b.searcher.AllFacets(ctx); err != nil {
		return err
	}
	if err := b.pickWords(ctx); err != nil {
		return err
	}
	views := b.views()
	fmt.Fprintf(w, "%d synthetic models (seed %d); first search after a write (builds the facet bitmaps): %s ms\n", b.cfg.Docs, b.cfg.Seed, ms(first))
	fmt.Fprintf(w, "one word: %q; common word: %q; three words: %q; latencies from %d requests one at a time\n\n",
		b.words[0], b.common, strings.Join(b.words[1:4], " "), b.cfg.Requests)
	fmt.Fprintf(w, "| view | hits | p50 ms | p95 ms | p99 ms | req/s (%d clients) |\n", b.cfg.Clients)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, v := range views {
		lat, hits, err := b.latencies(ctx, v)
		if err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		rps, err := b.throughput(ctx, v)
		if err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		found := fmt.Sprint(hits)
		if v.random {
			found = "varies"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f |\n", v.name, found, ms(pct(lat, 50)), ms(pct(lat, 95)), ms(pct(lat, 99)), rps)
	}
	fmt.Fprintln(w)
	b.randomKinds(w)
	return b.worst(ctx, w)
}

func (b *bencher) views() []view {
	fixed := func(r search.Request) func() search.Request { return func() search.Request { return r } }
	// cold repeats a query written differently each time (leading spaces, which change
	// nothing but the key of the per-version cache of what words matched), so that every
	// request matches the words with bleve again.
	n := 0
	cold := func(word string) func() search.Request {
		return func() search.Request {
			n++
			return search.Request{Query: strings.Repeat(" ", 1+n%400) + word}
		}
	}
	w := b.words
	return []view{
		{name: "browse, all facets", next: fixed(search.Request{})},
		{name: "one filter (region=Pirkanmaa)", next: fixed(search.Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}})},
		{name: fmt.Sprintf("one word (%s) + facets + highlights", w[0]), next: fixed(search.Request{Query: w[0]})},
		{name: "the same, cold (words' matches not cached)", next: cold(w[0])},
		{name: fmt.Sprintf("one common word (%s) + facets + highlights", b.common), next: fixed(search.Request{Query: b.common})},
		{name: "the same, cold", next: cold(b.common)},
		{name: "three words + two filters", next: fixed(search.Request{Query: strings.Join(w[1:4], " "), Filters: twoFilters})},
		{name: "deep page (page 500 of 20, by modified)", next: fixed(search.Request{Sort: "modified", Page: 500, Size: 20})},
		{name: "random filters and words (uncached)", next: b.random, random: true},
	}
}

// twoFilters are the filters of the three-word view.
var twoFilters = map[string][]string{"region": {"Uusimaa", "Pirkanmaa"}, "phase": {practice.PhaseReady}}

// pickWords finds words for the query views: for the one-word view the word of a few common
// ones that matches closest to a tenth of the models, for the common-word view the one that
// matches most; for the three-word view three words in the summary of a model the view's
// filters select (so that it finds something); for the random view, words of the generated
// text, common and rare.
func (b *bencher) pickWords(ctx context.Context) error {
	total := float64(b.cfg.Docs)
	best, bestFrom, most := "", 2.0, uint64(0)
	for _, w := range []string{"päihde", "kotihoito", "omaishoitaja", "koulu", "chat", "ryhmä", "työllisyys",
		"digituki", "perhekeskus", "vertaistuki", "kuntoutus", "muisti", "asunto", "velka", "nuorten", "asiakas"} {
		res, err := b.searcher.Search(ctx, search.Request{Query: w, Size: 1})
		if err != nil {
			return err
		}
		if d := math.Abs(float64(res.Total)/total - 0.1); d < bestFrom {
			best, bestFrom = w, d
		}
		if res.Total > most {
			b.common, most = w, res.Total
		}
	}
	g, err := synthetic.New(b.cfg.Seed + 1)
	if err != nil {
		return err
	}
	b.pool = g.Words(2000)
	res, err := b.searcher.Search(ctx, search.Request{Size: 50, Filters: twoFilters})
	if err != nil {
		return err
	}
	for _, h := range res.Hits {
		var long []string
		for _, f := range strings.Fields(h.Model.Summary) {
			f = strings.Trim(f, ".,;:()–\"")
			if len([]rune(f)) >= 7 && !slices.Contains(long, strings.ToLower(f)) {
				long = append(long, strings.ToLower(f))
			}
		}
		if len(long) >= 3 {
			b.words = append([]string{best}, long[:3]...)
			return nil
		}
	}
	return errors.New("no model with three long words in its summary")
}

// random is a new request every time: 0-3 filters with 1-2 values each, chosen from the
// facets' values, one or two of 2,000 words half of the time (so neither the match cache nor
// the decoded-document cache carries the figures), a random sort and one of the first pages.
func (b *bencher) random() search.Request {
	r := search.Request{Filters: map[string][]string{}}
	keys := []string{"region", "wellbeing_county", "phase", "topic", "target_group", "phenomenon", "funder", "year", "created_year"}
	for range b.rng.IntN(4) {
		k := keys[b.rng.IntN(len(keys))]
		vals := b.facets[k]
		if len(vals) == 0 {
			continue
		}
		for range 1 + b.rng.IntN(2) {
			r.Filters[k] = append(r.Filters[k], vals[b.rng.IntN(min(len(vals), 12))].Value)
		}
	}
	if b.rng.IntN(2) == 0 {
		r.Query = b.pool[b.rng.IntN(len(b.pool))]
		if b.rng.IntN(3) == 0 {
			r.Query += " " + b.pool[b.rng.IntN(len(b.pool))]
		}
	}
	r.Sort = []string{"relevance", "modified", "created", "title"}[b.rng.IntN(4)]
	r.Page = 1 + b.rng.IntN(3)
	return r
}

func (b *bencher) latencies(ctx context.Context, v view) ([]time.Duration, uint64, error) {
	var lat []time.Duration
	var hits uint64
	for range b.cfg.Requests {
		r := v.next()
		start := time.Now()
		total, err := b.get(ctx, r)
		if err != nil {
			return nil, 0, err
		}
		d := time.Since(start)
		lat = append(lat, d)
		hits = total
		if v.random {
			kind := "no words"
			switch {
			case r.Query != "" && total == 0:
				kind = "words, nothing found (a spelling suggestion is tried)"
			case r.Query != "":
				kind = "words, found"
			}
			b.kinds[kind] = append(b.kinds[kind], d)
		}
	}
	return lat, hits, nil
}

// randomKinds prints the random view's latencies by kind of search.
func (b *bencher) randomKinds(w io.Writer) {
	fmt.Fprintln(w, "| random view, by kind | requests | p50 ms | p95 ms | p99 ms |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for _, k := range slices.Sorted(maps.Keys(b.kinds)) {
		d := b.kinds[k]
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", k, len(d), ms(pct(d, 50)), ms(pct(d, 95)), ms(pct(d, 99)))
	}
	fmt.Fprintln(w)
}

func (b *bencher) throughput(ctx context.Context, v view) (float64, error) {
	n := b.cfg.Requests
	reqs := make(chan search.Request, n)
	for range n {
		reqs <- v.next()
	}
	close(reqs)
	errs := make(chan error, b.cfg.Clients)
	start := time.Now()
	for range b.cfg.Clients {
		go func() {
			for r := range reqs {
				if _, err := b.get(ctx, r); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	var err error
	for range b.cfg.Clients {
		err = errors.Join(err, <-errs)
	}
	return float64(n) / time.Since(start).Seconds(), err
}

// get runs one search over HTTP and returns its total.
func (b *bencher) get(ctx context.Context, r search.Request) (uint64, error) {
	q := url.Values{}
	if r.Query != "" {
		q.Set("q", r.Query)
	}
	for k, vs := range r.Filters {
		q[k] = vs
	}
	if r.Sort != "" {
		q.Set("sort", r.Sort)
	}
	if r.Page > 0 {
		q.Set("page", fmt.Sprint(r.Page))
	}
	if r.Size > 0 {
		q.Set("size", fmt.Sprint(r.Size))
	}
	status, body, err := b.fetch(ctx, "/api/v1/search?"+q.Encode())
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", status, body)
	}
	var res struct {
		Total uint64 `json:"total"`
	}
	err = json.Unmarshal(body, &res)
	return res.Total, err
}

func (b *bencher) fetch(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func (b *bencher) worst(ctx context.Context, w io.Writer) error {
	fmt.Fprintln(w, "| hostile query | status | time ms (best of 3) |")
	fmt.Fprintln(w, "|---|---:|---:|")
	queries := benchq.WorstQueries()
	for _, name := range slices.Sorted(maps.Keys(queries)) {
		best := time.Duration(1 << 62)
		status := 0
		for range 3 {
			start := time.Now()
			st, _, err := b.fetch(ctx, "/api/v1/search?q="+url.QueryEscape(queries[name]))
			if err != nil {
				return err
			}
			best, status = min(best, time.Since(start)), st
		}
		fmt.Fprintf(w, "| `%s` | %d | %s |\n", name, status, ms(best))
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
