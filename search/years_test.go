package search

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

func TestYearRangesFindTheModelsOfTheirYearsAndCountLikeFilters(t *testing.T) {
	s := newFixtureSearcher(t) // modified 2024, 2022, 2023, 2021
	for _, c := range []struct {
		name  string
		years YearRange
		also  []string // year values chosen as well
		want  uint64
	}{
		{"2022–2023", YearRange{2022, 2023}, nil, 2},
		{"from 2023", YearRange{From: 2023}, nil, 2},
		{"to 2021", YearRange{To: 2021}, nil, 1},
		{"2010–2015, no model's year", YearRange{2010, 2015}, nil, 0},
		{"2021–2023 and the year 2022 ticked", YearRange{2021, 2023}, []string{"2022"}, 1},
	} {
		r := Request{Years: map[string]YearRange{"year": c.years}}
		if c.also != nil {
			r.Filters = map[string][]string{"year": c.also}
		}
		res := mustSearch(t, s, r)
		if res.Total != c.want {
			t.Errorf("%s: %d models, want %d", c.name, res.Total, c.want)
		}
		if c.name == "2022–2023" {
			// Disjunctive: the year facet counts every year, as if no range were chosen; the
			// phase facet only the range's models (Valmis 2: kotihoito 2022, perhekeskus 2023).
			if y := counts(res.Facets["year"]); y["2024"] != 1 || y["2021"] != 1 {
				t.Errorf("%s: year facet %v, want every year's own count", c.name, y)
			}
			if p := counts(res.Facets["phase"]); p["Valmis"] != 2 || p["Kehitteillä"] != 0 {
				t.Errorf("%s: phase facet %v, want Valmis 2", c.name, p)
			}
			for _, v := range res.Facets["year"] {
				if v.Selected {
					t.Errorf("%s: year %s is shown as ticked; a range ticks no year", c.name, v.Value)
				}
			}
		}
	}
}

func TestYearRangesThatAreNoneAreTheUsersToFix(t *testing.T) {
	s := newFixtureSearcher(t)
	for _, years := range []map[string]YearRange{
		{"year": {2024, 2020}}, {"year": {From: 20}}, {"created_year": {To: 3000}}, {"phase": {2020, 2021}},
	} {
		_, err := s.Search(context.Background(), Request{Years: years})
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != CodeBadYears || !IsBadQuery(err) {
			t.Errorf("%v: %v, want a bad_years query error", years, err)
		}
	}
}

func TestMarkMarksTheQuerysWordsInTheWholeModel(t *testing.T) {
	m := practice.Model{ID: "merkit", Title: "Päihdetyön <malli>", Summary: "Nuorten päihdetyö kouluissa.",
		Sections: []practice.Section{{Heading: "Kuvaus", Text: "Ensimmäinen kappale.\n\nToisessa kappaleessa päihdetyö ja koulut."}}}
	s := newSearcherOf(t, append([]practice.Model{m}, fixture...))
	got, err := s.Mark(context.Background(), "päihdetyö", m)
	if err != nil {
		t.Fatal(err)
	}
	want := Marked{Title: "<mark>Päihdetyön</mark> &lt;malli&gt;", Summary: "Nuorten <mark>päihdetyö</mark> kouluissa.",
		Sections: [][]string{{"Ensimmäinen kappale.", "Toisessa kappaleessa <mark>päihdetyö</mark> ja koulut."}}}
	if got.Title != want.Title || got.Summary != want.Summary || strings.Join(got.Sections[0], "|") != strings.Join(want.Sections[0], "|") {
		t.Errorf("Mark(päihdetyö) =\n%q\nwant\n%q", got, want)
	}
	none, err := s.Mark(context.Background(), "", m)
	if err != nil || strings.Contains(none.Title+none.Summary, "<mark>") || none.Title != "Päihdetyön &lt;malli&gt;" {
		t.Errorf("Mark without words = %q, %v; want the text escaped, unmarked", none, err)
	}
}
