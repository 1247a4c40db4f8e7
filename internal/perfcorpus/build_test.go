package perfcorpus

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// BenchmarkBuild builds one generation of the first MALLIHAKU_PERF_LIMIT models (default
// 2,000) of MALLIHAKU_PERF_MODELS and nothing else: the figure to compare a change of the
// build path with (benchstat), and the one to profile (-cpuprofile).
//
//	MALLIHAKU_PERF_MODELS=/tmp/perf10k/models.jsonl go test -run '^$' -bench Build -count 6 ./internal/perfcorpus/
func BenchmarkBuild(b *testing.B) {
	path, limit := FromEnv(2000)
	if path == "" {
		b.Skip("MALLIHAKU_PERF_MODELS names no models.jsonl of ../shared/perf/gen.py")
	}
	// Read once, so that the figure is the build's, not the JSON decoder's.
	var models []practice.Model
	if err := Models(context.Background(), path, limit, func(m practice.Model) error {
		models = append(models, m)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	cpu0 := cpuTime()
	for range b.N {
		ix, err := indexer.Open(b.TempDir(), log)
		if err != nil {
			b.Fatal(err)
		}
		n, err := ix.Build(context.Background(), indexer.Models(models...))
		if err != nil {
			b.Fatal(err)
		}
		if n != len(models) {
			b.Fatalf("built %d models of %d", n, len(models))
		}
		ix.Close()
	}
	b.ReportMetric(float64(len(models)*b.N)/(cpuTime()-cpu0).Seconds(), "models/cpu-s")
}
