package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/perfcorpus"
	"github.com/mallihaku/mallihaku/internal/s3test"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex/publish"
)

// BenchmarkThreeReplicasFollowOneWriter measures, on loopback, three replica servers fed by
// one writer through a versitygw: the time from a publication (the manifest moved) until all
// three serve the new generation, and the searches per second across the three, with their
// failures, while they switch. The writer's generations are built from gen.py's models
// (MALLIHAKU_PERF_MODELS, the first MALLIHAKU_PERF_LIMIT of them, 2000 unless set) and published
// with the writer's Publisher; the replicas are `mallihaku serve --replica-of` in this process.
//
//	MALLIHAKU_PERF_MODELS=/tmp/g100k/models.jsonl go test -run '^$' -bench ThreeReplicas -benchtime 1x -timeout 1h ./cmd/mallihaku/
func BenchmarkThreeReplicasFollowOneWriter(b *testing.B) {
	path, limit := perfcorpus.FromEnv(2000)
	if path == "" {
		b.Skip("MALLIHAKU_PERF_MODELS names no models.jsonl of ../shared/perf/gen.py")
	}
	words, _, err := perfcorpus.Queries("../../../shared/perf/queries.txt")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	storage := s3test.Start(b, "bench")
	st := storage.Store("bench", "prod")
	ix, err := indexer.Open(b.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	fill := func(skip int) func(context.Context, func(practice.Model) error) error {
		return func(ctx context.Context, put func(practice.Model) error) error {
			i := 0
			return perfcorpus.Models(ctx, path, limit, func(m practice.Model) error {
				i++
				if i == skip {
					return nil
				}
				return put(m)
			})
		}
	}
	t0 := time.Now()
	if _, err := ix.Build(ctx, fill(0)); err != nil {
		b.Fatal(err)
	}
	b.Logf("writer built %d models in %s", limit, time.Since(t0).Round(time.Second))
	pub, err := publish.NewPublisher(publish.PublisherConfig{Store: st, Writer: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	if _, err := pub.PublishLive(ctx, ix, tmp); err != nil {
		b.Fatal(err)
	}

	var replicas []server
	for range 3 {
		replicas = append(replicas, startServeEnv(b, storage.Env(), "--replica-of", "s3://bench/prod", "--replica-interval", "1s",
			"--data", b.TempDir(), "--log-level", "warn"))
	}
	first, _, _ := publish.Current(ctx, st)
	waitAll(b, replicas, first.Generation)

	for i := range b.N {
		// Clients search the three replicas while the writer publishes and they switch.
		stop := make(chan struct{})
		var searches, failures atomic.Int64
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 30 * time.Second}
		for c := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					r := replicas[(c+n)%len(replicas)]
					resp, err := client.Get(r.base + "/api/v1/search?q=" + url.QueryEscape(words[(c*7+n)%len(words)]))
					searches.Add(1)
					if err != nil || resp.StatusCode != http.StatusOK {
						failures.Add(1)
					}
					if resp != nil {
						resp.Body.Close()
					}
				}
			}()
		}
		if _, err := ix.Build(ctx, fill(i+2)); err != nil { // one model fewer: a new generation
			b.Fatal(err)
		}
		start := time.Now()
		m, err := pub.PublishLive(ctx, ix, tmp)
		if err != nil {
			b.Fatal(err)
		}
		published := time.Now()
		waitAll(b, replicas, m.Generation)
		switched := time.Since(published)
		<-time.After(switched) // as long again after the switch: the window of the rate
		close(stop)
		wg.Wait()
		window := time.Since(published)
		b.Logf("archive %.1f MiB published in %s; all three replicas served it %s after the manifest moved (interval 1s); "+
			"%d searches across the three in %s: %.0f/s, %d failed",
			float64(m.Size)/(1<<20), published.Sub(start).Round(time.Millisecond), switched.Round(time.Millisecond),
			searches.Load(), window.Round(time.Millisecond), float64(searches.Load())/window.Seconds(), failures.Load())
		b.ReportMetric(switched.Seconds(), "s-until-all-serve")
		b.ReportMetric(float64(searches.Load())/window.Seconds(), "searches/s")
		b.ReportMetric(float64(failures.Load()), "failed")
	}
}

func waitAll(tb testing.TB, replicas []server, generation string) {
	tb.Helper()
	for i, r := range replicas {
		deadline := time.Now().Add(10 * time.Minute)
		tick := time.NewTicker(20 * time.Millisecond)
		for replStatusOf(tb, r) != generation {
			if time.Now().After(deadline) {
				tb.Fatalf("replica %d does not serve %s", i, generation)
			}
			<-tick.C
		}
		tick.Stop()
	}
}

func replStatusOf(tb testing.TB, s server) string {
	resp, err := http.Get(s.base + "/api/v1/status")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var st replicationStatus
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		tb.Fatal(fmt.Errorf("status: %w", err))
	}
	return st.Replication.Served
}
