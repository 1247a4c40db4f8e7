package search

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/finnish/finnishtest"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

var relevanceTable = flag.Bool("relevance", false,
	"print the relevance table (recall@10 and MRR per category, Voikko and Snowball) and every query's misses")

// relevanceFloor holds the committed figures: TestRelevance fails when one drops below them.
// Raise them when a change improves the figures (and update docs/relevance.md); never lower
// them to let a change through.
var relevanceFloor = map[string]relevanceFigures{
	finnish.NameVoikko:   {Recall: 0.977, MRR: 0.986},
	finnish.NameSnowball: {Recall: 0.67, MRR: 0.80},
}

type relevanceFigures struct {
	Queries     int
	Recall, MRR float64
	Hits        float64 // models found per query: the price of recall, in noise
}

type relevanceQuery struct {
	category, query string
	want            []string
}

// TestRelevance measures search quality on search/testdata/relevance.txt over the sample site,
// with Voikko and with Snowball: recall@10 (the share of the expected models in the first ten
// results) and MRR (the mean of 1/rank of the first expected model, 0 beyond ten).
//
//	go test ./search -run TestRelevance -v -relevance
func TestRelevance(t *testing.T) {
	queries := loadRelevanceSet(t)
	models := relevanceModels(t)
	for _, an := range []*finnish.Analyzer{finnishtest.Voikko(t), finnish.SnowballAnalyzer()} {
		s := relevanceSearcher(t, an, models)
		byCat, all, misses := measureRelevance(t, s, queries)
		floor := relevanceFloor[an.Name()]
		if all.Recall < floor.Recall || all.MRR < floor.MRR {
			t.Errorf("%s: recall@10 %.3f, MRR %.3f; the committed figures are %.2f and %.2f\n%s",
				an.Name(), all.Recall, all.MRR, floor.Recall, floor.MRR, strings.Join(misses, "\n"))
		}
		if *relevanceTable {
			fmt.Printf("\n%s\n\n| category | queries | recall@10 | MRR | models found |\n|---|---|---|---|---|\n", an.Name())
			for _, c := range relevanceCategories(queries) {
				f := byCat[c]
				fmt.Printf("| %s | %d | %.3f | %.3f | %.1f |\n", c, f.Queries, f.Recall, f.MRR, f.Hits)
			}
			fmt.Printf("| **all** | %d | **%.3f** | **%.3f** | %.1f |\n\n%s\n", all.Queries, all.Recall, all.MRR, all.Hits, strings.Join(misses, "\n"))
		}
	}
}

func measureRelevance(t *testing.T, s *Searcher, queries []relevanceQuery) (map[string]relevanceFigures, relevanceFigures, []string) {
	t.Helper()
	byCat := map[string]*relevanceFigures{}
	var all relevanceFigures
	var misses []string
	for _, q := range queries {
		res, err := s.Search(context.Background(), Request{Query: q.query, Size: 10})
		if err != nil {
			t.Fatalf("%q: %v", q.query, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Model.ID)
		}
		found, rr := 0, 0.0
		for i, id := range got {
			if relevanceHas(q.want, id) {
				found++
				if rr == 0 {
					rr = 1 / float64(i+1)
				}
			}
		}
		recall := float64(found) / float64(len(q.want))
		if recall < 1 || rr < 1 {
			var missing []string
			for _, id := range q.want {
				if !relevanceHas(got, id) {
					missing = append(missing, id)
				}
			}
			misses = append(misses, fmt.Sprintf("  %-12s %-40q recall %.2f rr %.2f missing %v got %v", q.category, q.query, recall, rr, missing, got))
		}
		if byCat[q.category] == nil {
			byCat[q.category] = &relevanceFigures{}
		}
		for _, f := range []*relevanceFigures{&all, byCat[q.category]} {
			f.Queries++
			f.Recall += recall
			f.MRR += rr
			f.Hits += float64(res.Total)
		}
	}
	mean := func(f relevanceFigures) relevanceFigures {
		n := float64(f.Queries)
		return relevanceFigures{f.Queries, f.Recall / n, f.MRR / n, f.Hits / n}
	}
	out := map[string]relevanceFigures{}
	for c, f := range byCat {
		out[c] = mean(*f)
	}
	return out, mean(all), misses
}

func relevanceHas(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func relevanceCategories(queries []relevanceQuery) []string {
	var cats []string
	for _, q := range queries {
		if !relevanceHas(cats, q.category) {
			cats = append(cats, q.category)
		}
	}
	return cats
}

// loadRelevanceSet reads search/testdata/relevance.txt: "## category" lines, then lines
// "QUERY => ID ID …", "#" comments.
func loadRelevanceSet(t *testing.T) []relevanceQuery {
	t.Helper()
	f, err := os.Open("testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []relevanceQuery
	category := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			category = strings.TrimPrefix(line, "## ")
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			q, ids, ok := strings.Cut(line, "=>")
			if !ok || category == "" || len(strings.Fields(ids)) == 0 {
				t.Fatalf("relevance.txt:%d: want QUERY => ID… under a ## category", n)
			}
			qs = append(qs, relevanceQuery{category, strings.TrimSpace(q), strings.Fields(ids)})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}

// relevanceModels are the sample site's models, their text as the pages have it.
func relevanceModels(t testing.TB) []practice.Model {
	t.Helper()
	pages, err := sample.Pages()
	if err != nil {
		t.Fatal(err)
	}
	var ms []practice.Model
	for _, p := range pages {
		m := practice.Model{ID: p.Slug, Lang: "fi", Title: p.Title, Summary: p.Summary, Location: p.Location,
			Authors: p.Authors, Programme: practice.ProgrammeRef{Name: p.Programme}, Phase: p.Phase, Topics: p.Topics}
		for _, s := range p.Sections {
			m.Sections = append(m.Sections, practice.Section{Heading: s.Heading, Text: s.Text})
		}
		ms = append(ms, m)
	}
	return ms
}

// relevanceSearcher indexes models with the analysis an and returns a Searcher over them.
func relevanceSearcher(t testing.TB, an *finnish.Analyzer, models []practice.Model) *Searcher {
	t.Helper()
	ix, err := indexer.Open(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.WithAnalyzer(an))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	_, err = ix.Build(context.Background(), indexer.Models(models...))
	if err != nil {
		t.Fatal(err)
	}
	return NewSearcher(ix)
}

// TestWholeResultSets checks search/testdata/totals.txt: every query finds exactly the
// models it lists in search/testdata/totals.json, so its total is right, not only its top.
func TestWholeResultSets(t *testing.T) {
	js, err := os.ReadFile("testdata/totals.json")
	if err != nil {
		t.Fatal(err)
	}
	var models []practice.Model
	if err := json.Unmarshal(js, &models); err != nil {
		t.Fatal(err)
	}
	s := relevanceSearcher(t, finnishtest.Voikko(t), models)
	f, err := os.Open("testdata/totals.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, ids, ok := strings.Cut(line, "=>")
		if !ok {
			t.Fatalf("totals.txt:%d: want QUERY => ID… or QUERY => -", n)
		}
		want := strings.Fields(ids)
		if len(want) == 1 && want[0] == "-" {
			want = nil
		}
		q = strings.TrimSpace(q)
		res, err := s.Search(context.Background(), Request{Query: q, Size: MaxSize, Sort: "title"})
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Model.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if res.Total != uint64(len(want)) || !slices.Equal(got, want) || res.Relaxed {
			t.Errorf("%q found %d models %v (relaxed %v), want %d: %v", q, res.Total, got, res.Relaxed, len(want), want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// Highlights mark the words the query matched, cut as the index cuts them.
func TestHighlightsMarkHyphenatedAndCoordinatedWordsWhole(t *testing.T) {
	s := relevanceSearcher(t, finnishtest.Voikko(t), []practice.Model{
		{ID: "covid", Title: "Rokotukset", Summary: "Covid-19-pandemian aikana covid-19 muutti kotihoitoa."},
		{ID: "sote", Title: "Asiakasohjaus", Summary: "Sosiaali- ja terveyspalveluiden yhteinen ovi Keski-Uudellamaalla."},
	})
	for q, want := range map[string]string{
		"covid-19":         "<mark>Covid-19-pandemian</mark> aikana <mark>covid-19</mark> muutti kotihoitoa.",
		"sosiaalipalvelut": "<mark>Sosiaali-</mark> ja terveyspalveluiden yhteinen ovi Keski-Uudellamaalla.",
		"keski-uusimaa":    "Sosiaali- ja terveyspalveluiden yhteinen ovi <mark>Keski-Uudellamaalla</mark>.",
	} {
		res, err := s.Search(context.Background(), Request{Query: q})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%q: %d hits, %v", q, len(res.Hits), err)
		}
		if got := res.Hits[0].Highlights.Summary; len(got) != 1 || got[0] != want {
			t.Errorf("%q marks %q, want %q", q, got, want)
		}
	}
}
