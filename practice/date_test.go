package practice

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDateReadsPaddedAndUnpaddedFinnishDates(t *testing.T) {
	cases := map[string]Date{
		"09.11.2021":        NewDate(2021, time.November, 9),
		"6.6.2023":          NewDate(2023, time.June, 6),
		" 15.06.2022\u00a0": NewDate(2022, time.June, 15),
		"2021-11-09":        NewDate(2021, time.November, 9),
	}
	for in, want := range cases {
		got, err := ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "31.2.2021", "huomenna", "1.13.2020", "1.1"} {
		if d, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", bad, d)
		}
	}
}

func TestDateJSONIsISOOrNull(t *testing.T) {
	b, _ := json.Marshal(struct{ A, B Date }{A: NewDate(2021, 11, 9)})
	if string(b) != `{"A":"2021-11-09","B":null}` {
		t.Errorf("got %s", b)
	}
	var back struct{ A, B Date }
	if err := json.Unmarshal(b, &back); err != nil || back.A != NewDate(2021, 11, 9) || !back.B.IsZero() {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestCanonicalPhaseDropsIconNoise(t *testing.T) {
	for in, want := range map[string]string{
		"icon/bulb Created with Sketch. Kehitteillä": PhaseDeveloping,
		"icon/launch Created with Sketch. Valmis":    PhaseReady,
		" valmis ": PhaseReady,
	} {
		if got, ok := CanonicalPhase(in); !ok || got != want {
			t.Errorf("CanonicalPhase(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := CanonicalPhase("Pilotissa"); ok || got != "Pilotissa" {
		t.Errorf("unknown phase: got %q, %v", got, ok)
	}
}
