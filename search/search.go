package search

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// Paging and facet limits of the API.
const (
	DefaultSize      = 20
	MaxSize          = 100
	MaxDepth         = 10000 // page × size
	DefaultFacetSize = 10
	MaxFacetSize     = 100
	MaxFilterValues  = 50 // values of one filter
)

// Facet is one filterable, countable property of a model.
type Facet struct {
	Key   string // the filter parameter and the facet's key in results
	Field string // the index field
}

// Facets in the order a user meets them: where and how mature first.
var Facets = []Facet{
	{"region", indexer.FieldRegion},
	{"wellbeing_county", indexer.FieldWellbeingCounty},
	{"municipality", indexer.FieldMunicipality},
	{"phase", indexer.FieldPhase},
	{"topic", indexer.FieldTopics},
	{"target_group", indexer.FieldTargetGroups},
	{"phenomenon", indexer.FieldPhenomena},
	{"funder", indexer.FieldFunders},
	{"year", indexer.FieldYear},
	{"lang", indexer.FieldLang},
}

// FacetByKey finds a facet by its key.
func FacetByKey(key string) (Facet, bool) {
	for _, f := range Facets {
		if f.Key == key {
			return f, true
		}
	}
	return Facet{}, false
}

// Sorts are the orders a user can ask for.
var Sorts = map[string][]string{
	"relevance": {"-_score", "-" + indexer.FieldModified, "_id"},
	"modified":  {"-" + indexer.FieldModified, "-_score", "_id"},
	"created":   {"-" + indexer.FieldCreated, "-_score", "_id"},
	"title":     {indexer.FieldTitleSort, "_id"},
}

// Request is one search as a user asked it.
type Request struct {
	Query     string
	Filters   map[string][]string // facet key → selected values
	Sort      string              // a key of Sorts; "" is relevance
	Page      int                 // from 1; 0 is 1
	Size      int                 // 0 is DefaultSize
	FacetSize int                 // 0 is DefaultFacetSize
}

// Result is what one search found.
type Result struct {
	Query  string
	Total  uint64
	Page   int
	Size   int
	Took   time.Duration
	Hits   []Hit
	Facets map[string][]FacetValue
}

// Hit is one model found, with fragments of its text where the query matched.
type Hit struct {
	Model      practice.Model
	Score      float64
	Highlights map[string][]string // field (title, summary, sections) → HTML fragments with <mark>
}

// FacetValue is one value of a facet and how many results selecting it would give.
type FacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
}

// Searcher answers searches from the live index.
type Searcher struct {
	index *indexer.Index
}

// NewSearcher returns a Searcher over index.
func NewSearcher(index *indexer.Index) *Searcher { return &Searcher{index: index} }

// Search runs a search. Errors wrapping ErrBadQuery are the user's to fix.
func (s *Searcher) Search(ctx context.Context, r Request) (Result, error) {
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
		filters[key] = anyTerm(f.Field, values)
	}

	req := bleve.NewSearchRequestOptions(and(text, filtersExcept(filters, "")), r.Size, (r.Page-1)*r.Size, false)
	req.SortBy(Sorts[r.Sort])
	req.Fields = []string{indexer.FieldModel}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.Fields = []string{indexer.FieldTitle, indexer.FieldSummary, indexer.FieldSections}
	for _, f := range Facets {
		if _, selected := filters[f.Key]; !selected {
			req.AddFacet(f.Key, bleve.NewFacetRequest(f.Field, fetchSize(r.FacetSize)))
		}
	}
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Query: r.Query, Total: res.Total, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	for _, h := range res.Hits {
		m, err := indexer.DecodeModel(h.Fields)
		if err != nil {
			return Result{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
		}
		out.Hits = append(out.Hits, Hit{Model: m, Score: h.Score, Highlights: marked(h.Fragments)})
	}
	for _, f := range Facets {
		if fr, ok := res.Facets[f.Key]; ok {
			out.Facets[f.Key] = facetValues(fr, nil, r.FacetSize)
		}
	}
	// A facet with a selection is counted without its own filter, so that the user sees what
	// choosing another value too would give.
	for key := range filters {
		f, _ := FacetByKey(key)
		freq := bleve.NewSearchRequestOptions(and(text, filtersExcept(filters, key)), 0, 0, false)
		freq.AddFacet(key, bleve.NewFacetRequest(f.Field, fetchSize(r.FacetSize)))
		fres, err := s.index.Search(ctx, freq)
		if err != nil {
			return Result{}, fmt.Errorf("search: facet %s: %w", key, err)
		}
		out.Facets[key] = facetValues(fres.Facets[key], r.Filters[key], r.FacetSize)
	}
	out.Took = time.Since(start)
	return out, nil
}

func (r *Request) normalize() error {
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.FacetSize == 0 {
		r.FacetSize = DefaultFacetSize
	}
	if r.Sort == "" {
		r.Sort = "relevance"
	}
	switch {
	case r.Page < 1:
		return badQuery("page must be 1 or more")
	case r.Size < 1 || r.Size > MaxSize:
		return badQuery("size must be between 1 and %d", MaxSize)
	case r.Page*r.Size > MaxDepth:
		return badQuery("results beyond the first %d cannot be paged to; narrow the search instead", MaxDepth)
	case r.FacetSize < 1 || r.FacetSize > MaxFacetSize:
		return badQuery("facet_size must be between 1 and %d", MaxFacetSize)
	}
	if _, ok := Sorts[r.Sort]; !ok {
		return badQuery("unknown sort %q; use relevance, modified, created or title", r.Sort)
	}
	for key, values := range r.Filters {
		if _, ok := FacetByKey(key); !ok {
			return badQuery("unknown filter %q", key)
		}
		if len(values) > MaxFilterValues {
			return badQuery("filter %s has %d values; at most %d are allowed", key, len(values), MaxFilterValues)
		}
		if len(values) == 0 {
			delete(r.Filters, key)
		}
	}
	return nil
}

// textQuery builds the query for the parsed clauses: every word and phrase must match in
// some text field, excluded ones must not. No clauses match everything.
func (s *Searcher) textQuery(clauses []Clause) query.Query {
	var must, mustNot []query.Query
	for _, c := range clauses {
		var q query.Query
		switch {
		case c.Prefix:
			q = overTextFields(func(field string) query.Query {
				p := query.NewPrefixQuery(strings.ToLower(c.Text))
				p.SetField(field)
				return p
			})
		case c.Phrase:
			q = overTextFields(func(field string) query.Query {
				p := query.NewMatchPhraseQuery(c.Text)
				p.SetField(field)
				return p
			})
		default:
			if len(s.index.Terms(c.Text)) == 0 {
				continue // a stop word or punctuation alone: it cannot narrow anything
			}
			q = overTextFields(func(field string) query.Query {
				m := query.NewMatchQuery(c.Text)
				m.SetField(field)
				m.SetOperator(query.MatchQueryOperatorAnd)
				return m
			})
		}
		if c.Exclude {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	if len(must) == 0 && len(mustNot) == 0 {
		return query.NewMatchAllQuery()
	}
	b := query.NewBooleanQuery(must, nil, mustNot)
	if len(must) == 0 {
		b.AddMust(query.NewMatchAllQuery())
	}
	return b
}

func overTextFields(build func(field string) query.Query) query.Query {
	fields := make([]string, 0, len(indexer.TextFields))
	for f := range indexer.TextFields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var qs []query.Query
	for _, f := range fields {
		q := build(f)
		if b, ok := q.(query.BoostableQuery); ok {
			b.SetBoost(indexer.TextFields[f])
		}
		qs = append(qs, q)
	}
	return query.NewDisjunctionQuery(qs)
}

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

// marked keeps the fragments where the query matched: the highlighter also returns plain
// fragments of requested fields that did not match.
func marked(fragments map[string][]string) map[string][]string {
	out := map[string][]string{}
	for field, fs := range fragments {
		for _, f := range fs {
			if strings.Contains(f, "<mark>") {
				out[field] = append(out[field], f)
			}
		}
	}
	return out
}

// fetchSize is how many values to ask bleve for: more than are shown, so that values tied at
// the cut are ordered by us (A to Ö) rather than by chance.
func fetchSize(shown int) int { return 2*shown + 10 }

// IsBadQuery reports whether err is the user's to fix.
func IsBadQuery(err error) bool { return errors.Is(err, ErrBadQuery) }

// ErrNotFound means no model has the ID asked for.
var ErrNotFound = indexer.ErrNotFound

// Model returns one model's whole document.
func (s *Searcher) Model(ctx context.Context, id string) (practice.Model, error) {
	return s.index.Model(ctx, id)
}
