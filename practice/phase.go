package practice

import "strings"

// The development phases Innokylä gives a model, as shown to users.
const (
	PhaseDeveloping = "Kehitteillä"
	PhaseReady      = "Valmis"
)

var phases = map[string]string{
	"kehitteillä":       PhaseDeveloping,
	"kehitteilla":       PhaseDeveloping,
	"valmis":            PhaseReady,
	"under development": PhaseDeveloping,
	"ready":             PhaseReady,
	"under utveckling":  PhaseDeveloping,
	"färdig":            PhaseReady,
}

// CanonicalPhase returns the canonical label for a phase as written on a page, with icon
// noise ("icon/bulb Created with Sketch.") removed. ok is false for a phase it does not know;
// the cleaned text is returned then, so nothing is lost.
func CanonicalPhase(s string) (phase string, ok bool) {
	s = CleanText(s)
	if p, ok := phases[strings.ToLower(s)]; ok {
		return p, true
	}
	return s, false
}
