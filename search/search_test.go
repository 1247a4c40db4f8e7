package search

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// fixture is a small corpus of our own: three regions, two phases.
var fixture = []practice.Model{
	{ID: "nuorten-chat", Title: "Nuorten päihdechat", Summary: "Matalan kynnyksen päihdeneuvonta nuorille chatissa.",
		Region: []string{"Pirkanmaa"}, Phase: "Kehitteillä", Topics: []string{"Päihteet ja riippuvuudet"},
		Modified: practice.NewDate(2024, 3, 1), Sections: []practice.Section{{Heading: "Ratkaisun perusidea", Text: "Chatissa päivystävät päihdetyön ammattilaiset."}}},
	{ID: "kotihoito", Title: "Kotihoidon etäkäynnit", Summary: "Kotihoito tekee osan käynneistä videolla.",
		Region: []string{"Pirkanmaa"}, Phase: "Valmis", Topics: []string{"Ikääntyneiden palvelut"}, Modified: practice.NewDate(2022, 5, 5)},
	{ID: "perhekeskus", Title: "Perhekeskuksen kohtaamispaikka", Summary: "Perheet tapaavat toisiaan ja ammattilaisia.",
		Region: []string{"Uusimaa"}, Phase: "Valmis", Topics: []string{"Perhekeskukset"}, Modified: practice.NewDate(2023, 1, 1)},
	{ID: "xss", Title: `Malli <script>alert(1)</script> "><img src=x onerror=alert(2)>`, Summary: "Testi <b>lihava</b> päihde",
		Region: []string{"Lappi"}, Phase: "Valmis", Modified: practice.NewDate(2021, 1, 1)},
}

func newFixtureSearcher(t *testing.T) *Searcher { return newSearcherOf(t, fixture) }

func counts(vs []FacetValue) map[string]int {
	m := map[string]int{}
	for _, v := range vs {
		m[v.Value] = v.Count
	}
	return m
}

func TestSelectedRegionStillShowsWhatOtherRegionsWouldGive(t *testing.T) {
	s := newFixtureSearcher(t)
	res, err := s.Search(context.Background(), Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("region=Pirkanmaa found %d, want 2", res.Total)
	}
	region := counts(res.Facets["region"])
	if region["Pirkanmaa"] != 2 || region["Uusimaa"] != 1 || region["Lappi"] != 1 {
		t.Errorf("region facet with Pirkanmaa selected = %v, want every region's own count", region)
	}
	// The phase facet counts only Pirkanmaa's models.
	if phase := counts(res.Facets["phase"]); phase["Valmis"] != 1 || phase["Kehitteillä"] != 1 {
		t.Errorf("phase facet = %v, want Pirkanmaa's: Valmis 1, Kehitteillä 1", phase)
	}
	for _, v := range res.Facets["region"] {
		if v.Selected != (v.Value == "Pirkanmaa") {
			t.Errorf("region %s selected=%v", v.Value, v.Selected)
		}
	}
}

func TestSelectedValueIsListedEvenWhenNothingMatches(t *testing.T) {
	s := newFixtureSearcher(t)
	res, err := s.Search(context.Background(), Request{Query: "kotihoito", Filters: map[string][]string{"phase": {"Kehitteillä"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Fatalf("found %d", res.Total)
	}
	var found bool
	for _, v := range res.Facets["phase"] {
		if v.Value == "Kehitteillä" && v.Selected && v.Count == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("phase facet %+v does not list the selected Kehitteillä at 0", res.Facets["phase"])
	}
}

func TestWordsPhrasesAndExclusionsNarrowResults(t *testing.T) {
	s := newFixtureSearcher(t)
	cases := map[string][]string{
		"päihdechat":            {"nuorten-chat"},
		`"matalan kynnyksen"`:   {"nuorten-chat"},
		"päihde -chatissa":      {"xss"},
		"perhekesk*":            {"perhekeskus"},
		"kotihoito videolla":    {"kotihoito"},
		"kotihoito perhekeskus": nil,
	}
	for q, want := range cases {
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Model.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%q found %q, want %q", q, got, want)
		}
	}
}

func TestOrAndNotInCapitalsCombineWordsAsInFinna(t *testing.T) {
	s := newFixtureSearcher(t)
	for q, want := range map[string]uint64{
		"päihde":                             2, // nuorten-chat, xss
		"päihde OR kotihoito":                3,
		"päihde TAI kotihoito":               3,
		"kotihoito OR perhekeskus OR päihde": 4,
		"päihde OR kotihoito videolla":       1, // (päihde or kotihoito) and videolla
		"NOT päihde":                         2,
		"EI päihde":                          2,
		"päihde NOT chatissa":                1,
		"kotihoito OR NOT päihde":            2, // kotihoito, or anything without päihde
		"päihde tai kotihoito":               0, // lower-case tai is a word (a stop word): both must match
		"päihde ei kotihoito":                0,
		"OR päihde NOT":                      2,
	} {
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil || res.Total != want {
			t.Errorf("%q found %d (%v), want %d", q, res.Total, err, want)
		}
	}
}

func TestUnclosedQuoteIsABadQueryNotAnEmptyResult(t *testing.T) {
	s := newFixtureSearcher(t)
	_, err := s.Search(context.Background(), Request{Query: `kotihoito "videolla`})
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Code != CodeUnclosedQuote || qe.Word != "videolla" {
		t.Errorf(`kotihoito "videolla: %v, want an unclosed_quote error naming videolla`, err)
	}
}

func TestSortByTitleAndModified(t *testing.T) {
	s := newFixtureSearcher(t)
	for sort, want := range map[string]string{
		"title":    "kotihoito,xss,nuorten-chat,perhekeskus",
		"modified": "nuorten-chat,perhekeskus,kotihoito,xss",
	} {
		res, err := s.Search(context.Background(), Request{Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Model.ID)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("sort=%s: %q, want %s", sort, got, want)
		}
	}
}

func TestHighlightsEscapeTheTextAndMarkOnlyTheMatch(t *testing.T) {
	s := newFixtureSearcher(t)
	res, err := s.Search(context.Background(), Request{Query: "malli"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	h := res.Hits[0].Highlights
	frags := append(append([]string{}, h.Title...), h.Summary...)
	for _, sf := range h.Sections {
		frags = append(frags, sf.Heading, sf.Fragment)
	}
	if len(h.Title) == 0 {
		t.Errorf("no title highlight: %+v", h)
	}
	for _, f := range frags {
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
		if strings.Contains(rest, "<") {
			t.Errorf("fragment %q has markup other than <mark>", f)
		}
	}
}

func TestPagingAndFilterCapsAreBadQueries(t *testing.T) {
	s := newFixtureSearcher(t)
	for name, r := range map[string]Request{
		"size too large":  {Size: MaxSize + 1},
		"negative page":   {Page: -1},
		"too deep":        {Page: 101, Size: 100},
		"unknown filter":  {Filters: map[string][]string{"colour": {"red"}}},
		"unknown sort":    {Sort: "random"},
		"huge facet size": {FacetSize: 1_000_000},
		"too many values": {Filters: map[string][]string{"region": make([]string, MaxFilterValues+1)}},
	} {
		_, err := s.Search(context.Background(), r)
		var qe *QueryError
		if !errors.Is(err, ErrBadQuery) || !errors.As(err, &qe) || qe.Code == "" {
			t.Errorf("%s: %v, want a QueryError with a code", name, err)
		}
	}
}

func TestWarmReadiesTheFacetsOfEachNewIndexVersion(t *testing.T) {
	s := newFixtureSearcher(t)
	ready := func() *corpus {
		v, err := s.views.acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer s.views.release(v)
		return v.corpus
	}
	if ready() != nil {
		t.Fatal("a new index version has its facets before any search or warm-up")
	}
	if err := s.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	warmed := ready()
	if warmed == nil {
		t.Fatal("Warm left the facets to the first search")
	}
	if _, err := s.Search(context.Background(), Request{}); err != nil || ready() != warmed {
		t.Errorf("the first search built the facets again (err %v)", err)
	}
	if _, err := s.index.Build(context.Background(), indexer.Models(fixture...)); err != nil {
		t.Fatal(err)
	}
	if err := s.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := ready(); c == nil || c == warmed {
		t.Error("after a new generation, Warm did not ready its facets")
	}
}
