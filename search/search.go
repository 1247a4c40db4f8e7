package search

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/mallihaku/mallihaku/busy"
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

// Cost limits of one search: how many terms one clause of the query may expand into (a
// prefix shared by many words), how many term lookups the whole query may make, how long it
// may run, and how many searches run at once (the rest wait, up to BusyWait).
const (
	MaxClauseTerms   = 1024
	MaxTermSearchers = 4096
	SearchTimeout    = 5 * time.Second
	BusyWait         = 2 * time.Second
)

// ErrBusy means too many searches are running; try again in a moment.
var ErrBusy = busy.New("too many searches at once")

// sorts are the orders a user can ask for, as bleve sort fields: what the facet engine's own
// orders reproduce (see corpus.order), and what a plain bleve request would use.
var sorts = map[string][]string{
	"relevance": {"-_score", "-" + indexer.FieldModified, "_id"},
	"modified":  {"-" + indexer.FieldModified, "-_score", "_id"},
	"created":   {"-" + indexer.FieldCreated, "-_score", "_id"},
	"title":     {indexer.FieldTitleSort, "_id"},
}

// Sorts returns the names of the orders a user can ask for, A to Z.
func Sorts() []string { return slices.Sorted(maps.Keys(sorts)) }

// Request is one search as a user asked it.
type Request struct {
	Query     string
	Filters   map[string][]string  // facet key → selected values
	Years     map[string]YearRange // year facet key (year, created_year) → the years wanted
	Sort      string               // relevance, modified, created or title; "" is relevance
	Page      int                  // from 1; 0 is 1
	Size      int                  // 0 is DefaultSize
	FacetSize int                  // 0 is DefaultFacetSize
	// IncludeNational lets national models (region Valtakunnallinen) match the area filters
	// (region, wellbeing county, municipality): they apply in every area.
	IncludeNational bool
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
	// Relaxed says the words as they stand found nothing, and the hits are models that have
	// the parts of the query's compound words apart (lapsiperhetyö: lapsiperhe … perhetyö).
	Relaxed bool
	// Suggestion is a spelling suggestion for a query with words the index does not know;
	// nil when there is none.
	Suggestion *Suggestion
	// National is, when an area is chosen, how many national models the search finds apart
	// from its area filters: what IncludeNational adds, or would add.
	National int
	// Without is, when nothing was found, how many models each chosen filter value's removal
	// would give (facet key → value → count).
	Without map[string]map[string]uint64
}

// Suggestion is another way to write the query. Applied means the hits shown are those of
// the suggestion, because the query as written found nothing.
type Suggestion struct {
	Query   string `json:"query"`
	Applied bool   `json:"applied"`
}

// Hit is one model found, with fragments of its text where the query matched. Model may be
// shared with other searches' hits: read it, do not change it.
type Hit struct {
	Model      practice.Model
	Score      float64
	Highlights Highlights
}

// Searcher answers searches from the live index.
type Searcher struct {
	index *indexer.Index
	views *views
	slots chan struct{} // one per search running
}

// NewSearcher returns a Searcher over index.
func NewSearcher(index *indexer.Index) *Searcher {
	// bleve reads this bound on the terms one disjunction may have (a prefix expands into one
	// term per word it starts) from a package variable; it is set where searching starts.
	if searcher.DisjunctionMaxClauseCount != MaxClauseTerms {
		searcher.DisjunctionMaxClauseCount = MaxClauseTerms
	}
	return &Searcher{index: index, views: &views{index: index}, slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
}

// Close releases the view of the index the searcher holds.
func (s *Searcher) Close() { s.views.close() }

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
	var out Result
	err = s.read(ctx, func(ctx context.Context, v *sharedView, c *corpus) error {
		if out, err = s.run(ctx, v, c, r, r.Query, s.textQuery(clauses)); err != nil {
			return err
		}
		if out.Total == 0 && s.hasCompound(clauses) {
			relaxed, err := s.run(ctx, v, c, r, "\x00relaxed\x00"+r.Query, s.relaxedQuery(clauses))
			if err != nil {
				return err
			}
			if relaxed.Total > 0 {
				out, out.Relaxed = relaxed, true
			}
		}
		// A spelling suggestion when nothing was found: in the same slot, deadline and term
		// cap, so that misspelled words cost no more than the search allows.
		out = s.withSuggestion(ctx, v, c, r, clauses, out)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// read runs fn with the current view of the index and its corpus, within the search limits:
// a free slot, a deadline and a bound on the term lookups.
func (s *Searcher) read(ctx context.Context, fn func(ctx context.Context, v *sharedView, c *corpus) error) error {
	wait := time.NewTimer(BusyWait)
	defer wait.Stop()
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-wait.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, SearchTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers)
	v, err := s.views.acquire()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.views.release(v)
	c, err := v.corpusOf(ctx)
	if err != nil {
		return fmt.Errorf("search: facets: %w", err)
	}
	return fn(ctx, v, c)
}

// Warm builds the facet bitmaps and sort orders of the live index version now, so that the
// first search after a write does not wait for them; a search started meanwhile shares the
// build. It takes no search slot.
func (s *Searcher) Warm(ctx context.Context) error {
	v, err := s.views.acquire()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.views.release(v)
	if _, err := v.corpusOf(ctx); err != nil {
		return fmt.Errorf("search: facets: %w", err)
	}
	return nil
}

// run is one search on one view. Filters are bitmaps of the corpus; the words (if any) are
// matched by bleve once, giving the set of matching documents and their scores, and every
// facet is counted by intersecting that set with the filters and with each value's documents.
func (s *Searcher) run(ctx context.Context, v *sharedView, c *corpus, r Request, key string, text query.Query) (Result, error) {
	out := Result{Query: r.Query, Page: r.Page, Size: r.Size, Facets: map[string][]FacetValue{}}
	from := (r.Page - 1) * r.Size
	sets := c.filterSets(c.withYears(r.Filters, r.Years))
	if r.IncludeNational && areaChosen(r.Filters) {
		c.withNational(sets)
	}
	filtered := c.intersect(nil, sets, "") // every filter: c.docs when there are none

	_, browse := text.(*query.MatchAllQuery)
	var matched *roaring.Bitmap // nil: every document (no words)
	var page []scored
	if browse {
		for _, d := range c.browsePage(filtered, r.Sort, from, r.Size) {
			page = append(page, scored{doc: d})
		}
	} else {
		var m *matchSet
		var err error
		if scored := r.Sort != "title"; scored && narrow(filtered, c.docs) {
			// Few documents pass the filters: match the words unscored, which is quick,
			// for the total and the facets, and score only the documents that can be shown.
			var all *matchSet
			if all, err = v.match(ctx, key, text, false); err == nil {
				m, err = v.matchWithin(ctx, key, filterKey(r), text, roaring.And(all.set, filtered))
				matched = all.set
			}
		} else {
			m, err = v.match(ctx, key, text, scored)
		}
		if err != nil {
			return out, matchError(err)
		}
		top := newTopN(from+r.Size, c.order(r.Sort))
		for i, d := range m.docs {
			if filtered == c.docs || filtered.Contains(d) {
				sd := scored{doc: d}
				if m.scores != nil {
					sd.score = m.scores[i]
				}
				top.offer(sd)
			}
		}
		if matched == nil {
			matched = m.set
		}
		if all := top.sorted(); from < len(all) {
			page = all[from:]
		}
	}
	hits := c.intersect(matched, sets, "")
	out.Total = hits.GetCardinality()

	for _, f := range facets {
		base := hits
		if _, selected := sets[f.Key]; selected {
			base = c.intersect(matched, sets, f.Key) // disjunctive: without its own filter
		}
		fi := c.facets[f.Key]
		out.Facets[f.Key] = facetValues(fi, fi.count(base, base == c.docs), r.Filters, r.FacetSize)
	}
	if areaChosen(r.Filters) {
		out.National = c.nationalCount(matched, sets)
	}
	if out.Total == 0 && len(r.Filters) > 0 {
		out.Without = c.withoutEach(matched, r)
	}

	ids := make([]string, len(page))
	for i, p := range page {
		ids[i] = c.keys.ID[p.doc]
	}
	var locs map[string][]indexer.Location
	if hq := highlightQuery(text); !browse && hq != nil && len(ids) > 0 {
		var err error
		if locs, err = v.Locations(ctx, hq, ids); err != nil {
			return out, matchError(err)
		}
	}
	for i, p := range page {
		m, err := v.model(p.doc, ids[i])
		if err != nil {
			return out, fmt.Errorf("search: hit %s: %w", ids[i], err)
		}
		out.Hits = append(out.Hits, Hit{Model: m, Score: p.score, Highlights: highlight(m, locs[ids[i]])})
	}
	return out, nil
}

// narrow reports whether filters leave at most half of the documents, so that scoring only
// those is worth a second, unscored match for the facets.
func narrow(filtered, all *roaring.Bitmap) bool {
	return filtered != all && 2*filtered.GetCardinality() <= all.GetCardinality()
}

// filterKey is a request's filters as a key: requests with the same key filter the same
// documents.
func filterKey(r Request) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(r.Filters)) {
		fmt.Fprintf(&b, "%s=%q;", k, slices.Sorted(slices.Values(r.Filters[k])))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Years)) {
		fmt.Fprintf(&b, "%s=%d-%d;", k, r.Years[k].From, r.Years[k].To)
	}
	fmt.Fprintf(&b, "national=%t", r.IncludeNational)
	return b.String()
}

// matchError turns what bleve says of a query it cannot afford into a message for the user.
func matchError(err error) error {
	switch {
	case errors.Is(err, indexer.ErrTooBroad):
		return &QueryError{Code: CodePrefixTooBroad}
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("search: %w", err)
	}
	return fmt.Errorf("search: %w", err)
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
		return &QueryError{Code: CodeBadPage}
	case r.Size < 1 || r.Size > MaxSize:
		return &QueryError{Code: CodeBadSize, Limit: MaxSize}
	case r.Page > MaxDepth || r.Page*r.Size > MaxDepth:
		return &QueryError{Code: CodeTooDeep, Limit: MaxDepth}
	case r.FacetSize < 1 || r.FacetSize > MaxFacetSize:
		return &QueryError{Code: CodeBadFacetSize, Limit: MaxFacetSize}
	}
	if _, ok := sorts[r.Sort]; !ok {
		return &QueryError{Code: CodeUnknownSort, Word: r.Sort}
	}
	if err := r.normalizeYears(); err != nil {
		return err
	}
	for key, values := range r.Filters {
		if _, ok := FacetByKey(key); !ok {
			return &QueryError{Code: CodeUnknownFilter, Word: key}
		}
		if len(values) > MaxFilterValues {
			return &QueryError{Code: CodeTooManyValues, Word: key, Limit: MaxFilterValues}
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

// IsBadQuery reports whether err is the user's to fix.
func IsBadQuery(err error) bool { return errors.Is(err, ErrBadQuery) }
