package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/internal/benchq"
	"github.com/mallihaku/mallihaku/internal/synthetic"
)

// shape is what a built bleve query holds: its leaves by kind, and what no user input may
// produce.
type shape struct {
	leaves    int
	forbidden []string // regexp, wildcard, query string, unbounded fuzzy, short prefix
}

func shapeOf(q query.Query) shape {
	var s shape
	var walk func(q query.Query)
	walk = func(q query.Query) {
		switch q := q.(type) {
		case *query.BooleanQuery:
			for _, c := range []query.Query{q.Must, q.Should, q.MustNot} {
				if c != nil {
					walk(c)
				}
			}
		case *query.ConjunctionQuery:
			for _, c := range q.Conjuncts {
				walk(c)
			}
		case *query.DisjunctionQuery:
			for _, c := range q.Disjuncts {
				walk(c)
			}
		case *query.RegexpQuery, *query.WildcardQuery, *query.QueryStringQuery:
			s.forbidden = append(s.forbidden, fmt.Sprintf("%T", q))
		case *query.FuzzyQuery:
			s.leaves++
			if q.Fuzziness > 2 {
				s.forbidden = append(s.forbidden, fmt.Sprintf("fuzzy %d", q.Fuzziness))
			}
		case *query.PrefixQuery:
			s.leaves++
			if utf8.RuneCountInString(q.Prefix) < MinPrefixLength {
				s.forbidden = append(s.forbidden, "prefix "+q.Prefix)
			}
		case *query.MatchAllQuery:
		default:
			s.leaves++
		}
	}
	walk(q)
	return s
}

// leavesPerClause is the most leaves one word, phrase word or prefix becomes (the query builder
// spreads a word over the text fields and their analyses).
func leavesPerClause(s *Searcher) int {
	most := 0
	for _, q := range []string{"nuorten", `"nuorten päihdetyö"`, "perhekesk*", "-alkoholi", "päihdetyöntekijöiden"} {
		clauses, _ := Parse(q)
		n := shapeOf(s.textQuery(clauses)).leaves
		if strings.HasPrefix(q, `"`) {
			n = (n + 1) / 2
		}
		most = max(most, n)
	}
	return most
}

// FuzzUserQuery: any input either is refused as a bad query, or becomes a bleve query of at
// most MaxQueryTerms words' worth of leaves, with no regexp, wildcard, query-string or
// unbounded fuzzy node and no prefix shorter than MinPrefixLength; paging within its caps; and
// the search runs without any other error.
func FuzzUserQuery(f *testing.F) {
	for _, q := range []string{"nuorten päihdetyö", `"matalan kynnyksen" -alkoholi`, "perhekesk*", "*", "*a*", "/.*/", "a~2",
		"(((", "\x00", "\xff", "title:x", "+a -b", `"`, "-", "ab*", "pää* nuo*", strings.Repeat("sana ", 40)} {
		f.Add(q, 1, 20)
	}
	f.Add("x", 100, 100)
	f.Add("x", -1, 0)
	f.Add("x", 1<<40, 1<<40)
	s := newSearcherOf(f, fixture)
	per := leavesPerClause(s)
	f.Fuzz(func(t *testing.T, q string, page, size int) {
		r := Request{Query: q, Page: page, Size: size}
		res, err := s.Search(context.Background(), r)
		if err != nil && !IsBadQuery(err) {
			t.Fatalf("Search(%q, page %d, size %d): %v, not a bad query", q, page, size, err)
		}
		if err == nil && (res.Size > MaxSize || res.Page*res.Size > MaxDepth || res.Size < 1 || res.Page < 1) {
			t.Fatalf("page %d size %d allowed", res.Page, res.Size)
		}
		clauses, err := Parse(q)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("Parse(%q): %v", q, err)
			}
			return
		}
		words := 0
		for _, c := range clauses {
			words += len(strings.Fields(c.Text))
			if c.Prefix && utf8.RuneCountInString(c.Text) < MinPrefixLength {
				t.Fatalf("prefix %q allowed", c.Text)
			}
		}
		if words > MaxQueryTerms {
			t.Fatalf("%d words allowed", words)
		}
		sh := shapeOf(s.textQuery(clauses))
		if len(sh.forbidden) > 0 {
			t.Fatalf("query %q built %v", q, sh.forbidden)
		}
		if sh.leaves > MaxQueryTerms*per {
			t.Fatalf("query %q built %d leaves, more than %d words × %d", q, sh.leaves, MaxQueryTerms, per)
		}
	})
}

// TestWorstQueriesAreRefusedOrBounded: each is refused as a bad query, or runs as a bounded
// query (no expensive node, few leaves) and leaves no goroutine behind. Their cost on a 10k
// index is a benchmark figure (BenchmarkWorstQueries, cmd/mallihaku-bench), not asserted here.
func TestWorstQueriesAreRefusedOrBounded(t *testing.T) {
	g, err := synthetic.New(3)
	if err != nil {
		t.Fatal(err)
	}
	models := g.Models(60)
	s := newSearcherOf(t, models)
	per := leavesPerClause(s)
	before := runtime.NumGoroutine()
	for name, q := range benchq.WorstQueries() {
		checkWorst(t, s, per, name, q)
	}
	// Goroutines a search started end shortly after it returns: wait for that, up to a second.
	deadline := time.Now().Add(time.Second)
	after := runtime.NumGoroutine()
	for after > before+2 && time.Now().Before(deadline) {
		runtime.Gosched()
		after = runtime.NumGoroutine()
	}
	if after > before+2 {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

func checkWorst(t testing.TB, s *Searcher, per int, name, q string) {
	res, err := s.Search(context.Background(), Request{Query: q})
	switch {
	case IsBadQuery(err):
		return // refused, with a message
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	clauses, _ := Parse(q)
	sh := shapeOf(s.textQuery(clauses))
	if len(sh.forbidden) > 0 || sh.leaves > MaxQueryTerms*per {
		t.Errorf("%s ran as %v with %d leaves", name, sh.forbidden, sh.leaves)
	}
	_ = res
}

// BenchmarkWorstQueries reports each worst query's cost on the benchmark index (10,000
// models unless MALLIHAKU_BENCH_MODELS says otherwise), checking each is refused or bounded.
func BenchmarkWorstQueries(b *testing.B) {
	s := benchSearcher(b)
	per := leavesPerClause(s)
	for name, q := range benchq.WorstQueries() {
		b.Run(name, func(b *testing.B) {
			checkWorst(b, s, per, name, q)
			for b.Loop() {
				s.Search(context.Background(), Request{Query: q})
			}
		})
	}
}
