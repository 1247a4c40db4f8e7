package search

import (
	"context"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

func facetCount(vs []FacetValue, value string) int {
	for _, v := range vs {
		if v.Value == value {
			return v.Count
		}
	}
	return -1
}

// The sample has 6 models in Pirkanmaa (2 of them Valmis) and 5 national ones (4 Valmis).
func TestNationalModelsJoinAnAreaFilterWhenAskedTo(t *testing.T) {
	s := sampleSearcher(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		r        Request
		total    uint64
		national int
	}{
		{"Pirkanmaa alone", Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}}, 6, 5},
		{"Pirkanmaa and national", Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}, IncludeNational: true}, 11, 5},
		{"Pirkanmaa, Valmis, and national", Request{Filters: map[string][]string{"region": {"Pirkanmaa"}, "phase": {"Valmis"}}, IncludeNational: true}, 6, 4},
		{"Tampere's county and national", Request{Filters: map[string][]string{"region": {"Pirkanmaa"}, "wellbeing_county": {"Pirkanmaan hyvinvointialue"}}, IncludeNational: true}, 11, 5},
		{"no area: the option changes nothing", Request{Filters: map[string][]string{"phase": {"Valmis"}}, IncludeNational: true}, 21, 0},
	} {
		res, err := s.Search(ctx, tc.r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tc.total || res.National != tc.national {
			t.Errorf("%s: %d models, %d national; want %d and %d", tc.name, res.Total, res.National, tc.total, tc.national)
		}
	}
	// The area facet stays disjunctive and names the national models as such.
	res, _ := s.Search(ctx, Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}, IncludeNational: true})
	if p, n := facetCount(res.Facets["region"], "Pirkanmaa"), facetCount(res.Facets["region"], practice.National); p != 6 || n != 5 {
		t.Errorf("region facet with Pirkanmaa and national: Pirkanmaa %d, %s %d; want 6 and 5", p, practice.National, n)
	}
	if v := facetCount(res.Facets["phase"], "Valmis"); v != 6 {
		t.Errorf("phase facet with Pirkanmaa and national: Valmis %d, want 6 (2 + 4)", v)
	}
}

// Lappi's one model is Kehitteillä: Lappi and Valmis find nothing; without Lappi the 21
// Valmis models, without Valmis Lappi's one.
func TestAnEmptySearchSaysWhatDroppingEachFilterWouldGive(t *testing.T) {
	res, err := sampleSearcher(t).Search(context.Background(), Request{Filters: map[string][]string{"region": {"Lappi"}, "phase": {"Valmis"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || res.Without["region"]["Lappi"] != 21 || res.Without["phase"]["Valmis"] != 1 {
		t.Errorf("Lappi and Valmis: %d models, without Lappi %d, without Valmis %d; want 0, 21, 1", res.Total, res.Without["region"]["Lappi"], res.Without["phase"]["Valmis"])
	}
	res, _ = sampleSearcher(t).Search(context.Background(), Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}})
	if res.Without != nil {
		t.Errorf("a search that found models says what dropping its filters would give: %v", res.Without)
	}
}
