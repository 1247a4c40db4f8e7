package reindex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
)

// Source is where models come from: the crawler satisfies it.
type Source interface {
	// Refresh crawls the site, all of it when full, and reports through put and remove (either
	// may be nil) the models that are new or changed and the IDs of those that are gone. It
	// returns the run's counts.
	Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(id string) error) (Counts, error)
	// Models calls put for every current model, from the page cache, without the network.
	Models(ctx context.Context, put func(practice.Model) error) error
}

// DefaultMaxDrop is the largest share of models a full reindex may lose before its
// generation is refused (a 20% drop).
const DefaultMaxDrop = 0.2

// Config is what a Service needs. Index and Store are required.
type Config struct {
	Index *indexer.Index
	Store *store.Store
	// Source fills the index; nil (a data folder served without a site) allows no jobs, but
	// the history is still kept truthful.
	Source Source
	// Logger gets the jobs' log; nil discards it.
	Logger *slog.Logger
	// MaxDrop is the largest share (0 to 1) of the live models a new generation may lose and
	// still be switched in; 0 means DefaultMaxDrop.
	MaxDrop float64
	// IncrementalSchedule and FullSchedule are when Run starts those jobs; a zero Schedule is
	// off. Each run starts up to Jitter after its time (0: on time).
	IncrementalSchedule Schedule
	FullSchedule        Schedule
	Jitter              time.Duration
	// OnDone, when set, is told of every job that ended (for metrics).
	OnDone func(Job)
	// Warm, when set, readies caches of the live index (facets): Run calls it at start and
	// after every job that changed the index, so that no reader waits for them.
	Warm func(ctx context.Context) error
	// Switched, when set, is called after a job's new generation was validated and switched
	// in, before the job is recorded as ended and before the next job can start (publishing
	// hangs here). gen names the generation and dir is its folder, which stays while the call
	// runs. An error is logged and kept in the job's errors; the job stays Done.
	Switched func(ctx context.Context, gen, dir string) error
}

// Service runs the reindex jobs of one data folder, one at a time, and keeps their history.
// Reindex runs a job and waits for it; Start begins one in the background of Run, which also
// runs the schedules and the start-up rebuild and returns when all of it has ended.
type Service struct {
	cfg  Config
	log  *slog.Logger
	hist history

	mu         sync.Mutex
	busy       bool
	queuedFull bool
	group      *errgroup.Group // set while Run accepts background jobs
	runCtx     context.Context // Run's, for background jobs
	next       map[Mode]time.Time
	rebuilding atomic.Bool   // an empty index is being rebuilt at start-up
	checked    atomic.Bool   // Run has decided whether the index needs that rebuild
	up         chan struct{} // closed once Run accepts background jobs
}

// New returns a Service. Jobs the history shows as running were left by a process that is
// gone (the store is open to one process at a time): they are recorded as Interrupted.
func New(cfg Config) (*Service, error) {
	if cfg.Index == nil || cfg.Store == nil {
		return nil, errors.New("reindex: Config needs an Index and a Store")
	}
	if cfg.Source == nil && (cfg.IncrementalSchedule.sched != nil || cfg.FullSchedule.sched != nil) {
		return nil, errors.New("reindex: a schedule needs a Source to reindex from")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxDrop == 0 {
		cfg.MaxDrop = DefaultMaxDrop
	}
	s := &Service{cfg: cfg, log: cfg.Logger, hist: history{cfg.Store}, next: map[Mode]time.Time{}, up: make(chan struct{})}
	fixed, err := s.hist.interruptRunning(time.Now().UTC())
	for _, j := range fixed {
		s.log.Warn("reindex job interrupted: the process ended while it ran", "job", j.ID, "mode", j.Mode, "started", j.Started)
	}
	if err != nil {
		return nil, fmt.Errorf("reindex: job history: %w", err)
	}
	return s, nil
}

// Run runs the start-up rebuild (when the index is outdated, or empty while the page cache
// holds models), the schedules and every background job until ctx ends, and returns when all
// have ended. A job running then is cancelled and recorded as such.
func (s *Service) Run(ctx context.Context) error {
	var g errgroup.Group
	s.mu.Lock()
	if s.group != nil {
		s.mu.Unlock()
		return errors.New("reindex: Run called twice")
	}
	s.group, s.runCtx = &g, ctx
	s.mu.Unlock()
	// While this goroutine waits, the group is not empty, so that jobs may be added to it.
	g.Go(func() error {
		<-ctx.Done()
		s.mu.Lock()
		s.group = nil
		s.mu.Unlock()
		return nil
	})
	rebuild, err := s.rebuildNeeded()
	if err != nil {
		s.log.Error("start-up check of the index failed", "err", err)
	}
	s.checked.Store(true)
	if !rebuild || !s.startRebuild() {
		g.Go(func() error { s.warm(ctx); return nil })
	}
	close(s.up) // after the check, so that a server started on Started is ready or rebuilding
	for _, j := range []struct {
		mode  Mode
		sched Schedule
	}{{Incremental, s.cfg.IncrementalSchedule}, {Full, s.cfg.FullSchedule}} {
		if j.sched.sched == nil {
			continue
		}
		g.Go(func() error { s.schedule(ctx, j.mode, j.sched); return nil })
	}
	return g.Wait()
}

// rebuildNeeded reports whether the live index was built by another mapping or analyzer, or
// is empty while the page cache holds models (its generation was lost).
func (s *Service) rebuildNeeded() (bool, error) {
	if s.cfg.Source == nil {
		return false, nil
	}
	n, err := s.cfg.Index.Count()
	if err != nil {
		return false, err
	}
	cached := 0
	if err := s.cfg.Store.Pages(func(p store.Page) error {
		if p.ModelID != "" {
			cached++
		}
		return nil
	}); err != nil {
		return false, err
	}
	if cached == 0 || (n > 0 && !s.cfg.Index.Outdated()) {
		return false, nil
	}
	s.log.Warn("rebuilding the index from the page cache", "models_in_index", n, "models_in_cache", cached, "outdated", s.cfg.Index.Outdated())
	s.rebuilding.Store(n == 0)
	return true, nil
}

func (s *Service) startRebuild() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.startLocked(Reparse, ByStartUp); err != nil {
		s.rebuilding.Store(false)
		s.log.Error("rebuild from the page cache not started", "err", err)
		return false
	}
	return true
}

// schedule starts mode on every run of sched until ctx ends.
func (s *Service) schedule(ctx context.Context, mode Mode, sched Schedule) {
	s.log.Info("reindex scheduled", "mode", mode, "schedule", sched.String(), "next", sched.Next(time.Now()).In(sched.loc).Format(time.RFC3339))
	for {
		at := sched.Next(time.Now())
		if at.IsZero() {
			return
		}
		if s.cfg.Jitter > 0 {
			at = at.Add(rand.N(s.cfg.Jitter))
		}
		s.mu.Lock()
		s.next[mode] = at
		s.mu.Unlock()
		t := time.NewTimer(time.Until(at))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.tick(mode)
	}
}

// tick is a scheduled trigger. While another job runs, an incremental tick is skipped (and
// recorded as such) and a full one is queued, once, to run when the current job ends.
func (s *Service) tick(mode Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.startLocked(mode, BySchedule)
	if !errors.Is(err, ErrBusy) {
		if err != nil && !errors.Is(err, ErrStopped) {
			s.log.Error("scheduled reindex not started", "mode", mode, "err", err)
		}
		return
	}
	if mode == Full && !s.queuedFull {
		s.queuedFull = true
		s.log.Info("scheduled full reindex queued behind the running job")
		return
	}
	now := time.Now().UTC()
	if _, err := s.hist.put(Job{Mode: mode, Trigger: BySchedule, State: Skipped, Started: now, Finished: now,
		Errors: []string{ErrBusy.Error()}}); err != nil {
		s.log.Error("record skipped job", "err", err)
	}
	s.log.Warn("scheduled reindex skipped: another job is running", "mode", mode)
}

// Start begins a job, triggered by the admin API, in the background of Run, and returns it
// as recorded (Running). It returns ErrBusy when another job runs and ErrStopped when Run is
// not running.
func (s *Service) Start(mode Mode) (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startLocked(mode, ByAdmin)
}

// startLocked records a job and starts it in Run's group; s.mu is held.
func (s *Service) startLocked(mode Mode, trigger Trigger) (Job, error) {
	if s.group == nil || s.runCtx.Err() != nil {
		return Job{}, ErrStopped
	}
	if s.busy {
		return Job{}, ErrBusy
	}
	if err := s.runnable(mode); err != nil {
		return Job{}, err
	}
	job, err := s.hist.put(Job{Mode: mode, Trigger: trigger, State: Running, Started: time.Now().UTC()})
	if err != nil {
		return job, err
	}
	s.busy = true
	ctx := s.runCtx
	s.group.Go(func() error {
		s.run(ctx, job)
		return nil
	})
	return job, nil
}

func (s *Service) runnable(mode Mode) error {
	if _, err := ParseMode(string(mode)); err != nil {
		return err
	}
	if s.cfg.Source == nil {
		return errors.New("reindex: no site to reindex from")
	}
	return nil
}

// Reindex runs one job now, triggered from the command line, and waits for it; it returns
// ErrBusy at once when another job is running. The job as recorded in the history is
// returned also when it failed. A scheduled full job queued meanwhile runs after it in Run,
// never in this call.
func (s *Service) Reindex(ctx context.Context, mode Mode) (Job, error) {
	if err := s.runnable(mode); err != nil {
		return Job{}, err
	}
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		return Job{}, ErrBusy
	}
	s.busy = true
	s.mu.Unlock()
	job, err := s.hist.put(Job{Mode: mode, Trigger: ByCLI, State: Running, Started: time.Now().UTC()})
	if err != nil {
		s.release()
		return job, err
	}
	return s.run(ctx, job)
}

// release ends a job's claim and starts a full job queued meanwhile, if Run still runs.
func (s *Service) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = false
	if !s.queuedFull {
		return
	}
	s.queuedFull = false
	if _, err := s.startLocked(Full, ByQueue); err != nil && !errors.Is(err, ErrStopped) {
		s.log.Error("queued full reindex not started", "err", err)
	}
}

// run does a claimed job, records its end and releases the claim. A panic in the job is
// recorded as its failure, never the process's end.
func (s *Service) run(ctx context.Context, job Job) (_ Job, err error) {
	s.log.Info("reindex started", "job", job.ID, "mode", job.Mode, "trigger", job.Trigger)
	before, version := s.cfg.Index.Generation(), s.cfg.Index.Version()
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("reindex panicked: %v", p)
			}
		}()
		job.Counts, err = s.do(ctx, job.Mode)
	}()
	job.State = Done
	if err != nil {
		// A degraded crawl's error says so with Degraded() (the crawler's DegradedError).
		var degraded interface{ Degraded() bool }
		switch {
		case ctx.Err() != nil:
			job.State = Cancelled
		case errors.As(err, &degraded) && degraded.Degraded():
			job.State = Degraded
		default:
			job.State = Failed
		}
		job.Errors = append(job.Errors, err.Error())
		s.log.Error("reindex failed; the live index is unchanged", "job", job.ID, "mode", job.Mode, "err", err)
	} else if gen := s.cfg.Index.Generation(); gen != before && s.cfg.Switched != nil {
		if serr := s.cfg.Switched(ctx, gen, s.cfg.Index.GenerationDir()); serr != nil {
			s.log.Error("after the switch to a new generation", "job", job.ID, "generation", gen, "err", serr)
			job.Errors = append(job.Errors, serr.Error())
		}
	}
	job.Finished = time.Now().UTC()
	if err == nil {
		s.log.Info("reindex done", "job", job.ID, "mode", job.Mode, "counts", job.Counts, "took", job.Finished.Sub(job.Started).Round(time.Millisecond))
	}
	if _, perr := s.hist.put(job); perr != nil && err == nil {
		err = perr
	}
	if job.Trigger == ByStartUp {
		s.rebuilding.Store(false)
	}
	if s.cfg.OnDone != nil {
		s.cfg.OnDone(job)
	}
	s.release()
	if s.cfg.Index.Version() != version {
		s.warm(ctx)
	}
	return job, err
}

func (s *Service) warm(ctx context.Context) {
	if s.cfg.Warm == nil || s.cfg.Index.Generation() == "" {
		return
	}
	start := time.Now()
	if err := s.cfg.Warm(ctx); err != nil {
		s.log.Warn("facets not readied ahead of searches", "err", err)
		return
	}
	s.log.Debug("facets readied", "took", time.Since(start).Round(time.Millisecond))
}

// markUpdating is set in the store while a crawl's changes are on their way to the index.
const markUpdating = "index-update-running"

func (s *Service) do(ctx context.Context, mode Mode) (Counts, error) {
	counts := Counts{}
	ix, src := s.cfg.Index, s.cfg.Source
	if mode == Reparse {
		n, err := ix.BuildGuarded(ctx, src.Models, s.cfg.MaxDrop)
		counts[Indexed] = n
		return counts, err
	}
	// A crawl records pages as done before their changes reach the index. A mark kept in the
	// store until they have tells the next run, after a crash, to rebuild from the page cache.
	dirty, err := s.cfg.Store.Mark(markUpdating)
	if err != nil {
		return counts, err
	}
	if dirty && mode == Incremental {
		s.log.Warn("the last reindex did not finish; rebuilding the index from the page cache first")
		if _, err := ix.BuildGuarded(ctx, src.Models, s.cfg.MaxDrop); err != nil {
			return counts, err
		}
	}
	if err := s.cfg.Store.SetMark(markUpdating, true); err != nil {
		return counts, err
	}
	if mode == Incremental {
		err = s.incremental(ctx, counts)
	} else {
		err = s.full(ctx, counts)
	}
	if err != nil {
		return counts, err
	}
	return counts, s.cfg.Store.SetMark(markUpdating, false)
}

// incremental applies what changed on the site to the live generation. Changes are collected
// and written in one batch: a bleve write per model costs a segment each.
func (s *Service) incremental(ctx context.Context, counts Counts) error {
	var (
		mu      sync.Mutex
		changed []practice.Model
		removed []string
	)
	got, err := s.cfg.Source.Refresh(ctx, false,
		func(m practice.Model) error { mu.Lock(); changed = append(changed, m); mu.Unlock(); return nil },
		func(id string) error { mu.Lock(); removed = append(removed, id); mu.Unlock(); return nil })
	maps.Copy(counts, got)
	// What was collected is applied even when the crawl stopped early: those pages are
	// already recorded as done.
	return errors.Join(err, s.cfg.Index.Apply(changed, removed))
}

// full fetches every page and builds a new generation from the page cache.
func (s *Service) full(ctx context.Context, counts Counts) error {
	got, err := s.cfg.Source.Refresh(ctx, true, nil, nil)
	maps.Copy(counts, got)
	if err != nil {
		return err
	}
	n, err := s.cfg.Index.BuildGuarded(ctx, s.cfg.Source.Models, s.cfg.MaxDrop)
	counts[Indexed] = n
	return err
}

// Adopt switches the live index to a generation built elsewhere (a replica's download in
// dir, on the data folder's file system), with the same checks and atomic swap as a local
// build (indexer.Index.Adopt). It returns ErrBusy while a job runs. It is not a job of the
// history, and Switched is not called.
func (s *Service) Adopt(ctx context.Context, dir string) (gen string, err error) {
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		return "", ErrBusy
	}
	s.busy = true
	s.mu.Unlock()
	gen, err = s.cfg.Index.Adopt(ctx, dir)
	s.release()
	if err == nil {
		s.warm(ctx)
	}
	return gen, err
}

// Started is closed once Run accepts background jobs (Start fails with ErrStopped before)
// and has checked whether the index needs its start-up rebuild, so Ready is then settled.
func (s *Service) Started() <-chan struct{} { return s.up }

// Recent returns up to limit jobs of the history, newest first.
func (s *Service) Recent(limit int) ([]Job, error) { return s.hist.recent(limit) }

// LastSuccess returns the newest job that ended Done, ok false when none has.
func (s *Service) LastSuccess() (job Job, ok bool, err error) { return s.hist.lastSuccess() }

// Next returns the next scheduled run of each mode.
func (s *Service) Next() map[Mode]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.next)
}

// Ready reports whether the index can serve: Run has checked it at start-up, a generation is
// open and it is not being rebuilt from empty. Until the check, an empty index that the page
// cache could fill would otherwise look ready with 0 models.
func (s *Service) Ready() bool {
	return s.checked.Load() && s.cfg.Index.Generation() != "" && !s.rebuilding.Load()
}
