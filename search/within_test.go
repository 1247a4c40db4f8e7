package search

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/practice"
)

// queriesOfEveryShape are searches built of every kind of clause: words, compounds, a phrase,
// OR, an exclusion and a prefix.
var queriesOfEveryShape = []string{
	"päihde", "nuoret", "perhetyö", "mielenterveys palvelu", `"nuorten mielenterveys"`,
	"päihde OR perhe", "palvelu -nuoret", "koti* hoito", "sosiaalipalvelut", "asiakas yhteistyö",
}

// TestFilteringKeepsTheUnfilteredOrderScoresAndCounts: a search filtered to two regions and
// a phase (which scores only the models that pass the filters) shows the same models in the
// same order with the same scores as the search without filters shows of them, and counts
// the same.
func TestFilteringKeepsTheUnfilteredOrderScoresAndCounts(t *testing.T) {
	g, err := synthetic.New(7)
	if err != nil {
		t.Fatal(err)
	}
	models := g.Models(300)
	s := newSearcherOf(t, models)
	filters := map[string][]string{"region": {"Pirkanmaa", "Uusimaa"}, "phase": {practice.PhaseReady}}
	if n := mustSearch(t, s, Request{Filters: filters}).Total; n == 0 || 2*n > uint64(len(models)) {
		t.Fatalf("the filters pass %d of %d models; the test needs at least one and at most half", n, len(models))
	}
	passes := func(m practice.Model) bool {
		return m.Phase == practice.PhaseReady && (slices.Contains(m.Region, "Pirkanmaa") || slices.Contains(m.Region, "Uusimaa"))
	}
	for _, q := range queriesOfEveryShape {
		var want []Hit
		for page := 1; ; page++ {
			res := mustSearch(t, s, Request{Query: q, Size: MaxSize, Page: page})
			for _, h := range res.Hits {
				if passes(h.Model) {
					want = append(want, h)
				}
			}
			if page*MaxSize >= int(res.Total) {
				break
			}
		}
		if len(want) == 0 {
			t.Errorf("%s: no model of the filters' region and phase is found; choose another query", q)
			continue
		}
		got := mustSearch(t, s, Request{Query: q, Filters: filters, Size: MaxSize})
		if got.Total != uint64(len(want)) {
			t.Errorf("%s: %d models found with the filters, %d without them are of the filters' region and phase", q, got.Total, len(want))
		}
		for i := range min(len(got.Hits), len(want)) {
			// The same sum added up in another order may differ in its last bits.
			if got.Hits[i].Model.ID != want[i].Model.ID || math.Abs(got.Hits[i].Score-want[i].Score) > 1e-12*want[i].Score {
				t.Errorf("%s: hit %d is %s (score %v) with the filters, %s (score %v) without", q, i+1,
					got.Hits[i].Model.ID, got.Hits[i].Score, want[i].Model.ID, want[i].Score)
				break
			}
		}
	}
}

// TestMatchingWithoutScoresFindsWhatScoredMatchingFinds: the rewritten query that matches
// the documents for counts and facets (setQuery) finds exactly the documents of the query
// that scores them, strict or relaxed.
func TestMatchingWithoutScoresFindsWhatScoredMatchingFinds(t *testing.T) {
	s := sampleSearcher(t)
	err := s.read(context.Background(), func(ctx context.Context, v *sharedView, c *corpus) error {
		for _, q := range append(queriesOfEveryShape, "lapsiperhetyö", "vertaistukiryhmä", "kotihoitoasiakas EI päihde") {
			clauses, err := Parse(q)
			if err != nil {
				return err
			}
			for _, text := range []query.Query{s.textQuery(clauses), s.relaxedQuery(clauses)} {
				var scored, unscored []uint32
				collect := func(into *[]uint32) func(uint32, float64) error {
					return func(doc uint32, _ float64) error { *into = append(*into, doc); return nil }
				}
				if err := v.Match(ctx, text, true, collect(&scored)); err != nil {
					return err
				}
				if err := v.Match(ctx, setQuery(text), false, collect(&unscored)); err != nil {
					return err
				}
				if !slices.Equal(scored, unscored) {
					t.Errorf("%s: scored matching finds %d models, unscored %d", q, len(scored), len(unscored))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
