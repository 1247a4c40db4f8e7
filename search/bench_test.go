package search

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/internal/synthetic"
)

// benchSearcher searches the synthetic benchmark index (see synthetic.BenchIndex). The load
// figures over HTTP come from cmd/mallihaku-bench; these benchmarks profile the engine in process.
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

// BenchmarkCheapSearchDuringSwap is RELIABILITY test 22: two clients run an expensive but
// allowed search without pause (two prefixes and a filter) while a whole new generation of the
// index is built and switched in, and a third client runs a cheap search (one region, 5 hits)
// all the while. Reported: the cheap search's p50, p99 and slowest time over 3 s of the same
// load without a build ("quiet"), and from the start of the build until 2 s after the switch
// ("swap"), which includes the first searches of the new generation.
func BenchmarkCheapSearchDuringSwap(b *testing.B) {
	s := benchSearcher(b)
	docs, err := s.index.Count()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	expensive := Request{Query: "kun* per*", Filters: map[string][]string{"phase": {"Valmis"}}}
	if _, err := s.Search(ctx, expensive); err != nil {
		b.Fatalf("the expensive search is not allowed: %v", err)
	}
	cheap := Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}, Size: 5}
	for b.Loop() {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						s.Search(ctx, expensive)
					}
				}
			})
		}
		timeCheap := func(until <-chan struct{}) []time.Duration {
			var took []time.Duration
			for {
				select {
				case <-until:
					return took
				default:
				}
				start := time.Now()
				if _, err := s.Search(ctx, cheap); err != nil {
					b.Errorf("cheap search: %v", err)
				}
				took = append(took, time.Since(start))
			}
		}
		quietEnd := make(chan struct{})
		time.AfterFunc(3*time.Second, func() { close(quietEnd) })
		quiet := timeCheap(quietEnd)

		swapEnd := make(chan struct{})
		go func() {
			_, err := s.index.Build(ctx, synthetic.Fill(1, int(docs)))
			if err != nil {
				b.Errorf("build: %v", err)
			}
			time.AfterFunc(2*time.Second, func() { close(swapEnd) })
		}()
		swap := timeCheap(swapEnd)
		close(stop)
		wg.Wait()
		for name, took := range map[string][]time.Duration{"quiet": quiet, "swap": swap} {
			slices.Sort(took)
			ms := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))]) / 1e6 }
			b.ReportMetric(ms(0.5), name+"-p50-ms")
			b.ReportMetric(ms(0.99), name+"-p99-ms")
			b.ReportMetric(ms(1), name+"-max-ms")
			b.ReportMetric(float64(len(took)), name+"-searches")
		}
	}
}
