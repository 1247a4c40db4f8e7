package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
)

// Source is where models come from: the crawler satisfies it.
type Source interface {
	// Refresh crawls the site, all of it when full, and reports through put and remove (either
	// may be nil) the models that are new or changed and the IDs of those that are gone. It
	// returns the run's counts (discovered, fetched, not_modified, failed, added, ...).
	Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(id string) error) (map[string]int, error)
	// Models calls put for every current model, from the page cache, without the network.
	Models(ctx context.Context, put func(practice.Model) error) error
}

// Mode is what a reindex job does.
type Mode string

const (
	// Incremental fetches what changed (conditional GETs) and updates the live index in place.
	Incremental Mode = "incremental"
	// Full fetches every page and builds a new index generation, switched in when complete.
	Full Mode = "full"
	// Reparse builds a new generation from the page cache, without the network.
	Reparse Mode = "reparse"
)

// ErrBusy means a reindex job is already running.
var ErrBusy = errors.New("a reindex job is already running")

// Reindexer runs reindex jobs, one at a time, and records each in the job history.
type Reindexer struct {
	index  *Index
	source Source
	store  *store.Store
	log    *slog.Logger
	run    sync.Mutex
}

// NewReindexer returns a Reindexer that fills index from source and records jobs in st.
func NewReindexer(index *Index, source Source, st *store.Store, log *slog.Logger) *Reindexer {
	return &Reindexer{index: index, source: source, store: st, log: log}
}

// Reindex runs one job now; it returns ErrBusy at once when another is running. The job as
// recorded in the history is returned also when it failed.
func (r *Reindexer) Reindex(ctx context.Context, mode Mode, trigger string) (store.Job, error) {
	if !r.run.TryLock() {
		return store.Job{}, ErrBusy
	}
	defer r.run.Unlock()
	job := store.Job{Mode: string(mode), Trigger: trigger, State: "running", Started: time.Now().UTC()}
	id, err := r.store.PutJob(job)
	if err != nil {
		return job, fmt.Errorf("record job: %w", err)
	}
	job.ID = id
	r.log.Info("reindex started", "job", id, "mode", mode, "trigger", trigger)

	job.Counts, err = r.do(ctx, mode)
	job.Finished = time.Now().UTC()
	job.State = "done"
	if err != nil {
		job.State = "failed"
		job.Errors = append(job.Errors, err.Error())
		r.log.Error("reindex failed; the live index is unchanged", "job", id, "mode", mode, "err", err)
	} else {
		r.log.Info("reindex done", "job", id, "mode", mode, "counts", job.Counts, "took", job.Finished.Sub(job.Started).Round(time.Millisecond))
	}
	if _, perr := r.store.PutJob(job); perr != nil && err == nil {
		err = fmt.Errorf("record job: %w", perr)
	}
	return job, err
}

func (r *Reindexer) do(ctx context.Context, mode Mode) (map[string]int, error) {
	counts := map[string]int{}
	var err error
	switch mode {
	case Incremental:
		// Changes are collected and written in batches: one bleve write per model costs a
		// segment each and makes a first crawl ten times slower.
		var (
			mu      sync.Mutex
			changed []practice.Model
			removed []string
		)
		counts, err = r.source.Refresh(ctx, false,
			func(m practice.Model) error { mu.Lock(); changed = append(changed, m); mu.Unlock(); return nil },
			func(id string) error { mu.Lock(); removed = append(removed, id); mu.Unlock(); return nil })
		if aerr := r.index.Apply(changed, removed); aerr != nil {
			return counts, errors.Join(err, aerr)
		}
		return counts, err
	case Full:
		if counts, err = r.source.Refresh(ctx, true, nil, nil); err != nil {
			return counts, err
		}
	case Reparse:
	default:
		return counts, fmt.Errorf("unknown reindex mode %q", mode)
	}
	if counts == nil {
		counts = map[string]int{}
	}
	n, err := r.index.Build(ctx, r.source.Models)
	counts["indexed"] = n
	return counts, err
}

// Jobs returns the most recent jobs, newest first.
func (r *Reindexer) Jobs(limit int) ([]store.Job, error) { return r.store.Jobs(limit) }
