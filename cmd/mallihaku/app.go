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

	"github.com/go-co-op/gocron/v2"

	"github.com/mallihaku/mallihaku/crawler"
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
			Site: cfg.Site, Profile: crawler.Innokyla(), Store: st, UserAgent: userAgent(cfg.ContactURL),
			Rate: cfg.Rate, Concurrency: cfg.Concurrency, Logger: log,
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
	}
	n, _ := ix.Count()
	log.Info("data folder open", "dir", cfg.Data, "generation", ix.Generation(), "models", n, "analyzer", analyzerName())
	sayAnalyzer(log)
	return a, nil
}

func (a *app) Close() error {
	return errors.Join(a.index.Close(), a.store.Close())
}

func (a *app) serve(ctx context.Context, addr string, stdout io.Writer) error {
	h, err := web.NewHandler(web.Config{
		Searcher: a.searcher, Ready: func() bool { return a.index.Generation() != "" },
		Logger: a.log, Version: version, Analyzer: analyzerName(),
	})
	if err != nil {
		return err
	}
	return serveHTTP(ctx, addr, h, stdout)
}

// schedule runs incremental and full reindexes on their cron schedules (Europe/Helsinki) until
// ctx ends. A tick while a job runs is skipped and logged.
func (a *app) schedule(ctx context.Context, incremental, full string) (stop func(), err error) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, err
	}
	s, err := gocron.NewScheduler(gocron.WithLocation(loc))
	if err != nil {
		return nil, err
	}
	for _, j := range []struct {
		name, spec string
		mode       indexer.Mode
	}{{"schedule", incremental, indexer.Incremental}, {"full-schedule", full, indexer.Full}} {
		if j.spec == "" {
			continue
		}
		mode := j.mode
		job, err := s.NewJob(gocron.CronJob(j.spec, false), gocron.NewTask(func() {
			if _, err := a.reindexer.Reindex(ctx, mode, "schedule"); errors.Is(err, indexer.ErrBusy) {
				a.log.Warn("scheduled reindex skipped: another job is running", "mode", mode)
			}
		}), gocron.WithSingletonMode(gocron.LimitModeReschedule), gocron.WithName(string(mode)))
		if err != nil {
			s.Shutdown()
			return nil, fmt.Errorf("%w: --%s %q: %v", errUsage, j.name, j.spec, err)
		}
		defer func() {
			if next, err := job.NextRun(); err == nil {
				a.log.Info("reindex scheduled", "mode", mode, "next", next.In(loc).Format(time.RFC3339))
			}
		}()
	}
	s.Start()
	return func() { s.Shutdown() }, nil
}
