package indexer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrNoIndex means a data folder holds no index to read: it is missing, empty, not a
	// mallihaku data folder, or was never crawled.
	ErrNoIndex = errors.New("no index")
	// ErrInUse means another process (a running serve or crawl) holds the live generation.
	ErrInUse = errors.New("index is in use by another mallihaku process")
	// ErrReadOnly means a write was asked of an index opened with OpenReadOnly.
	ErrReadOnly = errors.New("index is open read-only")
)

// OpenReadOnly opens the live generation of dir/index for reading only, for commands that
// read (search): it creates, removes, builds and switches nothing, and leaves the pointer as
// it is. It fails with ErrNoIndex when dir holds no generation, and with ErrInUse when another
// process holds the live one for longer than wait (bbolt's lock: a reader cannot share it with
// a writer, and reading an older generation instead would give stale answers). log gets the
// index's log; nil discards it.
func OpenReadOnly(dir string, wait time.Duration, log *slog.Logger, opts ...Option) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root := filepath.Join(dir, "index")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open index: %s is not a folder: %w", dir, ErrNoIndex)
	}
	ix := &Index{dir: root, log: log, alias: bleve.NewIndexAlias(), analyzer: defaultAnalyzer(), readOnly: true}
	for _, o := range opts {
		o(ix)
	}
	if ix.terms = textAnalyzer(ix.analyzer.Name()); ix.terms == nil {
		return nil, fmt.Errorf("open index: the %s analyzer is not available", ix.analyzer.Name())
	}
	gen, _ := ix.readPointer()
	candidates := ix.candidates(gen)
	if len(candidates) == 0 {
		return nil, fmt.Errorf("open index: %s holds no index (not a mallihaku data folder, or never crawled): %w", dir, ErrNoIndex)
	}
	var first error
	for _, g := range candidates {
		idx, err := bleve.OpenUsing(filepath.Join(root, g), map[string]any{"read_only": true, "bolt_timeout": wait.String()})
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrInUse)
		}
		if err != nil {
			if first == nil {
				first = fmt.Errorf("generation %s: %w", g, err)
			}
			continue
		}
		if g != gen {
			log.Warn("reading the previous index generation: the current one does not open", "generation", g)
		}
		ix.install(g, idx)
		ix.checkMeta(idx)
		return ix, nil
	}
	return nil, fmt.Errorf("open index %s: no generation opens (%v): %w", dir, first, ErrNoIndex)
}
