package search

import (
	"context"
	"sync"

	"github.com/mallihaku/mallihaku/indexer"
)

// views shares one open view of the index, and the facet corpus derived from it, between
// searches. A new view is opened when the index version changes (every write bumps it:
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

// corpusOf returns the view's corpus, building it on first use; concurrent searches wait for
// the first one's build.
func (v *sharedView) corpusOf(ctx context.Context) (*corpus, error) {
	v.build.Lock()
	defer v.build.Unlock()
	if v.corpus != nil {
		return v.corpus, nil
	}
	c, err := buildCorpus(ctx, v.View)
	if err != nil {
		return nil, err
	}
	v.corpus = c
	return c, nil
}
