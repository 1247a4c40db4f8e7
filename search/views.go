package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/practice"

	"github.com/mallihaku/mallihaku/indexer"
)

// views shares one open view of the index, and what is derived from it (the facet corpus,
// the documents recent words matched), between searches. A new view is opened when the index version changes (every write bumps it:
// incremental updates change documents in place, so a generation name would not do); the old
// one is closed when its last search is done.
type views struct {
	index *indexer.Index

	mu  sync.Mutex
	cur *sharedView
}

type sharedView struct {
	*indexer.View
	users   int  // guarded by views.mu
	retired bool // guarded by views.mu

	build  sync.Mutex // held while the corpus is built
	corpus *corpus    // nil until built

	modelMu sync.Mutex
	models  map[uint32]practice.Model // documents decoded for hits, read-only once here

	matchMu sync.Mutex
	matches map[string]*matchSet // recent word searches, by query and scoring
	recent  []string             // their keys, oldest first
	held    int                  // documents held by matches

	fixes corrections // spelling corrections of words, worked out once per index version
}

// maxModels bounds the decoded documents a view keeps.
const maxModels = 4096

// model returns document doc (ID id) of the view, decoded once: hits on the first pages of
// popular searches are the same documents again and again. The model is shared: read it only.
func (v *sharedView) model(doc uint32, id string) (practice.Model, error) {
	v.modelMu.Lock()
	m, ok := v.models[doc]
	v.modelMu.Unlock()
	if ok {
		return m, nil
	}
	m, err := v.Model(id)
	if err != nil {
		return m, err
	}
	v.modelMu.Lock()
	defer v.modelMu.Unlock()
	if v.models == nil || len(v.models) >= maxModels {
		v.models = map[uint32]practice.Model{} // start again: cheaper than tracking use
	}
	v.models[doc] = m
	return m, nil
}

// matchSet is what the words of one search matched in a view: the documents in number
// order, their scores (nil when unscored) and the same documents as a bitmap.
type matchSet struct {
	docs   []uint32
	scores []float64
	set    *roaring.Bitmap
}

// Bounds of the match cache of a view: searches remembered, and documents held in all.
const (
	maxMatches     = 64
	maxMatchedDocs = 2_000_000
)

// match returns what the words of a search match: from the view's cache when the same words
// were searched since the index last changed, else from bleve. Unscored, it matches
// setQuery(text), which finds the same documents sooner.
func (v *sharedView) match(ctx context.Context, words string, text query.Query, scored bool) (*matchSet, error) {
	return v.cached(fmt.Sprintf("%t\x00%s", scored, words), func(m *matchSet) error {
		if !scored {
			text = setQuery(text)
		}
		return v.Match(ctx, text, scored, m.add(scored))
	})
}

// matchWithin returns the documents of within that the words match, with their scores:
// those of a search whose filters leave few documents, filters being the key of within.
func (v *sharedView) matchWithin(ctx context.Context, words, filters string, text query.Query, within *roaring.Bitmap) (*matchSet, error) {
	return v.cached("within\x00"+filters+"\x00"+words, func(m *matchSet) error {
		return v.MatchWithin(ctx, text, within, m.add(true))
	})
}

// add returns the function that adds a document matched to m, with its score when scored.
func (m *matchSet) add(scored bool) func(doc uint32, score float64) error {
	return func(doc uint32, score float64) error {
		m.docs = append(m.docs, doc)
		if scored {
			m.scores = append(m.scores, score)
		}
		return nil
	}
}

// cached returns the match set under key from the view's cache, or fills a new one and
// keeps it.
func (v *sharedView) cached(key string, fill func(m *matchSet) error) (*matchSet, error) {
	v.matchMu.Lock()
	m, ok := v.matches[key]
	v.matchMu.Unlock()
	if ok {
		return m, nil
	}
	m = &matchSet{}
	if err := fill(m); err != nil {
		return nil, err
	}
	m.set = roaring.BitmapOf(m.docs...)
	v.matchMu.Lock()
	defer v.matchMu.Unlock()
	if v.matches == nil {
		v.matches = map[string]*matchSet{}
	}
	if _, ok := v.matches[key]; !ok && len(m.docs) <= maxMatchedDocs {
		for len(v.recent) > 0 && (len(v.recent) >= maxMatches || v.held+len(m.docs) > maxMatchedDocs) {
			v.held -= len(v.matches[v.recent[0]].docs)
			delete(v.matches, v.recent[0])
			v.recent = v.recent[1:]
		}
		v.matches[key] = m
		v.recent = append(v.recent, key)
		v.held += len(m.docs)
	}
	return m, nil
}

// acquire returns the view of the current index version; release it when done.
func (vs *views) acquire() (*sharedView, error) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.cur == nil || vs.cur.Version() != vs.index.Version() {
		v, err := vs.index.OpenView()
		if err != nil {
			return nil, err
		}
		vs.retireLocked()
		vs.cur = &sharedView{View: v}
	}
	vs.cur.users++
	return vs.cur, nil
}

func (vs *views) release(v *sharedView) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	v.users--
	if v.retired && v.users == 0 {
		v.Close()
	}
}

func (vs *views) retireLocked() {
	if vs.cur == nil {
		return
	}
	vs.cur.retired = true
	if vs.cur.users == 0 {
		vs.cur.Close()
	}
	vs.cur = nil
}

// close closes the current view, once its searches are done.
func (vs *views) close() {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.retireLocked()
}

// corpusBuildTimeout bounds building a corpus, which is shared work: it goes on when the
// search that started it is cancelled or reaches its own deadline.
const corpusBuildTimeout = 2 * time.Minute

// corpusOf returns the view's corpus, building it on first use; concurrent searches wait for
// the first one's build.
func (v *sharedView) corpusOf(ctx context.Context) (*corpus, error) {
	v.build.Lock()
	defer v.build.Unlock()
	if v.corpus != nil {
		return v.corpus, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), corpusBuildTimeout)
	defer cancel()
	c, err := buildCorpus(ctx, v.View)
	if err != nil {
		return nil, err
	}
	v.corpus = c
	return c, nil
}
