package indexer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a cron expression evaluated on the wall clock of one time zone. Unlike the
// usual cron libraries (robfig/cron, and gocron which uses it), a time that falls into the
// spring-forward gap (03:00-03:59 in Helsinki on the last Sunday of March) is not skipped:
// the run happens at the first valid instant after the gap. A wall time that occurs twice in
// autumn runs once, at its first occurrence.
type Schedule struct {
	spec  string
	sched cron.Schedule
	loc   *time.Location
}

// ParseSchedule reads a five-field cron expression ("0 2 * * 1-6") for time zone loc.
func ParseSchedule(spec string, loc *time.Location) (Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %v (want five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * 1-6\")", spec, err)
	}
	return Schedule{spec: spec, sched: s, loc: loc}, nil
}

func (s Schedule) String() string { return s.spec }

// Next returns the first run strictly after t.
func (s Schedule) Next(t time.Time) time.Time {
	local := t.In(s.loc)
	// Evaluate the expression on a wall clock without daylight saving (the same fields in
	// UTC), then place each wall time in the zone.
	wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
	for i := 0; i < 10000; i++ {
		wall = s.sched.Next(wall)
		if wall.IsZero() {
			return time.Time{}
		}
		at := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, s.loc)
		if at.Hour() != wall.Hour() || at.Minute() != wall.Minute() {
			at = gapEnd(at)
		}
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// gapEnd returns the instant a spring-forward gap ends, given a time Go placed after it.
func gapEnd(after time.Time) time.Time {
	_, offset := after.Zone()
	t := after
	for i := 0; i < 24*60; i++ {
		prev := t.Add(-time.Minute)
		if _, o := prev.Zone(); o != offset {
			return t.Truncate(time.Minute)
		}
		t = prev
	}
	return after
}

// Clock is the time source of the scheduler; tests give a fake one.
type Clock interface {
	Now() time.Time
	// After waits like time.After.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Scheduler triggers reindex jobs on their schedules.
type Scheduler struct {
	r      *Reindexer
	clock  Clock
	jitter time.Duration
	mu     sync.Mutex
	next   map[Mode]time.Time
}

// NewScheduler returns a scheduler for r. clock nil means real time; each run starts up to
// jitter after its scheduled time (0: exactly on time).
func NewScheduler(r *Reindexer, clock Clock, jitter time.Duration) *Scheduler {
	if clock == nil {
		clock = realClock{}
	}
	return &Scheduler{r: r, clock: clock, jitter: jitter, next: map[Mode]time.Time{}}
}

// Run triggers mode on every run of sched until ctx ends. A trigger while another job runs is
// handled by Reindexer.Tick: an incremental one is skipped and recorded, a full one queued.
func (s *Scheduler) Run(ctx context.Context, mode Mode, sched Schedule) {
	for {
		at := sched.Next(s.clock.Now())
		if at.IsZero() {
			return
		}
		if s.jitter > 0 {
			at = at.Add(rand.N(s.jitter))
		}
		s.mu.Lock()
		s.next[mode] = at
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-s.clock.After(at.Sub(s.clock.Now())):
		}
		s.r.Tick(ctx, mode)
	}
}

// Next returns the next scheduled run of each mode.
func (s *Scheduler) Next() map[Mode]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Mode]time.Time, len(s.next))
	for m, t := range s.next {
		out[m] = t
	}
	return out
}
