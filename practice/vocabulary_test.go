package practice

import (
	"slices"
	"testing"
)

func TestSplitByVocabularyTakesLongestKnownValueFirst(t *testing.T) {
	got, ok := SplitByVocabulary("Päihteet ja riippuvuudet Mielenterveyspalvelut Monialaisuus", Topics())
	want := []string{"Päihteet ja riippuvuudet", "Mielenterveyspalvelut", "Monialaisuus"}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, ok, want)
	}
	got, ok = SplitByVocabulary("Monialaisuus Uusi aihe", Topics())
	if ok || !slices.Equal(got, []string{"Monialaisuus Uusi aihe"}) {
		t.Errorf("unknown value: got %q, %v; want the line kept whole", got, ok)
	}
}
