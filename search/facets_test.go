package search

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

var sampleOnce struct {
	sync.Once
	models []practice.Model
	err    error
}

// sampleModels are the sample site's models as the crawler reads them from the site's pages.
func sampleModels(t testing.TB) []practice.Model {
	t.Helper()
	sampleOnce.Do(func() {
		site, err := sample.NewSite()
		if err != nil {
			sampleOnce.err = err
			return
		}
		pages, err := sample.Pages()
		if err != nil {
			sampleOnce.err = err
			return
		}
		for _, p := range pages {
			path := "/fi/toimintamalli/" + p.Slug
			rec := httptest.NewRecorder()
			site.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://innokyla.fi"+path, nil))
			body, _ := io.ReadAll(rec.Result().Body)
			m, _, err := extract.HTML("https://innokyla.fi"+path, body, extract.Innokyla())
			if err != nil {
				sampleOnce.err = err
				return
			}
			sampleOnce.models = append(sampleOnce.models, m)
		}
	})
	if sampleOnce.err != nil {
		t.Fatal(sampleOnce.err)
	}
	return sampleOnce.models
}

var sampleIndex struct {
	sync.Once
	dir string
	s   *Searcher
	err error
}

// TestMain removes the shared sample index after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if sampleIndex.s != nil {
		sampleIndex.s.Close()
		sampleIndex.s.index.Close()
	}
	if sampleIndex.dir != "" {
		os.RemoveAll(sampleIndex.dir)
	}
	os.Exit(code)
}

// sampleSearcher is a searcher over the sample site's models, shared by the tests that only
// read it (indexing with Voikko costs seconds under -race).
func sampleSearcher(t testing.TB) *Searcher {
	t.Helper()
	models := sampleModels(t)
	sampleIndex.Do(func() {
		if sampleIndex.dir, sampleIndex.err = os.MkdirTemp("", "mallihaku-sample-"); sampleIndex.err != nil {
			return
		}
		ix, err := indexer.Open(sampleIndex.dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			sampleIndex.err = err
			return
		}
		if _, err := ix.Build(context.Background(), indexer.Models(models...)); err != nil {
			ix.Close()
			sampleIndex.err = err
			return
		}
		sampleIndex.s = NewSearcher(ix)
	})
	if sampleIndex.err != nil {
		t.Fatal(sampleIndex.err)
	}
	return sampleIndex.s
}

// newSearcherOf indexes models into a new index and returns a searcher over it.
func newSearcherOf(t testing.TB, models []practice.Model) *Searcher {
	t.Helper()
	ix, err := indexer.Open(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), indexer.Models(models...)); err != nil {
		t.Fatal(err)
	}
	s := NewSearcher(ix)
	t.Cleanup(s.Close)
	return s
}

func mustSearch(t *testing.T, s *Searcher, r Request) Result {
	t.Helper()
	res, err := s.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return res
}

func TestSampleSiteDisjunctiveCountsWhenPirkanmaaIsSelected(t *testing.T) {
	manifest, err := sample.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	s := sampleSearcher(t)
	res := mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}, FacetSize: MaxFacetSize})

	allRegions, pirkanmaaPhases, pirkanmaa := map[string]int{}, map[string]int{}, 0
	for _, e := range manifest {
		for _, r := range e.Region {
			allRegions[r]++
		}
		if slices.Contains(e.Region, "Pirkanmaa") {
			pirkanmaa++
			pirkanmaaPhases[e.Phase]++
		}
	}
	if res.Total != uint64(pirkanmaa) {
		t.Errorf("region=Pirkanmaa found %d, the manifest says %d", res.Total, pirkanmaa)
	}
	// The region facet ignores its own filter: every region is listed with what selecting it
	// too would add, as over the whole site.
	if got := counts(res.Facets["region"]); !mapsEqual(got, allRegions) {
		t.Errorf("region facet with Pirkanmaa selected:\n got %v\nwant %v", got, allRegions)
	}
	// The other facets count Pirkanmaa's models only.
	if got := counts(res.Facets["phase"]); !mapsEqual(got, pirkanmaaPhases) {
		t.Errorf("phase facet = %v, want Pirkanmaa's %v", got, pirkanmaaPhases)
	}
	for _, v := range res.Facets["region"] {
		if v.Selected != (v.Value == "Pirkanmaa") {
			t.Errorf("region %s selected=%v", v.Value, v.Selected)
		}
	}

	// Two regions are OR-ed; a phase is AND-ed with them.
	both := mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Pirkanmaa", "Uusimaa"}, "phase": {"Valmis"}}})
	want := 0
	for _, e := range manifest {
		if (slices.Contains(e.Region, "Pirkanmaa") || slices.Contains(e.Region, "Uusimaa")) && e.Phase == "Valmis" {
			want++
		}
	}
	if both.Total != uint64(want) || want == 0 {
		t.Errorf("(Pirkanmaa or Uusimaa) and Valmis found %d, want %d", both.Total, want)
	}
}

func TestRegionHierarchyListsOnlyTheSelectedRegionsCountiesAndMunicipalities(t *testing.T) {
	manifest, _ := sample.Manifest()
	s := sampleSearcher(t)

	// Selecting Uusimaa lists Uusimaa's wellbeing services counties, each with Uusimaa as its
	// parent and the count the manifest gives.
	res := mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Uusimaa"}}, FacetSize: MaxFacetSize})
	want := map[string]int{}
	for _, e := range manifest {
		if slices.Contains(e.Region, "Uusimaa") {
			for _, c := range e.WellbeingCounty {
				want[c]++
			}
		}
	}
	if got := counts(res.Facets["wellbeing_county"]); !mapsEqual(got, want) || len(want) != 5 {
		t.Errorf("counties under Uusimaa = %v, want %v", got, want)
	}
	for _, v := range res.Facets["wellbeing_county"] {
		if v.Parent != "Uusimaa" {
			t.Errorf("county %s has parent %q, want Uusimaa", v.Value, v.Parent)
		}
	}

	// A model of two regions does not bring the other region's county under the selected one.
	res = mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Päijät-Häme"}}})
	for _, v := range res.Facets["wellbeing_county"] {
		if v.Parent != "Päijät-Häme" {
			t.Errorf("under Päijät-Häme the county facet lists %s (%s)", v.Value, v.Parent)
		}
	}
	if len(res.Facets["wellbeing_county"]) == 0 {
		t.Error("no counties under Päijät-Häme")
	}

	// Selecting a county lists its municipalities, whose parent it is.
	county := "Länsi-Uudenmaan hyvinvointialue"
	res = mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Uusimaa"}, "wellbeing_county": {county}}})
	if len(res.Facets["municipality"]) == 0 {
		t.Fatal("no municipalities under", county)
	}
	for _, v := range res.Facets["municipality"] {
		if v.Parent != county {
			t.Errorf("municipality %s has parent %q, want %s", v.Value, v.Parent, county)
		}
	}
	// Without a region, every county is listed, each with its own region as parent.
	all, err := s.AllFacets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	parents := map[string]bool{}
	for _, v := range all["wellbeing_county"] {
		parents[v.Parent] = true
	}
	if len(parents) < 10 || parents[""] {
		t.Errorf("county parents over the whole index: %v", parents)
	}
}

func TestFacetValuesSortByCountThenFinnishAlphabet(t *testing.T) {
	funders := []string{"Öljy", "zeta", "Äiti", "Åbo", "alku"}
	var models []practice.Model
	for i, f := range funders {
		models = append(models, practice.Model{ID: "m" + f, Title: "Malli " + f, Funders: []string{f, "Yhteinen"},
			Created: practice.NewDate(2020+i, 1, 1), Modified: practice.NewDate(2024, 1, 1)})
	}
	models = append(models, practice.Model{ID: "lisa", Title: "Lisä", Funders: []string{"zeta"}})
	s := newSearcherOf(t, models)
	res := mustSearch(t, s, Request{})
	var got []string
	for _, v := range res.Facets["funder"] {
		got = append(got, v.Value)
	}
	want := "Yhteinen,zeta,alku,Åbo,Äiti,Öljy"
	if strings.Join(got, ",") != want {
		t.Errorf("funder facet order %q, want %s", got, want)
	}
	// The facet size cuts after ordering; a selected value beyond the cut is still listed.
	res = mustSearch(t, s, Request{FacetSize: 2, Filters: map[string][]string{"funder": {"Öljy", "Ei ole"}}})
	got = nil
	for _, v := range res.Facets["funder"] {
		got = append(got, v.Value)
	}
	if want := "Yhteinen,zeta,Öljy,Ei ole"; strings.Join(got, ",") != want {
		t.Errorf("funder facet with size 2 and two selected: %q, want %s", got, want)
	}
	// created_year comes from the created date.
	res = mustSearch(t, s, Request{Filters: map[string][]string{"created_year": {"2022"}}})
	if res.Total != 1 || res.Hits[0].Model.ID != "mÄiti" {
		t.Errorf("created_year=2022 found %d", res.Total)
	}
	if c := counts(res.Facets["created_year"]); c["2020"] != 1 || c["2024"] != 1 || len(c) != 5 {
		t.Errorf("created_year facet %v", c)
	}
}

func TestPagesFollowEachOtherWithoutGapsOrRepeats(t *testing.T) {
	s := sampleSearcher(t)
	for _, r := range []Request{{Sort: "title"}, {Sort: "modified"}, {Query: "nuoret"}, {Sort: "created", Filters: map[string][]string{"phase": {"Valmis"}}}} {
		r.Size = 100
		all := mustSearch(t, s, r)
		var paged []string
		for page := 1; ; page++ {
			r.Page, r.Size = page, 4
			res := mustSearch(t, s, r)
			if res.Total != all.Total {
				t.Fatalf("page %d total %d, want %d", page, res.Total, all.Total)
			}
			for _, h := range res.Hits {
				paged = append(paged, h.Model.ID)
			}
			if len(res.Hits) < 4 {
				break
			}
		}
		var want []string
		for _, h := range all.Hits {
			want = append(want, h.Model.ID)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("%+v: pages of 4 give %q,\nwant %q", r, paged, want)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
