package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
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

// markUpdating is set in the store while a crawl's changes are on their way to the index.
const markUpdating = "index-update-running"

// DefaultMaxDrop is the largest share of models a full reindex may lose before its
// generation is refused (a 20% drop).
const DefaultMaxDrop = 0.2

// Reindexer runs reindex jobs, one at a time, and records each in the job history. Reindex
// runs a job and waits for it; Start runs one in the background; Tick is what a schedule
// calls.
type Reindexer struct {
	index  *Index
	source Source
	store  *store.Store
	log    *slog.Logger
	// MaxDrop is the largest share (0 to 1) of the live models a full build may lose and still
	// be switched in; DefaultMaxDrop unless set.
	MaxDrop float64
	// OnDone, when set, is told of every job that ended (for metrics).
	OnDone func(store.Job)

	mu         sync.Mutex
	busy       bool
	queuedFull bool
	jobs       sync.WaitGroup
}

// NewReindexer returns a Reindexer that fills index from source and records jobs in st.
func NewReindexer(index *Index, source Source, st *store.Store, log *slog.Logger) *Reindexer {
	return &Reindexer{index: index, source: source, store: st, log: log, MaxDrop: DefaultMaxDrop}
}

func (r *Reindexer) claim() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy {
		return false
	}
	r.busy = true
	return true
}

// release ends a job and reports whether a full job was queued meanwhile (and is now owed).
func (r *Reindexer) release() (runQueuedFull bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queuedFull {
		r.queuedFull = false
		return true // stays busy: the queued job takes over
	}
	r.busy = false
	return false
}

// Reindex runs one job now and waits for it; it returns ErrBusy at once when another job is
// running. The job as recorded in the history is returned also when it failed.
func (r *Reindexer) Reindex(ctx context.Context, mode Mode, trigger string) (store.Job, error) {
	if !r.claim() {
		return store.Job{}, ErrBusy
	}
	job, err := r.begin(mode, trigger)
	if err == nil {
		job, err = r.run(ctx, job)
	} else {
		r.release()
	}
	return job, err
}

// Start begins a job in the background and returns it as recorded (state "running"), or
// ErrBusy when another job is running. Wait waits for background jobs.
func (r *Reindexer) Start(ctx context.Context, mode Mode, trigger string) (store.Job, error) {
	if !r.claim() {
		return store.Job{}, ErrBusy
	}
	job, err := r.begin(mode, trigger)
	if err != nil {
		r.release()
		return job, err
	}
	r.jobs.Add(1)
	go func() {
		defer r.jobs.Done()
		r.run(ctx, job)
	}()
	return job, nil
}

// Tick is a scheduled trigger. While another job runs, an incremental tick is skipped (and
// recorded as such) and a full one is queued, once, to run when the current job ends.
func (r *Reindexer) Tick(ctx context.Context, mode Mode) {
	_, err := r.Start(ctx, mode, "schedule")
	if !errors.Is(err, ErrBusy) {
		return
	}
	if mode == Full {
		r.mu.Lock()
		queued := r.busy && !r.queuedFull
		if queued {
			r.queuedFull = true
		}
		r.mu.Unlock()
		if queued {
			r.log.Info("scheduled full reindex queued behind the running job")
			return
		}
	}
	now := time.Now().UTC()
	if _, err := r.store.PutJob(store.Job{Mode: string(mode), Trigger: "schedule", State: "skipped", Started: now, Finished: now,
		Errors: []string{ErrBusy.Error()}}); err != nil {
		r.log.Error("record skipped job", "err", err)
	}
	r.log.Warn("scheduled reindex skipped: another job is running", "mode", mode)
}

// Wait waits until no background job runs.
func (r *Reindexer) Wait() { r.jobs.Wait() }

func (r *Reindexer) begin(mode Mode, trigger string) (store.Job, error) {
	job := store.Job{Mode: string(mode), Trigger: trigger, State: "running", Started: time.Now().UTC()}
	id, err := r.store.PutJob(job)
	if err != nil {
		return job, fmt.Errorf("record job: %w", err)
	}
	job.ID = id
	return job, nil
}

// run does a claimed job, records its end, releases the claim, and runs a full job queued
// meanwhile. A panic in the job is recorded as its failure, never the process's end.
func (r *Reindexer) run(ctx context.Context, job store.Job) (_ store.Job, err error) {
	r.log.Info("reindex started", "job", job.ID, "mode", job.Mode, "trigger", job.Trigger)
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("reindex panicked: %v", p)
			}
		}()
		job.Counts, err = r.do(ctx, Mode(job.Mode))
	}()
	job.Finished = time.Now().UTC()
	job.State = "done"
	if err != nil {
		job.State = "failed"
		if ctx.Err() != nil {
			job.State = "cancelled"
		}
		job.Errors = append(job.Errors, err.Error())
		r.log.Error("reindex failed; the live index is unchanged", "job", job.ID, "mode", job.Mode, "err", err)
	} else {
		r.log.Info("reindex done", "job", job.ID, "mode", job.Mode, "counts", job.Counts, "took", job.Finished.Sub(job.Started).Round(time.Millisecond))
	}
	if _, perr := r.store.PutJob(job); perr != nil && err == nil {
		err = fmt.Errorf("record job: %w", perr)
	}
	if r.OnDone != nil {
		r.OnDone(job)
	}
	if r.release() && ctx.Err() == nil {
		next, berr := r.begin(Full, "schedule (queued)")
		if berr != nil {
			r.release()
		} else {
			r.run(ctx, next)
		}
	}
	return job, err
}

func (r *Reindexer) do(ctx context.Context, mode Mode) (map[string]int, error) {
	counts := map[string]int{}
	switch mode {
	case Incremental, Full:
	case Reparse:
		n, err := r.index.BuildGuarded(ctx, r.source.Models, r.MaxDrop)
		counts["indexed"] = n
		return counts, err
	default:
		return counts, fmt.Errorf("unknown reindex mode %q", mode)
	}
	// A crawl records pages as done before their changes reach the index. A mark kept in the
	// store until they have tells the next run, after a crash, to rebuild from the page cache.
	dirty, err := r.store.Mark(markUpdating)
	if err != nil {
		return counts, err
	}
	if dirty && mode == Incremental {
		r.log.Warn("the last reindex did not finish; rebuilding the index from the page cache first")
		if _, err := r.index.BuildGuarded(ctx, r.source.Models, r.MaxDrop); err != nil {
			return counts, err
		}
	}
	if err := r.store.SetMark(markUpdating, true); err != nil {
		return counts, err
	}
	if mode == Incremental {
		err = r.incremental(ctx, counts)
	} else {
		err = r.full(ctx, counts)
	}
	if err != nil {
		return counts, err
	}
	return counts, r.store.SetMark(markUpdating, false)
}

// incremental applies what changed on the site to the live generation. Changes are collected
// and written in one batch: a bleve write per model costs a segment each.
func (r *Reindexer) incremental(ctx context.Context, counts map[string]int) error {
	var (
		mu      sync.Mutex
		changed []practice.Model
		removed []string
	)
	got, err := r.source.Refresh(ctx, false,
		func(m practice.Model) error { mu.Lock(); changed = append(changed, m); mu.Unlock(); return nil },
		func(id string) error { mu.Lock(); removed = append(removed, id); mu.Unlock(); return nil })
	maps.Copy(counts, got)
	// What was collected is applied even when the crawl stopped early: those pages are
	// already recorded as done.
	return errors.Join(err, r.index.Apply(changed, removed))
}

// full fetches every page and builds a new generation from the page cache.
func (r *Reindexer) full(ctx context.Context, counts map[string]int) error {
	got, err := r.source.Refresh(ctx, true, nil, nil)
	maps.Copy(counts, got)
	if err != nil {
		return err
	}
	n, err := r.index.BuildGuarded(ctx, r.source.Models, r.MaxDrop)
	counts["indexed"] = n
	return err
}

// Jobs returns the most recent jobs, newest first.
func (r *Reindexer) Jobs(limit int) ([]store.Job, error) { return r.store.Jobs(limit) }
