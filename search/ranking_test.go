package search

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/finnish/finnishtest"
	"github.com/mallihaku/mallihaku/practice"
)

func rankedIDs(res Result) string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Model.ID)
	}
	return strings.Join(out, " ")
}

// A word as the user wrote it ranks above its base form, and that above a compound that
// contains it; title above summary above body.
func TestExactAboveBaseAboveCompoundPartAndTitleAboveBody(t *testing.T) {
	voikko := finnishtest.Voikko(t)
	filler := "Toimintamalli on kehitetty yhdessä alueen järjestöjen kanssa."
	for _, tc := range []struct {
		name, query, want string
		models            []practice.Model
	}{
		{"forms", "kotihoidon", "exact base part", []practice.Model{
			{ID: "part", Title: "Kotihoitoasiakkaiden tuki", Summary: filler},
			{ID: "base", Title: "Kotihoito kunnassa", Summary: filler},
			{ID: "exact", Title: "Kotihoidon tuki", Summary: filler},
		}},
		{"fields", "lähisuhdeväkivalta", "title summary body", []practice.Model{
			{ID: "body", Title: "Perheiden tuki", Summary: filler, Sections: []practice.Section{{Heading: "Ratkaisun perusidea", Text: "Lähisuhdeväkivalta otetaan puheeksi."}}},
			{ID: "summary", Title: "Perheiden tuki", Summary: "Lähisuhdeväkivalta otetaan puheeksi."},
			{ID: "title", Title: "Lähisuhdeväkivalta puheeksi", Summary: filler},
		}},
	} {
		s := relevanceSearcher(t, voikko, tc.models)
		res, err := s.Search(context.Background(), Request{Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := rankedIDs(res); got != tc.want {
			t.Errorf("%s: %q found %q, want %q", tc.name, tc.query, got, tc.want)
		}
	}
}

// Words Voikko does not know (names, abbreviations) are matched by their Snowball stem, in
// the index and in the query.
func TestUnknownWordsFallBackToSnowball(t *testing.T) {
	s := relevanceSearcher(t, finnishtest.Voikko(t), relevanceModels(t))
	for q, want := range map[string]string{
		"Keusote":    "lastensuojelun-perhepalaveri-arviointivaiheessa", // the page says "Keusoten"
		"Kymsote":    "kotikuntoutuksen-arviointijakso",                 // "Kymsoten"
		"Eksote":     "omaishoidon-vapaapankki",                         // "Eksote", "Eksoten"
		"päihdechat": "digitaalinen-paihdeneuvonta-nuorille",
	} {
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := rankedIDs(res); got != want {
			t.Errorf("%q found %q, want %q", q, got, want)
		}
	}
}

func TestSpellingSuggestions(t *testing.T) {
	models := relevanceModels(t)
	voikko := relevanceSearcher(t, finnishtest.Voikko(t), models)
	for _, s := range []*Searcher{voikko, relevanceSearcher(t, finnish.SnowballAnalyzer(), models)} {
		an := s.index.Analyzer()
		for _, tc := range []struct {
			query, suggestion string
			applied           bool
		}{
			{"kotihoidno", "kotihoidon", true},                                          // a typo: corrected, and its results shown
			{"nuorten päihdepalvleut", "nuorten päihdepalvelut", true},                  // one word of several
			{`kotihoidno "matalan kynnyksen"`, `kotihoidon "matalan kynnyksen"`, false}, // corrected finds nothing either
			{"kotihoito", "", false},                                                    // found: nothing to suggest
			{"xqzvvk", "", false},                                                       // nothing near it in the index
		} {
			res, err := s.Search(context.Background(), Request{Query: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.suggestion == "" && res.Suggestion != nil:
				t.Errorf("%s: %q got suggestion %+v", an.Name(), tc.query, *res.Suggestion)
			case tc.suggestion != "" && (res.Suggestion == nil || res.Suggestion.Query != tc.suggestion || res.Suggestion.Applied != tc.applied):
				t.Errorf("%s: %q got suggestion %+v, want %q applied %v", an.Name(), tc.query, res.Suggestion, tc.suggestion, tc.applied)
			case tc.applied && (res.Total == 0 || res.Query != tc.query):
				t.Errorf("%s: %q applied the suggestion but shows %d models for query %q", an.Name(), tc.query, res.Total, res.Query)
			}
		}
	}
	// A real word that is not in the index is not "corrected" into another.
	res, err := voikko.Search(context.Background(), Request{Query: "avaruusalus"})
	if err != nil || res.Total != 0 || res.Suggestion != nil {
		t.Errorf("avaruusalus: %d models, suggestion %+v, err %v", res.Total, res.Suggestion, err)
	}
}

// A compound query word matches where it stands, in any form, and where its parts stand as
// consecutive words as the compound writes them: perhetyö finds "Perhetyön …" and "perhe
// työ", not "työ ja perhe" nor "perheen työ", and marks only the words that matched.
func TestCompoundMatchesWhereItStandsNotWhereItsPartsAreScattered(t *testing.T) {
	s := relevanceSearcher(t, finnishtest.Voikko(t), []practice.Model{
		{ID: "word", Title: "Perhetyön ja perhekeskuksen yhteistyö"},
		{ID: "apart", Title: "Kun perhe työ ja koulu kohtaavat"},
		{ID: "scattered", Title: "Työ ja perhe"},
		{ID: "other-form", Title: "Perheen työ ja arki"},
	})
	res, err := s.Search(context.Background(), Request{Query: "perhetyö"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rankedIDs(res); got != "word apart" || res.Total != 2 {
		t.Fatalf("perhetyö found %q (%d), want word, then apart", got, res.Total)
	}
	for i, want := range []string{"<mark>Perhetyön</mark> ja perhekeskuksen yhteistyö", "Kun <mark>perhe</mark> <mark>työ</mark> ja koulu kohtaavat"} {
		if got := res.Hits[i].Highlights.Title; len(got) != 1 || got[0] != want {
			t.Errorf("%s: title marked %q, want %q", res.Hits[i].Model.ID, got, want)
		}
	}
	clauses, _ := Parse("perhetyö")
	req := bleve.NewSearchRequest(s.textQuery(clauses))
	req.IncludeLocations = true
	found, err := s.index.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range found.Hits {
		var terms []string
		for _, ts := range h.Locations {
			for term := range ts {
				terms = append(terms, term)
			}
		}
		sort.Strings(terms)
		terms = slices.Compact(terms)
		want := map[string]string{"word": "perhetyö", "apart": "perhe työ"}[h.ID]
		if got := strings.Join(terms, " "); got != want {
			t.Errorf("%s: matched terms %q, want %q", h.ID, got, want)
		}
	}
}

// A compound word that finds nothing as it stands falls back to its parts anywhere, and says
// so (Result.Relaxed); one that finds something does not.
func TestCompoundThatFindsNothingFallsBackToItsPartsAndSaysSo(t *testing.T) {
	s := relevanceSearcher(t, finnishtest.Voikko(t), []practice.Model{
		{ID: "scattered", Title: "Hoito omassa kodissa"},
		{ID: "other", Title: "Nuorten vertaisryhmä"},
	})
	res, err := s.Search(context.Background(), Request{Query: "kotihoito"})
	if err != nil || rankedIDs(res) != "scattered" || !res.Relaxed {
		t.Errorf("kotihoito: %q relaxed %v (%v), want scattered, relaxed", rankedIDs(res), res.Relaxed, err)
	}
	res, err = s.Search(context.Background(), Request{Query: "hoito"})
	if err != nil || res.Total != 1 || res.Relaxed {
		t.Errorf("hoito: %d models, relaxed %v (%v), want 1, not relaxed", res.Total, res.Relaxed, err)
	}
}
