package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Helsinki must resolve on machines without a zoneinfo database

	"github.com/mallihaku/mallihaku/crawler"
	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/search"
	"github.com/mallihaku/mallihaku/store"
	"github.com/mallihaku/mallihaku/web"
)

// app is one data folder opened for work: its store, its index and, when a site is given,
// the crawler and the reindex jobs that feed the index from it.
type app struct {
	log       *slog.Logger
	store     *store.Store
	index     *indexer.Index
	searcher  *search.Searcher
	reindexer *indexer.Reindexer // nil without a site
	// background holds goroutines the app started (a start-up rebuild, readying facets), for a
	// clean stop.
	background sync.WaitGroup
}

func openApp(cfg config, log *slog.Logger, crawlerOpts ...func(*crawler.Config)) (*app, error) {
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := store.Open(cfg.Data, cfg.OpenTimeout)
	if err != nil {
		return nil, err
	}
	ix, err := indexer.Open(cfg.Data, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &app{log: log, store: st, index: ix, searcher: search.NewSearcher(ix)}
	if cfg.Site != "" {
		ccfg := crawler.Config{
			Site: cfg.Site, Profile: extract.Innokyla(), Store: st, UserAgent: userAgent(cfg.ContactURL),
			Rate: cfg.Rate, Concurrency: cfg.Concurrency, MaxPages: cfg.MaxPages, Logger: log,
		}
		for _, o := range crawlerOpts {
			o(&ccfg)
		}
		c, err := crawler.New(ccfg)
		if err != nil {
			a.Close()
			return nil, err
		}
		a.reindexer = indexer.NewReindexer(ix, c, st, log)
		if cfg.Failpoint != "" {
			ix.Failpoint = crashAt(cfg.Failpoint)
		}
	}
	n, _ := ix.Count()
	log.Info("data folder open", "dir", cfg.Data, "generation", ix.Generation(), "models", n, "analyzer", analyzerName())
	sayAnalyzer(log)
	return a, nil
}

// warm readies, in the background, the live index version's facets, so that no reader waits
// for them after a start or a reindex.
func (a *app) warm(ctx context.Context) {
	if a.index.Generation() == "" {
		return
	}
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		start := time.Now()
		if err := a.searcher.Warm(ctx); err != nil {
			a.log.Warn("facets not readied ahead of searches", "err", err)
			return
		}
		a.log.Debug("facets readied", "took", time.Since(start).Round(time.Millisecond))
	}()
}

func (a *app) Close() error {
	return errors.Join(a.index.Close(), a.store.Close())
}

func (a *app) serve(ctx context.Context, cfg config, stdout io.Writer) error {
	metrics := web.NewMetrics(a.index)
	var rebuilding atomic.Bool
	wcfg := web.Config{
		Searcher: a.searcher, Programmes: storedProgrammes{a.store}, Ready: func() bool { return a.index.Generation() != "" && !rebuilding.Load() },
		Logger: a.log, Version: version, Analyzer: analyzerName(), Metrics: metrics,
		SearchRate: cfg.SearchRate, SearchBurst: cfg.SearchBurst,
		LastReindex: a.lastJob,
	}
	if a.reindexer != nil {
		a.reindexer.OnDone = func(job store.Job) {
			metrics.JobDone(job)
			a.warm(ctx)
		}
		if cfg.AdminToken != "" {
			wcfg.AdminToken, wcfg.Jobs, wcfg.JobContext = cfg.AdminToken, jobControl{a.reindexer}, ctx
		}
		if err := a.rebuildIfNeeded(ctx, &rebuilding); err != nil {
			return err
		}
		sched := indexer.NewScheduler(a.reindexer, nil, cfg.Jitter)
		wcfg.NextReindexes = func() map[string]time.Time {
			next := map[string]time.Time{}
			for mode, t := range sched.Next() {
				next[string(mode)] = t
			}
			return next
		}
		if err := a.schedule(ctx, sched, cfg); err != nil {
			return err
		}
	} else if cfg.AdminToken != "" {
		return fmt.Errorf("%w: --admin-token needs --site: the admin API starts reindexes of a site", errUsage)
	}
	a.warm(ctx)
	h, err := web.NewHandler(wcfg)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	err = serveHTTP(ctx, cfg.Addr, h, stdout)
	if a.reindexer != nil {
		a.reindexer.Wait() // a running job was cancelled with ctx; let it record that
	}
	a.background.Wait()
	return err
}

// rebuildIfNeeded starts a rebuild from the page cache when the index was built by another
// mapping or analyzer, or is empty while the cache holds models (its generation was lost).
// While an empty index is rebuilt, the service is not ready.
func (a *app) rebuildIfNeeded(ctx context.Context, rebuilding *atomic.Bool) error {
	n, err := a.index.Count()
	if err != nil {
		return err
	}
	cached := 0
	if err := a.store.Pages(func(p store.Page) error {
		if p.ModelID != "" {
			cached++
		}
		return nil
	}); err != nil {
		return err
	}
	if cached == 0 || (n > 0 && !a.index.Outdated()) {
		return nil
	}
	a.log.Warn("rebuilding the index from the page cache", "models_in_index", n, "models_in_cache", cached, "outdated", a.index.Outdated())
	rebuilding.Store(n == 0)
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		defer rebuilding.Store(false)
		if _, err := a.reindexer.Reindex(ctx, indexer.Reparse, "start-up"); err != nil {
			a.log.Error("rebuild from the page cache failed", "err", err)
		}
	}()
	return nil
}

// schedule starts the incremental and full schedules, evaluated on Helsinki wall-clock time,
// until ctx ends.
func (a *app) schedule(ctx context.Context, sched *indexer.Scheduler, cfg config) error {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	for _, j := range []struct {
		flag, spec string
		mode       indexer.Mode
	}{{"schedule", cfg.Schedule, indexer.Incremental}, {"full-schedule", cfg.FullSchedule, indexer.Full}} {
		if j.spec == "" || j.spec == "off" {
			continue
		}
		s, err := indexer.ParseSchedule(j.spec, loc)
		if err != nil {
			return fmt.Errorf("%w: --%s: %v", errUsage, j.flag, err)
		}
		a.log.Info("reindex scheduled", "mode", j.mode, "schedule", j.spec, "next", s.Next(time.Now()).In(loc).Format(time.RFC3339))
		go sched.Run(ctx, j.mode, s)
	}
	return nil
}

func (a *app) lastJob(context.Context) (*web.ReindexJob, error) {
	jobs, err := a.store.Jobs(1)
	if err != nil || len(jobs) == 0 {
		return nil, err
	}
	j := jobs[0]
	out := &web.ReindexJob{Mode: j.Mode, Trigger: j.Trigger, State: j.State, Started: j.Started, Counts: j.Counts}
	if !j.Finished.IsZero() {
		out.Finished = &j.Finished
	}
	return out, nil
}

// jobControl lets the admin API start reindexes.
type jobControl struct{ r *indexer.Reindexer }

func (j jobControl) Start(ctx context.Context, mode, trigger string) (store.Job, error) {
	job, err := j.r.Start(ctx, indexer.Mode(mode), trigger)
	if errors.Is(err, indexer.ErrBusy) {
		return job, web.ErrJobRunning
	}
	return job, err
}

func (j jobControl) Jobs(limit int) ([]store.Job, error) { return j.r.Jobs(limit) }

// crashAt returns a failpoint that kills the process with SIGKILL at the named step of an
// index generation switch, for crash tests: nothing runs after it, as in a power cut.
func crashAt(step string) func(string) {
	return func(s string) {
		if s == step {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
}
