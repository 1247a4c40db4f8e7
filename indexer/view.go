package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/mallihaku/mallihaku/practice"
)

// ErrClosed means the index has been closed.
var ErrClosed = errors.New("index is closed")

// ErrTooBroad means a query would expand into more terms than a search may use (a prefix
// shared by too many words).
var ErrTooBroad = errors.New("query expands into too many terms")

// NoDate is the date key of a document without that date.
const NoDate = math.MinInt64

// View is a consistent, read-only view of the live generation as it was when the view was
// opened: what is derived from one view (its document numbers above all) holds for as long as
// the view is open, whatever is written or switched in meanwhile. Close it when done; a view
// may be shared by concurrent readers.
//
// Document numbers are the index's own (dense within a view, but renumbered by merges): they
// are valid only with the view they came from.
type View struct {
	version uint64
	gen     string
	reader  index.IndexReader
	mapping mapping.IndexMapping
}

// OpenView opens a view of the live generation. Its Version is the index version it holds at
// least: a write bumps the version only once it is searchable, and the version is read before
// the view is opened.
func (ix *Index) OpenView() (*View, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, ErrClosed
	}
	version := ix.version.Load()
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index view: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index view: %w", err)
	}
	return &View{version: version, gen: ix.gen, reader: r, mapping: ix.idx.Mapping()}, nil
}

// Close releases the view. A view stays readable after its generation is switched out and
// closed: it holds its own references to the index's segments.
func (v *View) Close() error { return v.reader.Close() }

// Version is the index version the view holds.
func (v *View) Version() uint64 { return v.version }

// Generation names the generation the view shows.
func (v *View) Generation() string { return v.gen }

// Count returns the number of documents in the view.
func (v *View) Count() (uint64, error) { return v.reader.DocCount() }

// Docs returns the numbers of every document in the view.
func (v *View) Docs() (*roaring.Bitmap, error) {
	r, err := v.reader.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("index view: %w", err)
	}
	defer r.Close()
	var nums []uint32
	for {
		id, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("index view: %w", err)
		}
		if id == nil {
			break
		}
		n, err := docNumber(id)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n)
	}
	return roaring.BitmapOf(nums...), nil
}

// Postings calls fn for every term of a keyword field with the documents that hold it.
func (v *View) Postings(ctx context.Context, field string, fn func(term string, docs *roaring.Bitmap)) error {
	dict, err := v.reader.FieldDict(field)
	if err != nil {
		return fmt.Errorf("index view: %s: %w", field, err)
	}
	defer dict.Close()
	var nums []uint32
	var tfd index.TermFieldDoc
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("index view: %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		tfr, err := v.reader.TermFieldReader(ctx, []byte(e.Term), field, false, false, false)
		if err != nil {
			return fmt.Errorf("index view: %s: %w", field, err)
		}
		nums = nums[:0]
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				tfr.Close()
				return fmt.Errorf("index view: %s: %w", field, err)
			}
			if d == nil {
				break
			}
			n, err := docNumber(d.ID)
			if err != nil {
				tfr.Close()
				return err
			}
			nums = append(nums, n)
		}
		tfr.Close()
		if len(nums) > 0 {
			fn(e.Term, roaring.BitmapOf(nums...))
		}
	}
}

// Keys are what documents sort by, indexed by document number (documents not in the view
// have empty keys and NoDate).
type Keys struct {
	ID        []string
	TitleSort []string
	Created   []int64 // Unix nanoseconds, or NoDate
	Modified  []int64
}

// SortKeys reads the sort keys of every document in docs.
func (v *View) SortKeys(ctx context.Context, docs *roaring.Bitmap) (Keys, error) {
	size := 0
	if !docs.IsEmpty() {
		size = int(docs.Maximum()) + 1
	}
	k := Keys{ID: make([]string, size), TitleSort: make([]string, size), Created: make([]int64, size), Modified: make([]int64, size)}
	for i := range size {
		k.Created[i], k.Modified[i] = NoDate, NoDate
	}
	dvr, err := v.reader.DocValueReader([]string{FieldID, FieldTitleSort, FieldCreated, FieldModified})
	if err != nil {
		return k, fmt.Errorf("index view: %w", err)
	}
	var doc uint32
	visit := func(field string, term []byte) {
		switch field {
		case FieldID:
			k.ID[doc] = string(term)
		case FieldTitleSort:
			k.TitleSort[doc] = string(term)
		case FieldCreated, FieldModified:
			pc := numeric.PrefixCoded(term)
			if shift, err := pc.Shift(); err != nil || shift != 0 {
				return
			}
			n, err := pc.Int64()
			if err != nil {
				return
			}
			if field == FieldCreated {
				k.Created[doc] = n
			} else {
				k.Modified[doc] = n
			}
		}
	}
	id := index.NewIndexInternalID(nil, 0)
	it := docs.Iterator()
	for i := 0; it.HasNext(); i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return k, err
			}
		}
		doc = it.Next()
		id.SetValue(uint64(doc))
		if err := dvr.VisitDocValues(id, visit); err != nil {
			return k, fmt.Errorf("index view: document %d: %w", doc, err)
		}
	}
	return k, nil
}

// searchContext prepares ctx the way bleve's own search does for its searchers.
func (v *View) searchContext(ctx context.Context) context.Context {
	model := index.DefaultScoringModel
	if m, ok := v.mapping.(*mapping.IndexMappingImpl); ok && m.ScoringModel == index.BM25Scoring {
		model = index.BM25Scoring
	}
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return model }))
	return search.ContextWithTermSearchersCounter(ctx)
}

func (v *View) searcher(ctx context.Context, q query.Query, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := q.Searcher(v.searchContext(ctx), v.reader, v.mapping, opts)
	if err != nil {
		if strings.Contains(err.Error(), "TooMany") {
			return nil, fmt.Errorf("%w: %v", ErrTooBroad, err)
		}
		return nil, fmt.Errorf("index view: %w", err)
	}
	return s, nil
}

// Match calls fn for every document that q matches, in document number order, with its
// score when scored (else 0). It stops early when ctx ends or fn fails.
func (v *View) Match(ctx context.Context, q query.Query, scored bool, fn func(doc uint32, score float64) error) error {
	return v.match(ctx, q, scored, nil, fn)
}

// MatchWithin calls fn, in document number order, for every document of within that q
// matches, with its score as Match would give it. It advances q's searcher to the documents
// of within only, so that a few documents cost far less than all of q's matches.
func (v *View) MatchWithin(ctx context.Context, q query.Query, within *roaring.Bitmap, fn func(doc uint32, score float64) error) error {
	if within.IsEmpty() {
		return nil
	}
	return v.match(ctx, q, true, within, fn)
}

// match is Match over every document (within nil) or MatchWithin.
func (v *View) match(ctx context.Context, q query.Query, scored bool, within *roaring.Bitmap, fn func(doc uint32, score float64) error) error {
	opts := search.SearcherOptions{}
	if !scored {
		opts.Score = "none"
	}
	s, err := v.searcher(ctx, q, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       v.reader,
	}
	var next roaring.IntPeekable
	if within != nil {
		next = within.Iterator()
	}
	id := make(index.IndexInternalID, 8)
	for i := 0; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var dm *search.DocumentMatch
		if within == nil {
			dm, err = s.Next(sctx)
		} else if next.HasNext() {
			id.SetValue(uint64(next.Next()))
			dm, err = s.Advance(sctx, id)
		}
		if err != nil {
			return fmt.Errorf("index view: %w", err)
		}
		if dm == nil {
			return nil
		}
		n, err := docNumber(dm.IndexInternalID)
		if err != nil {
			return err
		}
		// Advanced, the searcher stands past what it returned: a document of within that it
		// passed on the way is the one it returned, or none.
		if within == nil || within.Contains(n) {
			if err := fn(n, dm.Score); err != nil {
				return err
			}
		}
		if within != nil {
			next.AdvanceIfNeeded(n + 1)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// Location is where one term of a query matched in a document's field.
type Location struct {
	Field string
	// Element is the position of the value in a field of many values (sections), else 0.
	Element    int
	Start, End int // byte offsets in the value's text
}

// Locations returns where q matched in each of the documents named by ids.
func (v *View) Locations(ctx context.Context, q query.Query, ids []string) (map[string][]Location, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	both := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), q})
	s, err := v.searcher(ctx, both, search.SearcherOptions{IncludeTermVectors: true, Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       v.reader,
	}
	out := map[string][]Location{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, fmt.Errorf("index view: %w", err)
		}
		if dm == nil {
			return out, nil
		}
		id, err := v.reader.ExternalID(dm.IndexInternalID)
		if err != nil {
			return nil, fmt.Errorf("index view: %w", err)
		}
		dm.Complete(nil)
		var locs []Location
		for field, terms := range dm.Locations {
			for _, ls := range terms {
				for _, l := range ls {
					loc := Location{Field: field, Start: int(l.Start), End: int(l.End)}
					if len(l.ArrayPositions) > 0 {
						loc.Element = int(l.ArrayPositions[0])
					}
					locs = append(locs, loc)
				}
			}
		}
		out[id] = locs
		sctx.DocumentMatchPool.Put(dm)
	}
}

// Model returns the stored document of one model.
func (v *View) Model(id string) (practice.Model, error) {
	doc, err := v.reader.Document(id)
	if err != nil {
		return practice.Model{}, fmt.Errorf("index view: %s: %w", id, err)
	}
	if doc == nil {
		return practice.Model{}, ErrNotFound
	}
	var m practice.Model
	found := false
	doc.VisitFields(func(f index.Field) {
		if f.Name() == FieldModel {
			found = true
			err = json.Unmarshal(f.Value(), &m)
		}
	})
	if !found {
		return m, fmt.Errorf("index view: %s has no stored model", id)
	}
	if err != nil {
		return m, fmt.Errorf("index view: %s: %w", id, err)
	}
	return m, nil
}

func docNumber(id index.IndexInternalID) (uint32, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("index view: unexpected document number %x", []byte(id))
	}
	n := id.Value()
	if n > math.MaxUint32 {
		return 0, fmt.Errorf("index view: document number %d is too large", n)
	}
	return uint32(n), nil
}
