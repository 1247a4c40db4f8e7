package search

import (
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
)

// How much a match counts by how the query word was found, on top of the field's own weight
// (indexer.TextFields). A word as the user wrote it matches in all three of a field's forms,
// a base form in two, a compound part in one; the boosts widen those steps so that exact
// matches rank above base-form matches above part matches. Tuned on the relevance set
// (search/testdata/relevance.txt, docs/relevance.md).
const (
	boostExact = 1.5 // the word as written, in the exact field
	boostBase  = 1.0 // a base form of the word, in the base field
	boostAll   = 0.5 // any form of the word, in the field holding every form (and parts)
	boostParts = 0.3 // every part of a compound query word, anywhere in the text
	boostRuns  = 3   // within that, runs of two or more of its parts (mielenterveys)
)

// textQuery builds the query for the parsed clauses: every word and phrase must match in
// some text field, excluded ones must not. No clauses match everything.
func (s *Searcher) textQuery(clauses []Clause) query.Query {
	an := s.index.Analyzer()
	var must, mustNot []query.Query
	for _, c := range clauses {
		if len(c.Or) > 0 {
			if q := orQuery(an, c.alternatives()); q != nil {
				must = append(must, q)
			}
			continue
		}
		q := clauseQuery(an, c)
		if q == nil {
			continue // stop words alone: they cannot narrow anything
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

// clauseQuery matches what one clause (without its Or) asks for, excluded or not; nil when
// it has only stop words.
func clauseQuery(an *finnish.Analyzer, c Clause) query.Query {
	switch {
	case c.Prefix:
		return prefixQuery(strings.ToLower(c.Text))
	case c.Phrase:
		return phraseQuery(an, strings.Fields(c.Text))
	}
	return wordsQuery(an, strings.Fields(c.Text))
}

// orQuery matches a text that matches any of the alternatives; an excluded alternative
// matches every text without it (a OR NOT b). An alternative of stop words alone makes the
// whole OR match everything, so it narrows nothing and is nil.
func orQuery(an *finnish.Analyzer, alts []Clause) query.Query {
	var qs []query.Query
	for _, a := range alts {
		q := clauseQuery(an, a)
		if q == nil {
			return nil
		}
		if a.Exclude {
			q = query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, []query.Query{q})
		}
		qs = append(qs, q)
	}
	return query.NewDisjunctionQuery(qs)
}

// wordsQuery matches texts that have every word in some form; nil when all are stop words.
func wordsQuery(an *finnish.Analyzer, words []string) query.Query {
	var qs []query.Query
	for _, w := range words {
		if q := wordQuery(an.Word(w)); q != nil {
			qs = append(qs, q)
		}
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

// wordQuery matches a text that has the word in any of its forms, in any text field: as
// written, in a base form, as a compound or part of one, or, for a compound, all of its
// parts. nil for a stop word.
func wordQuery(w finnish.Word) query.Query {
	if w.Stop {
		return nil
	}
	var qs []query.Query
	for _, f := range textFieldNames() {
		weight := indexer.TextFields[f]
		if slices.Contains(indexer.FormFields, f) {
			qs = append(qs, termQuery(indexer.ExactField(f), w.Exact, weight*boostExact))
			for _, b := range w.Bases {
				qs = append(qs, termQuery(indexer.BaseField(f), b, weight*boostBase))
			}
		}
		// The field of every form: a text word in any form has its base forms there, and a
		// compound its parts, so the query word's base forms are all it takes.
		for _, b := range w.Bases {
			qs = append(qs, termQuery(f, b, weight*boostAll))
		}
	}
	if len(w.Leaves) > 1 {
		qs = append(qs, partsQuery(w))
	}
	return query.NewDisjunctionQuery(qs)
}

// partsQuery matches a text that lacks a compound query word but has every part of it,
// anywhere (kotihoitoasiakas: "kotihoidon asiakkaat"); texts that also have longer runs of its
// parts (kotihoito, hoitoasiakas) rank higher.
func partsQuery(w finnish.Word) query.Query {
	anyField := func(t string, boost float64) query.Query {
		var qs []query.Query
		for _, f := range indexer.FormFields {
			qs = append(qs, termQuery(f, t, indexer.TextFields[f]*boost))
		}
		return query.NewDisjunctionQuery(qs)
	}
	var leaves, runs []query.Query
	for _, p := range w.Leaves {
		leaves = append(leaves, anyField(p, 1))
	}
	for _, p := range w.Parts {
		if !slices.Contains(w.Leaves, p) {
			runs = append(runs, anyField(p, boostRuns))
		}
	}
	// Only texts that lack the word itself: where it is, its parts add nothing but marks on
	// unrelated words (kotihoidon must not mark "kotikuntoutus" in a text that has it).
	var whole []query.Query
	for _, b := range w.Bases {
		whole = append(whole, anyField(b, 1))
	}
	q := query.NewBooleanQuery([]query.Query{query.NewConjunctionQuery(leaves)}, runs, whole)
	q.SetBoost(boostParts)
	return q
}

// phraseQuery matches the words next to each other, each in any of its forms (nuorten
// mielenterveys finds "nuoren mielenterveyden"); the words as written rank higher. Stop words
// hold their place. nil when all words are stop words.
func phraseQuery(an *finnish.Analyzer, words []string) query.Query {
	var forms [][]string
	var exact []string
	for _, s := range words {
		w := an.Word(s)
		if w.Stop {
			forms, exact = append(forms, nil), append(exact, "")
			continue
		}
		forms = append(forms, distinct(append([]string{w.Exact}, w.Bases...)))
		exact = append(exact, w.Exact)
	}
	for len(forms) > 0 && forms[0] == nil { // a phrase cannot begin or end with a gap
		forms, exact = forms[1:], exact[1:]
	}
	for len(forms) > 0 && forms[len(forms)-1] == nil {
		forms, exact = forms[:len(forms)-1], exact[:len(exact)-1]
	}
	switch len(forms) {
	case 0:
		return nil
	case 1:
		return wordQuery(an.Word(exact[0]))
	}
	var qs []query.Query
	for _, f := range textFieldNames() {
		weight := indexer.TextFields[f]
		p := query.NewMultiPhraseQuery(forms, f)
		p.SetBoost(weight * boostAll)
		qs = append(qs, p)
		if slices.Contains(indexer.FormFields, f) {
			e := query.NewPhraseQuery(exact, indexer.ExactField(f))
			e.SetBoost(weight * boostExact)
			qs = append(qs, e)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

// prefixQuery matches words that begin with p, as written or in a base form.
func prefixQuery(p string) query.Query {
	var qs []query.Query
	for _, f := range textFieldNames() {
		weight := indexer.TextFields[f]
		fields := map[string]float64{f: boostAll}
		if slices.Contains(indexer.FormFields, f) {
			fields[indexer.ExactField(f)] = boostExact
		}
		for field, boost := range fields {
			q := query.NewPrefixQuery(p)
			q.SetField(field)
			q.SetBoost(weight * boost)
			qs = append(qs, q)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

func termQuery(field, t string, boost float64) query.Query {
	q := query.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// textFieldNames are indexer.TextFields' names, in a fixed order.
func textFieldNames() []string {
	fields := make([]string, 0, len(indexer.TextFields))
	for f := range indexer.TextFields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return fields
}

func distinct(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		found := false
		for _, y := range out {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
