package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/internal/synthetic"
	"github.com/mallihaku/mallihaku/practice"
)

// TestFacetCountsEqualBlevesOwnAfterIncrementalUpdates compares the facet engine with bleve's
// own facet requests (Baseline) on random words and filter combinations, after a fresh build
// and after each kind of incremental update, which change documents in place.
func TestFacetCountsEqualBlevesOwnAfterIncrementalUpdates(t *testing.T) {
	g, err := synthetic.New(42)
	if err != nil {
		t.Fatal(err)
	}
	models := g.Models(120)
	s := newSearcherOf(t, models)
	ix := s.index
	rng := rand.New(rand.NewPCG(1, 2))
	words := append(g.Words(30), "nuorten", "ryhmä", "asiakkaat", "tuki")

	check := func(stage string) {
		t.Helper()
		all, err := s.AllFacets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 15 {
			r := randomRequest(rng, all, words)
			if i == 0 {
				r = Request{} // the landing view
			}
			compareWithBleve(t, stage, s, r)
		}
	}
	check("after build")

	// Put: changed regions, phases, topics and dates of existing models, in place.
	for i := range 4 {
		m := models[i]
		m.Region, m.WellbeingCounty, m.Municipality = []string{"Lappi"}, []string{"Lapin hyvinvointialue"}, []string{"Inari"}
		m.Phase = practice.PhaseDeveloping
		m.Topics = []string{"Kuntoutus"}
		m.Created, m.Modified = practice.NewDate(2012, 3, 3), practice.NewDate(2026, 1, 2)
		if err := ix.Put(m); err != nil {
			t.Fatal(err)
		}
		models[i] = m
	}
	check("after Put")

	for i := 10; i < 14; i++ {
		if err := ix.Delete(models[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	check("after Delete")

	var put []practice.Model
	var remove []string
	for range 30 {
		put = append(put, g.Model())
	}
	for i := 25; i < 35; i++ {
		m := models[i]
		m.Region, m.Funders = []string{practice.National}, []string{"Uusi rahoittaja"}
		put = append(put, m)
	}
	for i := 35; i < 45; i++ {
		remove = append(remove, models[i].ID)
	}
	if err := ix.Apply(put, remove); err != nil {
		t.Fatal(err)
	}
	check("after Apply")
	if n, _ := ix.Count(); n != 120-4+30-10 {
		t.Errorf("index holds %d models", n)
	}
}

// randomRequest picks 0-3 filters of 1-2 values (now and then a value no model has), words
// half of the time (a word, two, a prefix or an exclusion), a sort and a page.
func randomRequest(rng *rand.Rand, all map[string][]FacetValue, words []string) Request {
	r := Request{Filters: map[string][]string{}, Size: 10}
	for range rng.IntN(4) {
		f := facets[rng.IntN(len(facets))]
		vals := all[f.Key]
		for range 1 + rng.IntN(2) {
			if len(vals) == 0 || rng.IntN(10) == 0 {
				r.Filters[f.Key] = append(r.Filters[f.Key], "Ei kenenkään arvo")
				continue
			}
			r.Filters[f.Key] = append(r.Filters[f.Key], vals[rng.IntN(len(vals))].Value)
		}
	}
	switch rng.IntN(8) {
	case 0, 1, 2:
		r.Query = words[rng.IntN(len(words))]
	case 3:
		r.Query = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
	case 4:
		if w := []rune(words[rng.IntN(len(words))]); len(w) >= 4 {
			r.Query = string(w[:4]) + "*"
		}
	case 5:
		r.Query = "-" + words[rng.IntN(len(words))]
	}
	r.Sort = []string{"relevance", "modified", "created", "title"}[rng.IntN(4)]
	r.Page = 1 + rng.IntN(2)
	return r
}

// fullSearch is Search with no cut of facet values, so every count can be compared.
func fullSearch(t *testing.T, s *Searcher, r Request) Result {
	t.Helper()
	if err := r.normalize(); err != nil {
		t.Fatal(err)
	}
	r.FacetSize = 1 << 20
	clauses, err := Parse(r.Query)
	if err != nil {
		t.Fatal(err)
	}
	var out Result
	err = s.read(context.Background(), func(ctx context.Context, v *sharedView, c *corpus) error {
		out, err = s.run(ctx, v, c, r, r.Query, s.textQuery(clauses))
		return err
	})
	if err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return out
}

func compareWithBleve(t *testing.T, stage string, s *Searcher, r Request) {
	t.Helper()
	ours := fullSearch(t, s, r)
	theirs, err := s.Baseline(context.Background(), r, 1<<20)
	if err != nil {
		t.Fatalf("%s: baseline %+v: %v", stage, r, err)
	}
	what := fmt.Sprintf("%s: q=%q filters=%v sort=%s page=%d", stage, r.Query, r.Filters, r.Sort, r.Page)
	if ours.Total != theirs.Total {
		t.Errorf("%s: total %d, bleve %d", what, ours.Total, theirs.Total)
	}
	g := practice.DefaultGazetteer()
	for _, f := range facets {
		got, want := map[string]int{}, counts(theirs.Facets[f.Key])
		for _, v := range ours.Facets[f.Key] {
			if v.Count > 0 {
				got[v.Value] = v.Count
			}
		}
		// The region hierarchy lists only the selected regions' (counties') children; bleve
		// lists them all.
		for v := range want {
			if _, ok := got[v]; ok {
				continue
			}
			p, _ := g.Lookup(v)
			hidden := (f.Key == "wellbeing_county" && len(r.Filters["region"]) > 0 && !slices.Contains(r.Filters["region"], p.Region)) ||
				(f.Key == "municipality" && len(r.Filters["wellbeing_county"]) > 0 && !slices.Contains(r.Filters["wellbeing_county"], p.County)) ||
				(f.Key == "municipality" && len(r.Filters["wellbeing_county"]) == 0 && len(r.Filters["region"]) > 0 && !slices.Contains(r.Filters["region"], p.Region))
			if hidden {
				delete(want, v)
			}
		}
		if !mapsEqual(got, want) {
			t.Errorf("%s: facet %s\n  ours  %v\n  bleve %v", what, f.Key, got, want)
		}
	}
	// Orders with no ties left to scores are the same as bleve's.
	if r.Sort == "title" || (r.Query == "" && len(r.Filters) == 0) {
		var a, b []string
		for _, h := range ours.Hits {
			a = append(a, h.Model.ID)
		}
		for _, h := range theirs.Hits {
			b = append(b, h.Model.ID)
		}
		if !slices.Equal(a, b) {
			t.Errorf("%s: hits\n  ours  %q\n  bleve %q", what, a, b)
		}
	}
}

// TestViewsFollowWritesAndGenerations checks that a search after a write or a generation
// switch sees it at once (the corpus is rebuilt for the new index version).
func TestViewsFollowWritesAndGenerations(t *testing.T) {
	s := newSearcherOf(t, fixture)
	if res := mustSearch(t, s, Request{}); res.Total != uint64(len(fixture)) {
		t.Fatalf("%d models", res.Total)
	}
	m := fixture[0]
	m.Region = []string{"Kainuu"}
	if err := s.index.Put(m); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Kainuu"}}})
	if res.Total != 1 || res.Hits[0].Model.ID != m.ID {
		t.Errorf("after Put, region=Kainuu found %d", res.Total)
	}
	if _, err := s.index.Build(context.Background(), func(_ context.Context, put func(practice.Model) error) error {
		return put(practice.Model{ID: "ainoa", Title: "Ainoa malli", Region: []string{"Kainuu"}})
	}); err != nil {
		t.Fatal(err)
	}
	res = mustSearch(t, s, Request{Filters: map[string][]string{"region": {"Kainuu"}}})
	if res.Total != 1 || res.Hits[0].Model.ID != "ainoa" {
		t.Errorf("after a new generation, region=Kainuu found %+v", res.Hits)
	}
	st, err := s.Status(context.Background())
	if err != nil || st.Documents != 1 || st.Generation != s.index.Generation() {
		t.Errorf("status %+v, %v", st, err)
	}
	_ = indexer.NoDate
}
