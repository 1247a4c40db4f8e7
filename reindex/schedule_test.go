package reindex

import (
	"strings"
	"testing"
	"time"
)

func helsinki(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestScheduleRunsAtTheFirstValidInstantOnSpringForward(t *testing.T) {
	loc := helsinki(t)
	s, err := ParseSchedule("30 3 * * *", loc)
	if err != nil {
		t.Fatal(err)
	}
	// 28 March 2027 is the last Sunday of March: Helsinki's clocks jump from 03:00 to 04:00.
	got := s.Next(time.Date(2027, 3, 27, 12, 0, 0, 0, loc))
	if want := time.Date(2027, 3, 28, 4, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("03:30 on the spring-forward day runs at %v, want the first valid instant %v", got, want)
	}
	// And the day after, at 03:30 again.
	if got2, want := s.Next(got), time.Date(2027, 3, 29, 3, 30, 0, 0, loc); !got2.Equal(want) {
		t.Errorf("next run %v, want %v", got2, want)
	}
}

func TestScheduleRunsOnceWhenAutumnRepeatsAnHour(t *testing.T) {
	loc := helsinki(t)
	s, _ := ParseSchedule("30 3 * * *", loc)
	// 25 October 2026: 03:00-03:59 happens twice.
	first := s.Next(time.Date(2026, 10, 24, 12, 0, 0, 0, loc))
	second := s.Next(first)
	if first.Day() != 25 || second.Day() != 26 {
		t.Errorf("runs at %v then %v, want one run on the 25th and the next on the 26th", first, second)
	}
}

func TestDefaultSchedulesRunEveryNightAt2(t *testing.T) {
	loc := helsinki(t)
	inc, _ := ParseSchedule("0 2 * * 1-6", loc)
	full, _ := ParseSchedule("0 2 * * 0", loc)
	from := time.Date(2027, 3, 22, 12, 0, 0, 0, loc) // a Monday, the week of the switch
	seen := map[int]bool{}
	for _, s := range []Schedule{inc, full} {
		for at := s.Next(from); at.Before(from.AddDate(0, 0, 7)); at = s.Next(at) {
			if at.Hour() != 2 || at.Minute() != 0 || seen[at.YearDay()] {
				t.Errorf("%s ran at %v", s, at)
			}
			seen[at.YearDay()] = true
		}
	}
	if len(seen) != 7 {
		t.Errorf("ran on %d nights of 7", len(seen))
	}
}

func TestScheduleParseErrorsSayWhatIsExpected(t *testing.T) {
	for _, spec := range []string{"", "0 2 * *", "61 2 * * *", "every night"} {
		_, err := ParseSchedule(spec, time.UTC)
		if err == nil || !strings.Contains(err.Error(), "five fields") || !strings.Contains(err.Error(), spec) {
			t.Errorf("ParseSchedule(%q) = %v", spec, err)
		}
	}
}
