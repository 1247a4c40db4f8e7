// Command mallihaku-bench measures the search API over real HTTP on an index of synthetic
// models and prints the figures of docs/benchmarks.md. It is a tool for developers, kept out
// of the mallihaku binary so that no production package imports the synthetic generator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/search"
	"github.com/mallihaku/mallihaku/web"
)

// config is what one run measures.
type config struct {
	Data     string
	Docs     int
	Requests int // per view, one at a time, for latencies
	Clients  int // concurrent clients for the throughput run
	Seed     uint64
	// JSONL is a models.jsonl of ../shared/perf/gen.py to index instead of synthetic models.
	JSONL string
	// Queries is a query list as ../shared/perf/queries.txt: with it, the views are those of
	// ../shared/perf/pg_bench.py, on its queries and filters.
	Queries string
	// Out receives the peer views' figures as JSON.
	Out string
	// Serve keeps serving the index after building it, until interrupted (for
	// ../shared/perf/matchset.py).
	Serve bool
	// CPUProfile receives a CPU profile of the measured views.
	CPUProfile string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "mallihaku-bench:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "mallihaku-bench:", err)
		os.Exit(1)
	}
}

// errUsage marks errors in how the tool was called (exit status 2).
var errUsage = errors.New("usage")

const usage = `mallihaku-bench measures the search API over HTTP on an index of synthetic models.

It builds (or reuses) an index of --docs synthetic models in DATA/bench-<docs>-<seed>, serves it
with the real handler on a loopback port, and prints Markdown tables: latencies of each search
view one request at a time, throughput from --clients clients, and the hostile queries' status
and time. bleve's own facet request is compared in process by
go test -run '^$' -bench Search ./search (engine/ against bleve/).

Flags:
`

// run builds (or reuses) an index of synthetic models in DATA/bench-<docs>-<seed>, serves it
// on a loopback port, and measures the search views over real HTTP, printing Markdown tables.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var bc config
	fs := flag.NewFlagSet("mallihaku-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&bc.Data, "data", filepath.Join(os.TempDir(), "mallihaku-bench"), "folder of the benchmark indexes (reused by later runs)")
	fs.IntVar(&bc.Docs, "docs", 10000, "synthetic models in the index")
	fs.IntVar(&bc.Requests, "requests", 300, "requests per view, one at a time, for the latency figures")
	fs.IntVar(&bc.Clients, "clients", 4, "concurrent clients for the throughput figures")
	fs.Uint64Var(&bc.Seed, "seed", 1, "seed of the synthetic models and the random views")
	fs.StringVar(&bc.JSONL, "jsonl", "", "index this models.jsonl of ../shared/perf/gen.py instead of synthetic models (--docs is then ignored)")
	fs.StringVar(&bc.Queries, "queries", "", "measure the views of ../shared/perf/pg_bench.py with this query list (../shared/perf/queries.txt)")
	fs.StringVar(&bc.Out, "out", "", "write the --queries views' figures to this JSON file")
	fs.BoolVar(&bc.Serve, "serve", false, "serve the index on a loopback port until interrupted, measuring nothing (for matchset.py)")
	fs.StringVar(&bc.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured views to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if bc.Docs < 1 || bc.Requests < 1 || bc.Clients < 1 || bc.Data == "" {
		return fmt.Errorf("%w: --docs, --requests and --clients must be positive, --data not empty", errUsage)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	dir := filepath.Join(bc.Data, fmt.Sprintf("bench-%d-%d", bc.Docs, bc.Seed))
	if bc.JSONL != "" {
		var err error
		if dir, err = jsonlDir(bc.Data, bc.JSONL); err != nil {
			return fmt.Errorf("%w: --jsonl: %v", errUsage, err)
		}
	}
	var one, three []string
	if bc.Queries != "" {
		var err error
		if one, three, err = loadQueries(bc.Queries); err != nil {
			return fmt.Errorf("%w: --queries: %v", errUsage, err)
		}
	}
	ix, err := indexer.Open(dir, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	if n, _ := ix.Count(); bc.JSONL != "" && (n == 0 || ix.Outdated()) {
		fmt.Fprintf(stderr, "bench: indexing %s in %s\n", bc.JSONL, dir)
		start := time.Now()
		if err := buildJSONL(ctx, ix, bc.JSONL, stderr); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "bench: built in %s\n", time.Since(start).Round(time.Second))
	} else if bc.JSONL == "" && (n != uint64(bc.Docs) || ix.Outdated()) {
		fmt.Fprintf(stderr, "bench: building an index of %d synthetic models in %s\n", bc.Docs, dir)
		start := time.Now()
		if err := buildSynthetic(ctx, ix, bc, stderr); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "bench: built in %s\n", time.Since(start).Round(time.Second))
	}
	s := search.NewSearcher(ix)
	defer s.Close()
	analyzer, _ := finnish.Default()
	h, err := web.NewHandler(web.Config{Searcher: s, Logger: slog.New(slog.DiscardHandler),
		Version: "bench", Analyzer: analyzer.Name(), Ready: func() bool { return true }})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := web.NewServer(ln.Addr().String(), h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Shutdown(context.Background())
		<-served
	}()
	if bc.Serve {
		fmt.Fprintf(stderr, "bench: serving %s on http://%s until interrupted\n", dir, ln.Addr())
		<-ctx.Done()
		return nil
	}
	docs, err := ix.Count()
	if err != nil {
		return err
	}
	b := &bencher{base: "http://" + ln.Addr().String(), docs: docs, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: bc.Clients * 2}},
		searcher: s, cfg: bc, rng: rand.New(rand.NewPCG(bc.Seed, 99)), kinds: map[string][]time.Duration{}}
	if bc.CPUProfile != "" {
		f, err := os.Create(bc.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if bc.Queries != "" {
		fmt.Fprintf(stdout, "%d models from %s; queries %s (%d of one word, %d of three); latencies one request at a time over HTTP\n\n",
			docs, orSynthetic(bc.JSONL), bc.Queries, len(one), len(three))
		return b.peer(ctx, stdout, one, three)
	}
	return b.run(ctx, stdout)
}

func orSynthetic(jsonl string) string {
	if jsonl == "" {
		return "the synthetic generator"
	}
	return jsonl
}
