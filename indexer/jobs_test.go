package indexer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
)

// source stands in for the crawler: it serves n models and can be held inside Refresh.
type source struct {
	mu      sync.Mutex
	n       int
	hold    chan struct{} // when set, Refresh waits on it
	entered chan struct{}
	panics  bool
	runs    map[bool]int // full → count
}

func (s *source) Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(string) error) (map[string]int, error) {
	s.mu.Lock()
	if s.runs == nil {
		s.runs = map[bool]int{}
	}
	s.runs[full]++
	hold, entered, panics := s.hold, s.entered, s.panics
	s.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if panics {
		panic("extractor bug")
	}
	return map[string]int{"fetched": s.n}, nil
}

func (s *source) Models(ctx context.Context, put func(practice.Model) error) error {
	s.mu.Lock()
	n := s.n
	s.mu.Unlock()
	for i := 0; i < n; i++ {
		if err := put(practice.Model{ID: fmt.Sprintf("m%d", i), Title: fmt.Sprintf("Malli numero %d", i)}); err != nil {
			return err
		}
	}
	return nil
}

func newReindexer(t *testing.T, src *source) (*Reindexer, *Index, *store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close(); st.Close() })
	return NewReindexer(ix, src, st, quiet), ix, st, dir
}

func TestTicksWhileAJobRunsAreSkippedOrQueuedOnce(t *testing.T) {
	src := &source{n: 3, hold: make(chan struct{}), entered: make(chan struct{}, 10)}
	r, ix, st, _ := newReindexer(t, src)
	ctx := context.Background()
	if _, err := r.Start(ctx, Incremental, "test"); err != nil {
		t.Fatal(err)
	}
	<-src.entered
	if _, err := r.Start(ctx, Full, "admin"); !errors.Is(err, ErrBusy) {
		t.Errorf("second Start = %v, want ErrBusy", err)
	}
	r.Tick(ctx, Incremental) // skipped and recorded
	r.Tick(ctx, Full)        // queued
	r.Tick(ctx, Full)        // already queued: skipped
	close(src.hold)          // the running job ends; the queued full one runs straight through
	r.Wait()

	src.mu.Lock()
	runs := src.runs
	src.mu.Unlock()
	if runs[false] != 1 || runs[true] != 1 {
		t.Errorf("source runs: %d incremental, %d full; want exactly one of each (the full one queued)", runs[false], runs[true])
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("index holds %d models after the queued full job, want 3", n)
	}
	jobs, _ := st.Jobs(10)
	var states []string
	for _, j := range jobs {
		states = append(states, j.Mode+":"+j.State)
	}
	want := []string{"full:done", "full:skipped", "incremental:skipped", "incremental:done"}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("job history %v, want %v", states, want)
	}
}

func TestFullReindexThatLosesMostModelsIsNotSwitchedIn(t *testing.T) {
	src := &source{n: 10}
	r, ix, _, _ := newReindexer(t, src)
	if _, err := r.Reindex(context.Background(), Full, "test"); err != nil {
		t.Fatal(err)
	}
	live := ix.Generation()
	src.mu.Lock()
	src.n = 7 // a 30% drop
	src.mu.Unlock()
	job, err := r.Reindex(context.Background(), Full, "test")
	if !errors.Is(err, ErrTooFewModels) || job.State != "failed" {
		t.Fatalf("Reindex = %v (state %s), want ErrTooFewModels and a failed job", err, job.State)
	}
	if ix.Generation() != live {
		t.Errorf("generation switched despite the drop")
	}
	if n, _ := ix.Count(); n != 10 {
		t.Errorf("live index holds %d, want the old 10", n)
	}
	src.mu.Lock()
	src.n = 9 // a 10% drop is allowed
	src.mu.Unlock()
	if _, err := r.Reindex(context.Background(), Full, "test"); err != nil {
		t.Errorf("10%% drop: %v", err)
	}
}

func TestAPanickingJobIsRecordedAndTheNextOneRuns(t *testing.T) {
	src := &source{n: 2, panics: true}
	r, _, st, _ := newReindexer(t, src)
	job, err := r.Reindex(context.Background(), Incremental, "test")
	if err == nil || job.State != "failed" {
		t.Fatalf("panicking job: %v, state %s", err, job.State)
	}
	src.mu.Lock()
	src.panics = false
	src.mu.Unlock()
	if _, err := r.Reindex(context.Background(), Full, "test"); err != nil {
		t.Fatalf("the job after a panic: %v", err)
	}
	jobs, _ := st.Jobs(10)
	if len(jobs) != 2 || jobs[1].Errors[0] != "reindex panicked: extractor bug" {
		t.Errorf("history %+v", jobs)
	}
}

func TestJobHistorySurvivesARestart(t *testing.T) {
	src := &source{n: 2}
	r, ix, st, dir := newReindexer(t, src)
	r.Reindex(context.Background(), Full, "cli")
	ix.Close()
	st.Close()
	st2, err := store.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	jobs, _ := st2.Jobs(5)
	if len(jobs) != 1 || jobs[0].Mode != "full" || jobs[0].State != "done" || jobs[0].Counts["indexed"] != 2 || jobs[0].Trigger != "cli" {
		t.Errorf("history after restart: %+v", jobs)
	}
}

// fakeClock advances only when a test says so.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	waiting chan struct{}
}

type waiter struct {
	at time.Time
	c  chan time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	c.waiting <- struct{}{}
	return ch
}

func (c *fakeClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.c <- t
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func TestSchedulerTriggersAtScheduledTimesAndReportsTheNextRun(t *testing.T) {
	loc := helsinki(t)
	src := &source{n: 1, entered: make(chan struct{}, 10)}
	r, _, _, _ := newReindexer(t, src)
	clock := &fakeClock{now: time.Date(2027, 3, 27, 12, 0, 0, 0, loc), waiting: make(chan struct{}, 10)}
	s := NewScheduler(r, clock, 0)
	sched, _ := ParseSchedule("30 3 * * *", loc)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, Incremental, sched); close(done) }()

	<-clock.waiting
	if next := s.Next()[Incremental]; !next.Equal(time.Date(2027, 3, 28, 4, 0, 0, 0, loc)) {
		t.Errorf("next run %v, want 04:00 on the spring-forward day", next)
	}
	clock.advanceTo(time.Date(2027, 3, 28, 4, 0, 0, 0, loc))
	<-src.entered // the job ran
	<-clock.waiting
	if next := s.Next()[Incremental]; !next.Equal(time.Date(2027, 3, 29, 3, 30, 0, 0, loc)) {
		t.Errorf("then next run %v, want 03:30 the day after", next)
	}
	cancel()
	<-done
	r.Wait()
}

func TestConcurrentTriggersRunExactlyOneJob(t *testing.T) {
	src := &source{n: 2, hold: make(chan struct{}), entered: make(chan struct{}, 10)}
	r, _, _, _ := newReindexer(t, src)
	ctx := context.Background()
	var started atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Start(ctx, Incremental, "admin"); err == nil {
				started.Add(1)
			}
		}()
	}
	wg.Wait()
	<-src.entered
	r.Tick(ctx, Incremental)
	close(src.hold)
	r.Wait()
	src.mu.Lock()
	defer src.mu.Unlock()
	if started.Load() != 1 || src.runs[false] != 1 {
		t.Errorf("%d of two simultaneous triggers started, %d runs; want exactly one", started.Load(), src.runs[false])
	}
}

func TestShutdownCancelsARunningJobAndKeepsTheIndex(t *testing.T) {
	src := &source{n: 2}
	r, ix, st, _ := newReindexer(t, src)
	r.Reindex(context.Background(), Full, "test")
	live := ix.Generation()
	src.mu.Lock()
	src.hold, src.entered = make(chan struct{}), make(chan struct{}, 1)
	src.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := r.Start(ctx, Full, "schedule"); err != nil {
		t.Fatal(err)
	}
	<-src.entered
	cancel()
	r.Wait()
	jobs, _ := st.Jobs(1)
	if jobs[0].State != "cancelled" || ix.Generation() != live {
		t.Errorf("after shutdown: job %s, generation %s (was %s)", jobs[0].State, ix.Generation(), live)
	}
}
