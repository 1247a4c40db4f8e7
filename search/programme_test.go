package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

// Models of a programme and one with a development path, written for these tests.
func pathAndProgrammeModels() []practice.Model {
	sote := practice.ProgrammeRef{ID: "sote-keskus", Name: "Tulevaisuuden sote-keskus", URL: "https://innokyla.fi/fi/kokonaisuus/sote-keskus"}
	return []practice.Model{
		{ID: "polku", Title: "Kotikuntoutuksen arviointijakso", Summary: "Arviointi kotona.",
			DevelopmentPath: []practice.Section{{Heading: "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen",
				Text: "Työpajoissa fysioterapeutit ja asiakasraati kokosivat mallin."}}},
		{ID: "a", Title: "Perhekeskuksen vertaisryhmät", Summary: "Vertaisryhmät isille.", Programme: sote},
		{ID: "b", Title: "Matalan kynnyksen mielenterveystuki", Summary: "Tukea nopeasti.", Programme: sote},
		{ID: "c", Title: "Velkaneuvonta", Summary: "Neuvontaa.", Programme: practice.ProgrammeRef{Name: "Kestävän kasvun ohjelma"}},
	}
}

func TestAWordOnlyInTheDevelopmentPathFindsItsModel(t *testing.T) {
	s := newSearcherOf(t, pathAndProgrammeModels())
	for _, q := range []string{"asiakasraati", "asiakasraadin", "fysioterapeutteja"} {
		res := mustSearch(t, s, Request{Query: q})
		if ids := hitIDs(res); !slices.Equal(ids, []string{"polku"}) {
			t.Errorf("%q found %v, want the one model whose development path has it", q, ids)
			continue
		}
		frags := res.Hits[0].Highlights.Sections
		if len(frags) != 1 || frags[0].Heading != "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen" || !strings.Contains(frags[0].Fragment, "<mark>") {
			t.Errorf("%q: fragments %+v, want the path's section with the word marked", q, frags)
		}
	}
}

func TestProgrammeFilterNarrowsToItsModelsAndItsFacetCountsThem(t *testing.T) {
	s := newSearcherOf(t, pathAndProgrammeModels())
	res := mustSearch(t, s, Request{Filters: map[string][]string{"programme": {"Tulevaisuuden sote-keskus"}}})
	if ids := hitIDs(res); !slices.Equal(ids, []string{"a", "b"}) || res.Total != 2 {
		t.Errorf("programme filter found %v (total %d), want a and b", ids, res.Total)
	}
	want := []FacetValue{{Value: "Tulevaisuuden sote-keskus", Count: 2, Selected: true}, {Value: "Kestävän kasvun ohjelma", Count: 1}}
	if got := res.Facets["programme"]; !slices.Equal(got, want) {
		t.Errorf("programme facet = %+v, want %+v", got, want)
	}
}

func hitIDs(res Result) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.Model.ID)
	}
	slices.Sort(ids)
	return ids
}
