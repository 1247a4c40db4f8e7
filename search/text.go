package search

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
)

// How much a match counts by how the query word was found, on top of the field's own weight
// (indexer.TextWeight). A word as the user wrote it matches in all three of a field's forms,
// a base form in two, a compound part in one; the boosts widen those steps so that exact
// matches rank above base-form matches above part matches. A compound's parts written as
// consecutive words weigh as a part match. Tuned on the relevance set
// (search/testdata/relevance.txt, docs/relevance.md).
const (
	boostExact = 1.5 // the word as written, in the exact field
	boostBase  = 1.0 // a base form of the word, in the base field
	boostAll   = 0.5 // any form of the word, in the field holding every form (and parts)
	// A compound's halves apart, and (relaxed) its parts anywhere, each half or part.
	boostHalves    = 0.2
	boostScattered = 0.1
)

// textQuery builds the query for the parsed clauses: every word and phrase must match in
// some text field, excluded ones must not. No clauses match everything.
func (s *Searcher) textQuery(clauses []Clause) query.Query { return s.buildQuery(clauses, false) }

// relaxedQuery is textQuery in which a compound word also matches a text that has its
// parts anywhere (lapsiperhetyö: "lapsiperheiden … perhetyö"): what a search falls back to
// when its words as they stand find nothing (Result.Relaxed).
func (s *Searcher) relaxedQuery(clauses []Clause) query.Query { return s.buildQuery(clauses, true) }

// setQuery is q rewritten for matching without scores: in every disjunction, its term
// queries become one disjunction of their own, whose postings bleve ORs as bitmaps instead of
// walking each term's documents (it can do so only for a disjunction of terms alone). The
// documents matched are the same; the scores would not be (a disjunction's score counts how
// many of its parts matched), so a scored search uses q itself.
func setQuery(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.DisjunctionQuery:
		var terms, rest []query.Query
		for _, d := range q.Disjuncts {
			if _, ok := d.(*query.TermQuery); ok {
				terms = append(terms, d)
			} else {
				rest = append(rest, setQuery(d))
			}
		}
		if len(terms) > 1 && len(rest) > 0 {
			rest = append(rest, query.NewDisjunctionQuery(terms))
		} else {
			rest = append(rest, terms...)
		}
		out := *q
		out.Disjuncts = rest
		return &out
	case *query.ConjunctionQuery:
		out := *q
		out.Conjuncts = make([]query.Query, len(q.Conjuncts))
		for i, c := range q.Conjuncts {
			out.Conjuncts[i] = setQuery(c)
		}
		return &out
	case *query.BooleanQuery:
		out := *q
		for _, part := range []*query.Query{&out.Must, &out.Should, &out.MustNot} {
			if *part != nil {
				*part = setQuery(*part)
			}
		}
		return &out
	}
	return q
}

// hasCompound reports whether a word the query looks for (not one it excludes) is a
// compound, that is, whether relaxedQuery differs from textQuery.
func (s *Searcher) hasCompound(clauses []Clause) bool {
	an := s.index.Analyzer()
	for _, c := range clauses {
		for _, a := range c.alternatives() {
			if a.Exclude || a.Prefix {
				continue
			}
			for _, w := range strings.Fields(a.Text) {
				if len(an.Word(w).Leaves) > 1 {
					return true
				}
			}
		}
	}
	return false
}

func (s *Searcher) buildQuery(clauses []Clause, relax bool) query.Query {
	an := s.index.Analyzer()
	var must, mustNot []query.Query
	for _, c := range clauses {
		if len(c.Or) > 0 {
			if q := orQuery(an, c.alternatives(), relax); q != nil {
				must = append(must, q)
			}
			continue
		}
		q := clauseQuery(an, c, relax && !c.Exclude)
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
func clauseQuery(an *finnish.Analyzer, c Clause, relax bool) query.Query {
	switch {
	case c.Prefix:
		return prefixQuery(strings.ToLower(c.Text))
	case c.Phrase:
		return phraseQuery(an, strings.Fields(c.Text))
	}
	return wordsQuery(an, strings.Fields(c.Text), relax)
}

// orQuery matches a text that matches any of the alternatives; an excluded alternative
// matches every text without it (a OR NOT b). An alternative of stop words alone makes the
// whole OR match everything, so it narrows nothing and is nil.
func orQuery(an *finnish.Analyzer, alts []Clause, relax bool) query.Query {
	var qs []query.Query
	for _, a := range alts {
		q := clauseQuery(an, a, relax && !a.Exclude)
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
func wordsQuery(an *finnish.Analyzer, words []string, relax bool) query.Query {
	var qs []query.Query
	for _, w := range words {
		if q := wordQuery(an.Word(w), relax); q != nil {
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
// written, in a base form, inside a longer compound, or, for a compound, its parts as
// consecutive words (splitsQuery); a compound of three parts or more also matches its two
// halves apart (halvesQuery), and with relax any compound its parts anywhere. nil for a
// stop word.
func wordQuery(w finnish.Word, relax bool) query.Query {
	if w.Stop {
		return nil
	}
	var qs []query.Query
	for _, f := range indexer.TextFields() {
		weight := indexer.TextWeight(f)
		if indexer.HasForms(f) {
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
	if q := splitsQuery(w); q != nil {
		qs = append(qs, q)
	}
	if q := halvesQuery(w); q != nil {
		qs = append(qs, q)
	}
	if relax && len(w.Leaves) > 1 {
		var leaves []query.Query
		for _, l := range w.Leaves {
			leaves = append(leaves, anyFormQuery(l, boostScattered))
		}
		qs = append(qs, query.NewConjunctionQuery(leaves))
	}
	return query.NewDisjunctionQuery(qs)
}

// halvesQuery matches a text that has, anywhere, the two halves of some cut of a compound of
// three parts or more, each in any form (vertaistukiryhmä: vertaistukea … ryhmässä; kotihoidon
// … asiakkaat for kotihoitoasiakas), or for three parts the outer two as one word and the
// middle one (vertaisryhmät … tuki): such a compound is read as its two main constituents,
// while a compound of two parts never matches its parts apart. nil for other words.
func halvesQuery(w finnish.Word) query.Query {
	segs := w.Segments
	if len(segs) < 3 || len(segs) > maxSplitParts {
		return nil
	}
	type half struct {
		term  string
		parts int
	}
	var halves [][2]half
	for k := 1; k < len(segs); k++ {
		halves = append(halves, [2]half{{runBase(segs[:k]), k}, {runBase(segs[k:]), len(segs) - k}})
	}
	if len(segs) == 3 { // the outer parts together, the middle one apart (vertaisryhmä … tuki)
		halves = append(halves, [2]half{{runBase([]finnish.Segment{segs[0], segs[2]}), 2}, {segs[1].Base, 1}})
	}
	// A short half (etä of etävastaanotto) is a prefix of many words rather than a
	// constituent, unless the other half is a long compound itself (etä + mielenterveystuki).
	short := func(a, b half) bool { return utf8.RuneCountInString(a.term) < minHalfLength && b.parts < 3 }
	var qs []query.Query
	for _, h := range halves {
		if short(h[0], h[1]) || short(h[1], h[0]) {
			continue
		}
		qs = append(qs, query.NewConjunctionQuery([]query.Query{anyFormQuery(h[0].term, boostHalves), anyFormQuery(h[1].term, boostHalves)}))
	}
	if len(qs) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(qs)
}

// minHalfLength is the shortest half halvesQuery accepts.
const minHalfLength = 4

// anyFormQuery matches term t in the field of every form of any text field.
func anyFormQuery(t string, boost float64) query.Query {
	var qs []query.Query
	for _, f := range indexer.TextFields() {
		qs = append(qs, termQuery(f, t, indexer.TextWeight(f)*boost))
	}
	return query.NewDisjunctionQuery(qs)
}

// Most parts a compound query word may have for splitsQuery: its phrases double with each.
const maxSplitParts = 4

// splitsQuery matches a text where the parts of a compound query word stand as consecutive
// words as the compound writes them, the last one also in its base form (perhe työ for
// perhetyö, mielen terveys for mielenterveys, kotihoito asiakas for kotihoitoasiakas): a
// phrase of exact words for each way of cutting the parts into two or more runs. Other forms
// ("perheen työ", "palvelut ohjauksen") are two words that happen to meet, not the compound;
// parts scattered over the text do not match. nil for a word that is not a compound.
func splitsQuery(w finnish.Word) query.Query {
	segs := w.Segments
	n := len(segs)
	if n < 2 || n > maxSplitParts {
		return nil
	}
	var qs []query.Query
	for cuts := 1; cuts < 1<<(n-1); cuts++ { // bit i set: a cut after part i
		var terms [][]string
		start := 0
		for i := range n {
			switch {
			case i == n-1:
				terms = append(terms, distinct([]string{runSurface(segs[start:]), runBase(segs[start:])}))
			case cuts&(1<<i) != 0:
				terms = append(terms, []string{runSurface(segs[start : i+1])})
				start = i + 1
			}
		}
		for _, f := range indexer.FormFields() {
			p := query.NewMultiPhraseQuery(terms, indexer.ExactField(f))
			p.SetBoost(indexer.TextWeight(f) * boostAll)
			qs = append(qs, p)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

// runSurface is a run of a compound's parts as the compound writes them (mielen, kotihoito).
func runSurface(segs []finnish.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Surface)
	}
	return b.String()
}

// runBase is a run of a compound's parts as one word in its base form: the parts as written,
// the last one in its base form (mielen + terveys: mielenterveys).
func runBase(segs []finnish.Segment) string {
	var b strings.Builder
	for _, s := range segs[:len(segs)-1] {
		b.WriteString(s.Surface)
	}
	b.WriteString(segs[len(segs)-1].Base)
	return b.String()
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
		return wordQuery(an.Word(exact[0]), false)
	}
	var qs []query.Query
	for _, f := range indexer.TextFields() {
		weight := indexer.TextWeight(f)
		p := query.NewMultiPhraseQuery(forms, f)
		p.SetBoost(weight * boostAll)
		qs = append(qs, p)
		if indexer.HasForms(f) {
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
	for _, f := range indexer.TextFields() {
		weight := indexer.TextWeight(f)
		fields := map[string]float64{f: boostAll}
		if indexer.HasForms(f) {
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
