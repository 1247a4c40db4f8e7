package reindex

import (
	"fmt"
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
