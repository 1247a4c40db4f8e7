package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/finnish/finnishtest"
	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/practice"
)

// cachedWords lists the words the current view has worked out corrections for.
func cachedWords(t *testing.T, s *Searcher) []string {
	t.Helper()
	v, err := s.views.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer s.views.release(v)
	v.fixes.mu.Lock()
	defer v.fixes.mu.Unlock()
	var words []string
	for w := range v.fixes.words {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

func TestSpellingSuggestionsCorrectTheLongestUnknownWordsOnlyAndOncePerIndexVersion(t *testing.T) {
	s := relevanceSearcher(t, finnishtest.Voikko(t), relevanceModels(t))
	t.Cleanup(s.Close)
	ctx := context.Background()
	// Four misspelled words: the three longest are corrected, the shortest is left as typed.
	const query = "kotihoidno päihdepalvleut omaishoitajlle vertaistukryhmä"
	res, err := s.Search(ctx, Request{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	const want = "kotihoidno päihdepalvelut omaishoitajalle vertaistukiryhmä"
	if res.Suggestion == nil || res.Suggestion.Query != want {
		t.Fatalf("suggestion %+v, want %q", res.Suggestion, want)
	}
	cached := cachedWords(t, s)
	if !slices.Equal(cached, []string{"omaishoitajlle", "päihdepalvleut", "vertaistukryhmä"}) {
		t.Errorf("the view worked out corrections of %q, want the three longest words only", cached)
	}
	again, err := s.Search(ctx, Request{Query: query})
	if err != nil || again.Suggestion == nil || again.Suggestion.Query != want {
		t.Errorf("the same search again: suggestion %+v, %v", again.Suggestion, err)
	}

	// A write is a new index version: its view starts without corrections.
	if err := s.index.Put(practice.Model{ID: "uusi", Title: "Uusi malli", Phase: practice.PhaseReady}); err != nil {
		t.Fatal(err)
	}
	if got := cachedWords(t, s); len(got) != 0 {
		t.Errorf("after a write the view holds corrections of %q, want none yet", got)
	}
}

// BenchmarkMisspelledCompounds is the cost of issue 11's query of 24 misspelled long
// compounds on the benchmark index: "repeated" sends the same query again and again (its
// corrections then come from the view), "new" misspells every word anew each time (other
// last two letters), so that every search works out its corrections from scratch.
func BenchmarkMisspelledCompounds(b *testing.B) {
	s := benchSearcher(b)
	ctx := context.Background()
	b.Run("repeated", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Search(ctx, Request{Query: benchq.MisspelledCompounds}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		words := strings.Fields(benchq.MisspelledCompounds)
		i := 0
		for b.Loop() {
			i++
			var q []string
			for j, w := range words {
				r := []rune(w)
				r[len(r)-1], r[len(r)-2] = rune('a'+(i*31+j)%26), rune('a'+i/26%26)
				q = append(q, string(r))
			}
			if _, err := s.Search(ctx, Request{Query: strings.Join(q, " ")}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
