package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // Europe/Helsinki must resolve on machines without a zoneinfo database

	"golang.org/x/sync/errgroup"

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/search"
	"github.com/mallihaku/mallihaku/store"
	"github.com/mallihaku/mallihaku/web"
)

// app is one data folder opened for work: its store, its index, the searches on it and the
// reindex service that keeps it (which runs no jobs without a site).
type app struct {
	log      *slog.Logger
	store    *store.Store
	index    *indexer.Index
	searcher *search.Searcher
	metrics  *web.Metrics
	reindex  *reindex.Service
	repl     *replication // nil unless the server publishes or replicates (serve's flags)
}

func openApp(cfg config, log *slog.Logger, crawlerOpts ...func(*crawler.Config)) (*app, error) {
	incremental, full, err := schedules(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := store.Open(cfg.Data, cfg.OpenTimeout)
	if err != nil {
		return nil, err
	}
	var opts []indexer.Option
	if cfg.failpoint != nil {
		opts = append(opts, indexer.WithFailpoint(cfg.failpoint))
	}
	ix, err := indexer.Open(cfg.Data, log, opts...)
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &app{log: log, store: st, index: ix, searcher: search.NewSearcher(ix), metrics: web.NewMetrics(ix)}
	// A replica adopts generations through a.reindex, which exists before it runs.
	if a.repl, err = newReplication(cfg, log, replicaTarget{a}, cfg.failpoint); err != nil {
		a.Close()
		return nil, err
	}
	rcfg := reindex.Config{Index: ix, Store: st, Logger: log, Warm: a.searcher.Warm, OnDone: func(j reindex.Job) {
		a.metrics.JobDone(j)
		if a.repl != nil {
			a.repl.switched() // a switch, or an update in place, is published
		}
	}}
	if cfg.Site != "" { // without a site there is nothing to reindex, on a schedule or not
		rcfg.IncrementalSchedule, rcfg.FullSchedule, rcfg.Jitter = incremental, full, cfg.Jitter
		ccfg := crawler.Config{
			Site: cfg.Site, Profile: extract.Innokyla(), Store: st, UserAgent: userAgent(cfg.ContactURL),
			Rate: cfg.Rate, Concurrency: cfg.Concurrency, MaxPages: cfg.MaxPages, Logger: log,
		}
		for _, o := range crawlerOpts {
			o(&ccfg)
		}
		if rcfg.Source, err = crawler.New(ccfg); err != nil {
			a.Close()
			return nil, err
		}
	}
	if a.reindex, err = reindex.New(rcfg); err != nil {
		a.Close()
		return nil, err
	}
	if last, ok, err := a.reindex.LastSuccess(); err != nil {
		log.Warn("job history unreadable", "err", err)
	} else if ok {
		a.metrics.LastSuccess(last)
	}
	n, _ := ix.Count()
	log.Info("data folder open", "dir", cfg.Data, "generation", ix.Generation(), "models", n, "analyzer", analyzerName())
	sayAnalyzer(log)
	return a, nil
}

// schedules reads the incremental and full schedules, evaluated on Helsinki wall-clock time;
// "" and "off" are none.
func schedules(cfg config) (incremental, full reindex.Schedule, err error) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return incremental, full, err
	}
	for _, j := range []struct {
		flag, spec string
		dst        *reindex.Schedule
	}{{"schedule", cfg.Schedule, &incremental}, {"full-schedule", cfg.FullSchedule, &full}} {
		if j.spec == "" || j.spec == "off" {
			continue
		}
		if *j.dst, err = reindex.ParseSchedule(j.spec, loc); err != nil {
			return incremental, full, fmt.Errorf("%w: --%s: %v", errUsage, j.flag, err)
		}
	}
	return incremental, full, nil
}

func (a *app) Close() error {
	return errors.Join(a.index.Close(), a.store.Close())
}

// serve serves search and runs the reindex service until ctx ends (or either fails), and
// returns when both have stopped.
func (a *app) serve(ctx context.Context, cfg config, stdout io.Writer) error {
	if cfg.AdminToken != "" && cfg.Site == "" {
		return fmt.Errorf("%w: --admin-token needs --site: the admin API starts reindexes of a site", errUsage)
	}
	wcfg := web.Config{
		Searcher: a.searcher, Programmes: storedProgrammes{a.store}, Ready: a.reindex.Ready, Logger: a.log, Version: version, Analyzer: analyzerName(),
		Metrics: a.metrics, SearchRate: cfg.SearchRate, SearchBurst: cfg.SearchBurst,
		Reindex: a.reindex, AdminToken: cfg.AdminToken,
	}
	repl := a.repl
	if repl != nil {
		wcfg.Replication = repl.status
		a.metrics.WatchReplication(repl.status)
		wcfg.Ready = func() bool { return a.reindex.Ready() && repl.ready() }
	}
	h, err := web.NewHandler(wcfg)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.reindex.Run(ctx) })
	if repl != nil {
		g.Go(func() error { repl.run(ctx, a.index); return nil })
	}
	g.Go(func() error {
		select { // the admin route starts jobs in Run: it must be up first
		case <-a.reindex.Started():
		case <-ctx.Done():
			return nil
		}
		return serveHTTP(ctx, cfg.Addr, h, stdout)
	})
	return g.Wait()
}

// replicaTarget switches a replica's index to a downloaded generation, through the reindex
// service (which readies the facets after).
type replicaTarget struct{ a *app }

func (t replicaTarget) Generation() string { return t.a.index.Generation() }

func (t replicaTarget) Adopt(ctx context.Context, dir string) (string, error) {
	return t.a.reindex.Adopt(ctx, dir)
}
