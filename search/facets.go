package search

import (
	"sort"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
)

// facetValues orders a facet's values by count, then A to Ö, and keeps the selected values
// even when nothing matches them.
func facetValues(fr *bsearch.FacetResult, selected []string, size int) []FacetValue {
	counts := map[string]int{}
	if fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
	}
	var vs []FacetValue
	for term, n := range counts {
		vs = append(vs, FacetValue{Value: term, Count: n})
	}
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return indexer.SortKey(vs[i].Value) < indexer.SortKey(vs[j].Value)
	})
	if len(vs) > size {
		vs = vs[:size]
	}
	for _, s := range selected {
		found := false
		for i := range vs {
			if vs[i].Value == s {
				vs[i].Selected, found = true, true
			}
		}
		if !found {
			vs = append(vs, FacetValue{Value: s, Count: counts[s], Selected: true})
		}
	}
	return vs
}

// fetchSize is how many values to ask bleve for: more than are shown, so that values tied at
// the cut are ordered by us (A to Ö) rather than by chance.
func fetchSize(shown int) int { return 2*shown + 10 }

func anyTerm(field string, values []string) query.Query {
	var qs []query.Query
	for _, v := range values {
		t := query.NewTermQuery(v)
		t.SetField(field)
		qs = append(qs, t)
	}
	return query.NewDisjunctionQuery(qs)
}

func filtersExcept(filters map[string]query.Query, except string) []query.Query {
	var qs []query.Query
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
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
