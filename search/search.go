package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
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
	// Suggestion is a spelling suggestion for a query with words the index does not know;
	// nil when there is none.
	Suggestion *Suggestion
}

// Suggestion is another way to write the query. Applied means the hits shown are those of
// the suggestion, because the query as written found nothing.
type Suggestion struct {
	Query   string `json:"query"`
	Applied bool   `json:"applied"`
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
	out = s.withSuggestion(ctx, r, clauses, out) // spelling suggestion when nothing was found
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

// ErrNotFound means no model has the ID asked for.
var ErrNotFound = indexer.ErrNotFound

// Model returns one model's whole document.
func (s *Searcher) Model(ctx context.Context, id string) (practice.Model, error) {
	return s.index.Model(ctx, id)
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

// IsBadQuery reports whether err is the user's to fix.
func IsBadQuery(err error) bool { return errors.Is(err, ErrBadQuery) }
