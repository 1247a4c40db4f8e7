package synthetic

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/practice"
)

// BenchIndex opens an index of synthetic models (seed 1) for benchmarks, building it on first
// use in $MALLIHAKU_BENCH_DIR (default: the system's temporary folder) so that later runs
// reuse it. $MALLIHAKU_BENCH_MODELS sets the number of models (default 10,000).
func BenchIndex(log *slog.Logger) (*indexer.Index, error) {
	docs, err := benchq.Models(10000)
	if err != nil {
		return nil, err
	}
	root := os.Getenv("MALLIHAKU_BENCH_DIR")
	if root == "" {
		root = filepath.Join(os.TempDir(), "mallihaku-bench")
	}
	ix, err := indexer.Open(filepath.Join(root, fmt.Sprintf("bench-%d-1", docs)), log)
	if err != nil {
		return nil, err
	}
	if n, _ := ix.Count(); n == uint64(docs) && !ix.Outdated() {
		return ix, nil
	}
	if _, err := ix.Build(context.Background(), Fill(1, docs)); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// Fill is a fill for indexer.Index.Build that puts n models of the generator seeded with seed.
func Fill(seed uint64, n int) func(ctx context.Context, put func(practice.Model) error) error {
	return func(_ context.Context, put func(practice.Model) error) error {
		g, err := New(seed)
		if err != nil {
			return err
		}
		for range n {
			if err := put(g.Model()); err != nil {
				return err
			}
		}
		return nil
	}
}
