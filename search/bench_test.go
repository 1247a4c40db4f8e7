package search

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/mallihaku/mallihaku/search/synthetic"
)

// benchSearcher searches the synthetic benchmark index (see synthetic.BenchIndex). The load
// figures over HTTP come from `mallihaku bench`; these benchmarks profile the engine in process.
func benchSearcher(b *testing.B) *Searcher {
	b.Helper()
	ix, err := synthetic.BenchIndex(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
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
