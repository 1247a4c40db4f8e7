package perfcorpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/s3test"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex/publish"
	"github.com/mallihaku/mallihaku/search"
)

// BenchmarkScale builds an index of gen.py's models, measures its size, the process's memory
// and the search views of ../shared/perf/pg_bench.py (a browse, b browse + region, c one word,
// d three words + region + phase, e a deep page), then publishes the generation to a
// versitygw on loopback and times a replica's download, check and switch.
//
//	python3 ../shared/perf/gen.py 100000 /tmp/g100k --no-site
//	MALLIHAKU_PERF_MODELS=/tmp/g100k/models.jsonl go test -run '^$' -bench Scale -benchtime 1x -timeout 2h ./internal/perfcorpus/
//
// MALLIHAKU_PERF_LIMIT takes only the first N models. MALLIHAKU_PERF_UNTIL (an RFC 3339
// time) stops taking models then, so that a build too long for the time there is still ends
// in an index, measured, of the models it got to (the log says it was cut). The build logs its
// progress to stderr every 10,000 models, and stops with an error before the disk fills.
// MALLIHAKU_PERF_DATA builds in that folder and keeps it (for mallihaku-bench --jsonl over
// HTTP afterwards), else in a temporary one. Publishing is left out, and says so, when the
// disk has less room than four times the index (archive, bucket, download, replica).
func BenchmarkScale(b *testing.B) {
	path, limit := FromEnv(0)
	if path == "" {
		b.Skip("MALLIHAKU_PERF_MODELS names no models.jsonl of ../shared/perf/gen.py")
	}
	var until time.Time
	if v := os.Getenv("MALLIHAKU_PERF_UNTIL"); v != "" {
		var err error
		if until, err = time.Parse(time.RFC3339, v); err != nil {
			b.Fatalf("MALLIHAKU_PERF_UNTIL: %v", err)
		}
	}
	oneWord, threeWords, err := Queries("../../../shared/perf/queries.txt") // beside the repository
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	for range b.N {
		data := os.Getenv("MALLIHAKU_PERF_DATA")
		if data == "" {
			data = b.TempDir()
		}
		ix, err := indexer.Open(data, log)
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), cpuTime()
		cut := false
		n, err := ix.Build(ctx, func(ctx context.Context, put func(practice.Model) error) error {
			n := 0
			err := Models(ctx, path, limit, func(m practice.Model) error {
				if n++; n%10000 == 0 {
					progress(data, n, start, cpu0)
					if free := freeBytes(data); free < 10<<30 {
						return fmt.Errorf("stopped at %d models: %.1f GiB left on the disk", n, float64(free)/(1<<30))
					}
					if !until.IsZero() && time.Now().After(until) {
						cut = true
						return errCut
					}
				}
				return put(m)
			})
			if errors.Is(err, errCut) {
				return nil
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		took, cpu := time.Since(start), cpuTime()-cpu0
		size := folderSize(b, filepath.Join(data, "index", ix.Generation()))
		if cut {
			b.Logf("MALLIHAKU_PERF_UNTIL (%s) came first: the build was cut at %d models", until.Format(time.RFC3339), n)
		}
		runtime.GC()
		b.Logf("built %d models in %s: %.0f models/s; %s of CPU: %.0f models per CPU-second; index %.1f MiB (%.0f bytes a model); RSS after build %s, peak %s",
			n, took.Round(time.Second), float64(n)/took.Seconds(), cpu.Round(time.Second), float64(n)/cpu.Seconds(),
			float64(size)/(1<<20), float64(size)/float64(n), memory("VmRSS"), memory("VmHWM"))
		b.ReportMetric(float64(n)/cpu.Seconds(), "models/cpu-s")
		b.ReportMetric(float64(n)/took.Seconds(), "models/s")
		b.ReportMetric(float64(size)/(1<<20), "index-MiB")

		s := search.NewSearcher(ix)
		warm := time.Now()
		if err := s.Warm(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("facets readied in %s", time.Since(warm).Round(time.Millisecond))
		views := []struct {
			name string
			reqs []search.Request
		}{
			{"a browse", []search.Request{{}}},
			{"b browse + region", []search.Request{{Filters: map[string][]string{"region": {"Uusimaa"}}}}},
			{"c one word", requests(oneWord, nil)},
			{"d three words + region + phase", requests(threeWords, map[string][]string{"region": {"Uusimaa"}, "phase": {"Valmis"}})},
			{"e deep page (50)", []search.Request{{Page: 50}}},
		}
		for _, v := range views {
			var times []time.Duration
			for i := range 200 {
				t0 := time.Now()
				if _, err := s.Search(ctx, v.reqs[i%len(v.reqs)]); err != nil {
					b.Fatalf("%s: %v", v.name, err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			b.Logf("| %s | %.2f ms | %.2f ms |", v.name, ms(times[len(times)/2]), ms(times[len(times)*95/100]))
		}
		b.Logf("RSS after searches %s, peak %s", memory("VmRSS"), memory("VmHWM"))

		if free := freeBytes(data); free < 4*uint64(size) {
			b.Logf("not published: %.1f GiB free, the archive, the bucket, a download and a replica's copy need about %.1f GiB",
				float64(free)/(1<<30), 4*float64(size)/(1<<30))
			ix.Close()
			continue
		}
		// Publish, and a replica's switch.
		srv := s3test.Start(b, "bench")
		st := srv.Store("bench", "prod")
		pub, err := publish.NewPublisher(publish.PublisherConfig{Store: st, Writer: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		m, err := pub.PublishLive(ctx, ix, filepath.Join(data, "publish"))
		if err != nil {
			b.Fatal(err)
		}
		published := time.Since(t0)
		rdata := b.TempDir()
		rix, err := indexer.Open(rdata, log)
		if err != nil {
			b.Fatal(err)
		}
		r, err := publish.NewReplica(publish.ReplicaConfig{Store: st, Index: rix, Dir: filepath.Join(rdata, "replica")})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := r.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("published %.1f MiB archive in %s (snapshot, pack, upload); a replica downloaded, checked and switched in %s",
			float64(m.Size)/(1<<20), published.Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
		rix.Close()
		ix.Close()
	}
}

var errCut = errors.New("MALLIHAKU_PERF_UNTIL reached")

// progress writes how far a build has got to stderr: go test shows a benchmark's log only
// when it ends.
func progress(data string, n int, start time.Time, cpu0 time.Duration) {
	took, cpu := time.Since(start), cpuTime()-cpu0
	var load string
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Fprintf(os.Stderr, "%s scale: %d models in %s: %.0f models/s, %.0f per CPU-second; RSS %s, peak %s; %.1f GiB free; load %s\n",
		time.Now().UTC().Format("15:04:05"), n, took.Round(time.Second), float64(n)/took.Seconds(), float64(n)/cpu.Seconds(),
		memory("VmRSS"), memory("VmHWM"), float64(freeBytes(data))/(1<<30), load)
}

// freeBytes is the room left for an unprivileged writer on dir's file system.
func freeBytes(dir string) uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func requests(queries []string, filters map[string][]string) []search.Request {
	var out []search.Request
	for _, q := range queries {
		out = append(out, search.Request{Query: q, Filters: filters})
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func folderSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// memory reads one line of /proc/self/status (VmRSS, VmHWM).
func memory(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
		}
	}
	return "?"
}
