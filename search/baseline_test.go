package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
)

// Baseline answers a search the plain bleve way, for comparison with the facet engine in
// tests and benchmarks: one request with the words and every filter as a query, a
// FacetRequest per facet, and one more request per selected facet for its disjunctive counts.
// Its counts are exact (no size cut: every value is asked for); its hits carry no highlights.
func (s *Searcher) Baseline(ctx context.Context, r Request, facetSize int) (Result, error) {
	start := time.Now()
	if err := r.normalize(); err != nil {
		return Result{}, err
	}
	clauses, err := Parse(r.Query)
	if err != nil {
		return Result{}, err
	}
	text := s.textQuery(clauses)
	filters := map[string]query.Query{}
	for key, values := range r.Filters {
		f, _ := FacetByKey(key)
		filters[key] = anyValue(f, values)
	}
	req := bleve.NewSearchRequestOptions(and(text, filtersExcept(filters, "")), r.Size, (r.Page-1)*r.Size, false)
	req.SortBy(sorts[r.Sort])
	req.Fields = []string{indexer.FieldModel}
	for _, f := range facets {
		if _, selected := filters[f.Key]; !selected {
			req.AddFacet(f.Key, facetRequest(f, facetSize))
		}
	}
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("baseline: %w", err)
	}
	out := Result{Query: r.Query, Total: res.Total, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	for _, h := range res.Hits {
		m, err := indexer.DecodeModel(h.Fields)
		if err != nil {
			return Result{}, fmt.Errorf("baseline: hit %s: %w", h.ID, err)
		}
		out.Hits = append(out.Hits, Hit{Model: m, Score: h.Score})
	}
	for key, fr := range res.Facets {
		out.Facets[key] = bleveValues(fr)
	}
	for key := range filters {
		f, _ := FacetByKey(key)
		freq := bleve.NewSearchRequestOptions(and(text, filtersExcept(filters, key)), 0, 0, false)
		freq.AddFacet(key, facetRequest(f, facetSize))
		fres, err := s.index.Search(ctx, freq)
		if err != nil {
			return Result{}, fmt.Errorf("baseline: facet %s: %w", key, err)
		}
		out.Facets[key] = bleveValues(fres.Facets[key])
	}
	out.Took = time.Since(start)
	return out, nil
}

// facetRequest is bleve's facet request for f: terms of its field, or a date range per year.
func facetRequest(f Facet, size int) *bleve.FacetRequest {
	fr := bleve.NewFacetRequest(f.Field, size)
	if f.Year {
		for y := 2000; y <= 2035; y++ {
			start, end := yearRange(y)
			fr.AddDateTimeRange(strconv.Itoa(y), start, end)
		}
	}
	return fr
}

func yearRange(y int) (start, end time.Time) {
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// anyValue is the bleve query for documents holding any of values of facet f.
func anyValue(f Facet, values []string) query.Query {
	var qs []query.Query
	for _, v := range values {
		if f.Year {
			y, err := strconv.Atoi(v)
			if err != nil {
				continue
			}
			start, end := yearRange(y)
			incl, excl := true, false
			q := query.NewDateRangeInclusiveQuery(start, end, &incl, &excl)
			q.SetField(f.Field)
			qs = append(qs, q)
			continue
		}
		t := query.NewTermQuery(v)
		t.SetField(f.Field)
		qs = append(qs, t)
	}
	return query.NewDisjunctionQuery(qs)
}

func bleveValues(fr *bsearch.FacetResult) []FacetValue {
	var vs []FacetValue
	if fr == nil {
		return vs
	}
	if fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			vs = append(vs, FacetValue{Value: t.Term, Count: t.Count})
		}
	}
	for _, d := range fr.DateRanges {
		if d.Count > 0 {
			vs = append(vs, FacetValue{Value: d.Name, Count: d.Count})
		}
	}
	slices.SortFunc(vs, lessValue)
	return vs
}

func filtersExcept(filters map[string]query.Query, except string) []query.Query {
	var qs []query.Query
	for _, k := range slices.Sorted(mapKeys(filters)) {
		if k != except {
			qs = append(qs, filters[k])
		}
	}
	return qs
}

func and(text query.Query, filters []query.Query) query.Query {
	if len(filters) == 0 {
		return text
	}
	return query.NewConjunctionQuery(append([]query.Query{text}, filters...))
}
