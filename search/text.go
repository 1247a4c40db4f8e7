package search

import (
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
)

// textQuery builds the query for the parsed clauses: every word and phrase must match in
// some text field, excluded ones must not. No clauses match everything.
func (s *Searcher) textQuery(clauses []Clause) query.Query {
	var must, mustNot []query.Query
	for _, c := range clauses {
		var q query.Query
		switch {
		case c.Prefix:
			q = overTextFields(func(field string) query.Query {
				p := query.NewPrefixQuery(strings.ToLower(c.Text))
				p.SetField(field)
				return p
			})
		case c.Phrase:
			q = overTextFields(func(field string) query.Query {
				p := query.NewMatchPhraseQuery(c.Text)
				p.SetField(field)
				return p
			})
		default:
			if len(s.index.Terms(c.Text)) == 0 {
				continue // a stop word or punctuation alone: it cannot narrow anything
			}
			q = overTextFields(func(field string) query.Query {
				m := query.NewMatchQuery(c.Text)
				m.SetField(field)
				m.SetOperator(query.MatchQueryOperatorAnd)
				return m
			})
		}
		if c.Exclude {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	if len(must) == 0 && len(mustNot) == 0 {
		return query.NewMatchAllQuery()
	}
	b := query.NewBooleanQuery(must, nil, mustNot)
	if len(must) == 0 {
		b.AddMust(query.NewMatchAllQuery())
	}
	return b
}

func overTextFields(build func(field string) query.Query) query.Query {
	fields := make([]string, 0, len(indexer.TextFields))
	for f := range indexer.TextFields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var qs []query.Query
	for _, f := range fields {
		q := build(f)
		if b, ok := q.(query.BoostableQuery); ok {
			b.SetBoost(indexer.TextFields[f])
		}
		qs = append(qs, q)
	}
	return query.NewDisjunctionQuery(qs)
}
