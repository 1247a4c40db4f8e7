package search

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search/synthetic"
)

// benchSearcher opens an index of synthetic models, building it on first use in
// $MALLIHAKU_BENCH_DIR (default: the system's temporary folder) so that later runs reuse it.
// $MALLIHAKU_BENCH_DOCS sets the number of models (default 10,000). The load figures over
// HTTP come from `mallihaku bench`; these benchmarks profile the engine in process.
func benchSearcher(b *testing.B) *Searcher {
	b.Helper()
	docs := 10000
	if s := os.Getenv("MALLIHAKU_BENCH_DOCS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		docs = n
	}
	root := os.Getenv("MALLIHAKU_BENCH_DIR")
	if root == "" {
		root = filepath.Join(os.TempDir(), "mallihaku-bench")
	}
	ix, err := indexer.Open(filepath.Join(root, fmt.Sprintf("bench-%d-1", docs)), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if n, _ := ix.Count(); n != uint64(docs) || ix.Outdated() {
		g, err := synthetic.New(1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
			for range docs {
				if err := put(g.Model()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	s := NewSearcher(ix)
	b.Cleanup(s.Close)
	return s
}

var benchViews = map[string]Request{
	"browse":        {},
	"filter":        {Filters: map[string][]string{"region": {"Pirkanmaa"}}},
	"word":          {Query: "nuorten"},
	"words-filters": {Query: "nuorten ryhmä tuki", Filters: map[string][]string{"region": {"Uusimaa", "Pirkanmaa"}, "phase": {"Valmis"}}},
	"deep":          {Sort: "modified", Page: 500, Size: 20},
}

func BenchmarkSearch(b *testing.B) {
	s := benchSearcher(b)
	ctx := context.Background()
	for name, r := range benchViews {
		b.Run("engine/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("bleve/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Baseline(ctx, r, DefaultFacetSize); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCorpus is the cost of the first search after a write: building the facet bitmaps
// and sort orders of the new index version.
func BenchmarkCorpus(b *testing.B) {
	s := benchSearcher(b)
	v, err := s.index.OpenView()
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for b.Loop() {
		if _, err := buildCorpus(context.Background(), v); err != nil {
			b.Fatal(err)
		}
	}
}
