package reindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// source stands in for the crawler: it serves n models and can be held inside Refresh.
type source struct {
	mu      sync.Mutex
	n       int
	hold    chan struct{} // when set, Refresh waits on it
	entered chan struct{}
	panics  bool
	runs    map[bool]int // full → count
}

func (s *source) Refresh(ctx context.Context, full bool, put func(practice.Model) error, remove func(string) error) (Counts, error) {
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
	return Counts{Fetched: s.n}, nil
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

func (s *source) count(full bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[full]
}

type folder struct {
	dir string
	ix  *indexer.Index
	st  *store.Store
}

// open opens a data folder's index and store, closed when the test ends.
func open(t *testing.T, dir string) folder {
	t.Helper()
	st, err := store.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// Snowball: the Voikko handle pool is made on first use, and one made inside a test's
	// bubble (synctest) cannot serve bleve's analysis workers outside it.
	ix, err := indexer.Open(dir, quiet, indexer.WithAnalyzer(finnish.SnowballAnalyzer()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close(); st.Close() })
	return folder{dir, ix, st}
}

func newService(t *testing.T, f folder, cfg Config) *Service {
	t.Helper()
	cfg.Index, cfg.Store = f.ix, f.st
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// running runs s until stop, which cancels Run and waits for it to return.
func running(t *testing.T, s *Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-s.Started()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// runningInBubble is running for a synctest bubble. Jobs in a bubble must not write to the
// index: bleve's analysis workers live outside it.
func runningInBubble(t *testing.T, s *Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	synctest.Wait()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

// endings returns a Config.OnDone and the channel it sends each ended job on.
func endings() (func(Job), chan Job) {
	c := make(chan Job, 20)
	return func(j Job) { c <- j }, c
}

func states(t *testing.T, s *Service) []string {
	t.Helper()
	jobs, err := s.Recent(20)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		out = append(out, string(j.Mode)+":"+string(j.State))
	}
	return out
}

func TestTicksWhileAJobRunsAreSkippedOrQueuedOnce(t *testing.T) {
	src := &source{n: 3, hold: make(chan struct{}), entered: make(chan struct{}, 10)}
	f := open(t, t.TempDir())
	onDone, ended := endings()
	s := newService(t, f, Config{Source: src, OnDone: onDone})
	stop := running(t, s)
	if _, err := s.Start(Incremental); err != nil {
		t.Fatal(err)
	}
	<-src.entered
	if _, err := s.Start(Full); !errors.Is(err, ErrBusy) {
		t.Errorf("second Start = %v, want ErrBusy", err)
	}
	s.tick(Incremental) // skipped and recorded
	s.tick(Full)        // queued
	s.tick(Full)        // already queued: skipped
	close(src.hold)     // the running job ends; the queued full one runs straight through
	<-ended
	<-ended
	stop()

	if src.count(false) != 1 || src.count(true) != 1 {
		t.Errorf("source runs: %d incremental, %d full; want exactly one of each (the full one queued)", src.count(false), src.count(true))
	}
	if n, _ := f.ix.Count(); n != 3 {
		t.Errorf("index holds %d models after the queued full job, want 3", n)
	}
	want := []string{"full:done", "full:skipped", "incremental:skipped", "incremental:done"}
	if got := states(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("job history %v, want %v", got, want)
	}
}

func TestReindexRunsExactlyOneJobAndLeavesAQueuedFullOneToRun(t *testing.T) {
	src := &source{n: 2, hold: make(chan struct{}), entered: make(chan struct{}, 10)}
	f := open(t, t.TempDir())
	onDone, ended := endings()
	s := newService(t, f, Config{Source: src, OnDone: onDone})
	stop := running(t, s)
	done := make(chan Job)
	go func() {
		job, _ := s.Reindex(context.Background(), Incremental)
		done <- job
	}()
	<-src.entered
	s.tick(Full) // queued behind the command-line job
	close(src.hold)
	job := <-done
	if job.Mode != Incremental || job.State != Done {
		t.Errorf("Reindex returned %s:%s", job.Mode, job.State)
	}
	<-ended
	if queued := <-ended; queued.Mode != Full || queued.Trigger != ByQueue || queued.State != Done {
		t.Errorf("the queued job ended %+v, want a full one run by Run", queued)
	}
	stop()
	if src.count(false) != 1 || src.count(true) != 1 {
		t.Errorf("runs: %d incremental, %d full; want one of each", src.count(false), src.count(true))
	}
}

func TestATickRacingShutdownStartsNothingAfterRunReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &source{n: 1}
		f := open(t, t.TempDir())
		everyMinute, _ := ParseSchedule("* * * * *", time.UTC)
		s := newService(t, f, Config{Source: src, IncrementalSchedule: everyMinute})
		ctx, cancel := context.WithCancel(context.Background())
		// The shutdown comes at the very instant of the next tick.
		time.AfterFunc(time.Until(everyMinute.Next(time.Now())), cancel)
		if err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
		ran, jobs := src.count(false), states(t, s)
		for _, j := range jobs {
			if j == "incremental:running" {
				t.Errorf("Run returned while a job ran: %v", jobs)
			}
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if src.count(false) != ran || fmt.Sprint(states(t, s)) != fmt.Sprint(jobs) {
			t.Errorf("after Run returned: %d crawls (%d before), history %v (%v before)", src.count(false), ran, states(t, s), jobs)
		}
		if _, err := s.Start(Incremental); !errors.Is(err, ErrStopped) {
			t.Errorf("Start after Run returned = %v, want ErrStopped", err)
		}
	})
}

func TestSchedulerTriggersAtScheduledTimesAndReportsTheNextRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := helsinki(t)
		// 26 March 2000 is the last Sunday of March: Helsinki's clocks jump from 03:00 to 04:00.
		time.Sleep(time.Until(time.Date(2000, 3, 25, 12, 0, 0, 0, loc)))
		src := &source{n: 1}
		f := open(t, t.TempDir())
		sched, _ := ParseSchedule("30 3 * * *", loc)
		s := newService(t, f, Config{Source: src, IncrementalSchedule: sched})
		stop := runningInBubble(t, s)
		if next := s.Next()[Incremental]; !next.Equal(time.Date(2000, 3, 26, 4, 0, 0, 0, loc)) {
			t.Errorf("next run %v, want 04:00 on the spring-forward day", next)
		}
		time.Sleep(time.Until(time.Date(2000, 3, 26, 4, 0, 1, 0, loc)))
		synctest.Wait()
		if src.count(false) != 1 {
			t.Errorf("%d jobs ran at 04:00, want 1", src.count(false))
		}
		if next := s.Next()[Incremental]; !next.Equal(time.Date(2000, 3, 27, 3, 30, 0, 0, loc)) {
			t.Errorf("then next run %v, want 03:30 the day after", next)
		}
		stop()
	})
}

func TestConcurrentTriggersRunExactlyOneJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &source{n: 2, hold: make(chan struct{}), entered: make(chan struct{}, 10)}
		s := newService(t, open(t, t.TempDir()), Config{Source: src})
		stop := runningInBubble(t, s)
		var (
			mu      sync.Mutex
			started int
			wg      sync.WaitGroup
		)
		for range 2 {
			wg.Go(func() {
				if _, err := s.Start(Incremental); err == nil {
					mu.Lock()
					started++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		<-src.entered
		s.tick(Incremental)
		close(src.hold)
		synctest.Wait()
		stop()
		if started != 1 || src.count(false) != 1 {
			t.Errorf("%d of two simultaneous triggers started, %d runs; want exactly one", started, src.count(false))
		}
	})
}

func TestShutdownCancelsARunningJobAndKeepsTheIndex(t *testing.T) {
	src := &source{n: 2}
	f := open(t, t.TempDir())
	s := newService(t, f, Config{Source: src})
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Fatal(err)
	}
	live := f.ix.Generation()
	src.mu.Lock()
	src.hold, src.entered = make(chan struct{}), make(chan struct{}, 1)
	src.mu.Unlock()
	stop := running(t, s)
	if _, err := s.Start(Full); err != nil {
		t.Fatal(err)
	}
	<-src.entered
	stop()
	jobs, _ := s.Recent(1)
	if jobs[0].State != Cancelled || f.ix.Generation() != live {
		t.Errorf("after shutdown: job %s, generation %s (was %s)", jobs[0].State, f.ix.Generation(), live)
	}
}

func TestFullReindexThatLosesMostModelsIsNotSwitchedIn(t *testing.T) {
	src := &source{n: 10}
	f := open(t, t.TempDir())
	s := newService(t, f, Config{Source: src})
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Fatal(err)
	}
	live := f.ix.Generation()
	src.mu.Lock()
	src.n = 7 // a 30% drop
	src.mu.Unlock()
	job, err := s.Reindex(context.Background(), Full)
	if !errors.Is(err, indexer.ErrTooFewModels) || job.State != Failed {
		t.Fatalf("Reindex = %v (state %s), want ErrTooFewModels and a failed job", err, job.State)
	}
	if f.ix.Generation() != live {
		t.Errorf("generation switched despite the drop")
	}
	if n, _ := f.ix.Count(); n != 10 {
		t.Errorf("live index holds %d, want the old 10", n)
	}
	src.mu.Lock()
	src.n = 9 // a 10% drop is allowed
	src.mu.Unlock()
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Errorf("10%% drop: %v", err)
	}
}

func TestAPanickingJobIsRecordedAndTheNextOneRuns(t *testing.T) {
	src := &source{n: 2, panics: true}
	s := newService(t, open(t, t.TempDir()), Config{Source: src})
	job, err := s.Reindex(context.Background(), Incremental)
	if err == nil || job.State != Failed {
		t.Fatalf("panicking job: %v, state %s", err, job.State)
	}
	src.mu.Lock()
	src.panics = false
	src.mu.Unlock()
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Fatalf("the job after a panic: %v", err)
	}
	jobs, _ := s.Recent(10)
	if len(jobs) != 2 || jobs[1].Errors[0] != "reindex panicked: extractor bug" {
		t.Errorf("history %+v", jobs)
	}
}

func TestJobHistorySurvivesARestart(t *testing.T) {
	src := &source{n: 2}
	dir := t.TempDir()
	f := open(t, dir)
	newService(t, f, Config{Source: src}).Reindex(context.Background(), Full)
	f.ix.Close()
	f.st.Close()
	s := newService(t, open(t, dir), Config{Source: src})
	jobs, _ := s.Recent(5)
	if len(jobs) != 1 || jobs[0].Mode != Full || jobs[0].State != Done || jobs[0].Counts[Indexed] != 2 || jobs[0].Trigger != ByCLI {
		t.Errorf("history after restart: %+v", jobs)
	}
}

func TestJobsLeftRunningByAGoneProcessAreInterruptedAtTheNextStart(t *testing.T) {
	dir := t.TempDir()
	f := open(t, dir)
	s := newService(t, f, Config{Source: &source{n: 2}})
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Fatal(err)
	}
	// What a process killed during a job leaves: the job recorded as running.
	killed, err := s.hist.put(Job{Mode: Incremental, Trigger: BySchedule, State: Running, Started: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	f.ix.Close()
	f.st.Close()

	before := time.Now()
	s = newService(t, open(t, dir), Config{})
	jobs, _ := s.Recent(5)
	if len(jobs) != 2 || jobs[0].ID != killed.ID || jobs[0].State != Interrupted || jobs[0].Noticed.Before(before) {
		t.Errorf("after a restart the killed job is %+v, want interrupted, noticed at the start", jobs[0])
	}
	last, ok, err := s.LastSuccess()
	if err != nil || !ok || last.Mode != Full || last.Counts[Indexed] != 2 {
		t.Errorf("last success after the restart: %+v %v %v, want the full job from before the kill", last, ok, err)
	}
}

func TestSwitchedIsToldOfEachNewGenerationAndAdoptSwapsOneBuiltElsewhere(t *testing.T) {
	var told []string
	f := open(t, t.TempDir())
	s := newService(t, f, Config{Source: &source{n: 3}, Switched: func(_ context.Context, gen, dir string) error {
		if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
			t.Errorf("Switched(%s) got folder %s: %v", gen, dir, err)
		}
		told = append(told, gen)
		return nil
	}})
	if _, err := s.Reindex(context.Background(), Incremental); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reindex(context.Background(), Full); err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0] != f.ix.Generation() {
		t.Errorf("Switched told of %v, want only the full job's generation %s", told, f.ix.Generation())
	}

	// A replica: another data folder's generation, copied to this one's file system.
	other := open(t, t.TempDir())
	if _, err := newService(t, other, Config{Source: &source{n: 5}}).Reindex(context.Background(), Full); err != nil {
		t.Fatal(err)
	}
	download := filepath.Join(f.dir, "download")
	if err := os.CopyFS(download, os.DirFS(other.ix.GenerationDir())); err != nil {
		t.Fatal(err)
	}
	gen, err := s.Adopt(context.Background(), download)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := f.ix.Count(); n != 5 || f.ix.Generation() != gen {
		t.Errorf("after Adopt: %d models in generation %s, want 5 in %s", n, f.ix.Generation(), gen)
	}
	if len(told) != 1 {
		t.Errorf("Switched was told of an adopted generation: %v", told)
	}
}
