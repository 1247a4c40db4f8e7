package search

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/indexer"
)

// Bounds of spelling suggestions: how many of Voikko's suggestions are tried against the
// index, and how far (in edits) a word of the index may be from the word typed: none for
// words shorter than minFuzzyLength letters, one below twoEditsLength, else two.
const (
	maxVoikkoSuggestions = 5
	minFuzzyLength       = 4
	twoEditsLength       = 7
	fuzzyHits            = 20
)

// withSuggestion is what a search that found nothing answers: when some word of the query
// matches nothing and Voikko does not know it (a typo, most likely), res gets a suggestion,
// the query with such words corrected; when the suggestion finds models, the answer is its
// results, marked Applied. Otherwise res is returned as it is.
func (s *Searcher) withSuggestion(ctx context.Context, r Request, clauses []Clause, res Result) Result {
	if res.Total > 0 || len(clauses) == 0 {
		return res
	}
	fixed, ok := s.suggest(ctx, clauses)
	if !ok {
		return res
	}
	res.Suggestion = &Suggestion{Query: fixed}
	alt := r
	alt.Query = fixed
	altRes, err := s.Search(ctx, alt)
	if err != nil || altRes.Total == 0 {
		return res
	}
	altRes.Query = r.Query
	altRes.Suggestion = &Suggestion{Query: fixed, Applied: true}
	return altRes
}

// suggest rewrites the query with its unknown words corrected; ok is false when no word
// needed or found a correction. Phrases, prefixes and excluded words are kept as written.
func (s *Searcher) suggest(ctx context.Context, clauses []Clause) (string, bool) {
	an := s.index.Analyzer()
	changed := false
	var out []string
	for _, c := range clauses {
		var alts []string
		for _, a := range c.alternatives() {
			text, fixed := s.suggestClause(ctx, an, a)
			alts = append(alts, text)
			changed = changed || fixed
		}
		out = append(out, strings.Join(alts, " OR "))
	}
	return strings.Join(out, " "), changed
}

// suggestClause writes one clause (without its Or) back as query text, its unknown words
// corrected unless it is a phrase, a prefix or excluded; fixed says a word was corrected.
func (s *Searcher) suggestClause(ctx context.Context, an *finnish.Analyzer, c Clause) (text string, fixed bool) {
	words := strings.Fields(c.Text)
	if !c.Phrase && !c.Prefix && !c.Exclude {
		for i, w := range words {
			if fix, ok := s.correct(ctx, an, w); ok {
				words[i], fixed = fix, true
			}
		}
	}
	text = strings.Join(words, " ")
	switch {
	case c.Phrase:
		text = `"` + text + `"`
	case c.Prefix:
		text += "*"
	}
	if c.Exclude {
		text = "-" + text
	}
	return text, fixed
}

// correct returns a correction of word when it needs one: when Voikko does not recognise
// it and it matches nothing in the index. The first of Voikko's suggestions that matches
// something wins; else the nearest word of the index as written (bounded edit distance).
func (s *Searcher) correct(ctx context.Context, an *finnish.Analyzer, word string) (string, bool) {
	w := an.Word(word)
	if w.Stop || w.Known || s.matches(ctx, w) {
		return "", false
	}
	// Of Voikko's suggestions that the index has, the nearest to what was typed, then the
	// one in most models (velkaneuvota: velkaneuvonta rather than velkaneuvoja).
	best, bestEdits, bestCount := "", 0, uint64(0)
	for i, cand := range an.Suggest(word) {
		if i == maxVoikkoSuggestions {
			break
		}
		cand = strings.ToLower(cand)
		if strings.ContainsAny(cand, " -") {
			continue
		}
		n := s.count(ctx, an.Word(cand))
		edits := editDistance(w.Exact, cand)
		if n > 0 && (best == "" || edits < bestEdits || edits == bestEdits && n > bestCount) {
			best, bestEdits, bestCount = cand, edits, n
		}
	}
	if best != "" {
		return best, true
	}
	return s.nearestTerm(ctx, w.Exact)
}

// matches reports whether any model has the word in some form.
func (s *Searcher) matches(ctx context.Context, w finnish.Word) bool { return s.count(ctx, w) > 0 }

// count is the number of models that have the word in some form.
func (s *Searcher) count(ctx context.Context, w finnish.Word) uint64 {
	q := wordQuery(w)
	if q == nil {
		return 0
	}
	res, err := s.index.Search(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
	if err != nil {
		return 0
	}
	return res.Total
}

// nearestTerm finds the word of the index, as written in the models, nearest to exact: fewest
// edits, then in most models, then A to Z. The first letter must be right: typos there are
// rare, and the search is much cheaper for it.
func (s *Searcher) nearestTerm(ctx context.Context, exact string) (string, bool) {
	n := utf8.RuneCountInString(exact)
	maxEdits := 0
	switch {
	case n >= twoEditsLength:
		maxEdits = 2
	case n >= minFuzzyLength:
		maxEdits = 1
	}
	for edits := 1; edits <= maxEdits; edits++ {
		var qs []query.Query
		for _, f := range indexer.FormFields {
			q := query.NewFuzzyQuery(exact)
			q.SetField(indexer.ExactField(f))
			q.SetFuzziness(edits)
			q.SetPrefix(1)
			qs = append(qs, q)
		}
		req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), fuzzyHits, 0, false)
		req.IncludeLocations = true
		res, err := s.index.Search(ctx, req)
		if err != nil {
			return "", false
		}
		models := map[string]int{}
		for _, h := range res.Hits {
			seen := map[string]bool{}
			for _, terms := range h.Locations {
				for t := range terms {
					if !seen[t] {
						seen[t] = true
						models[t]++
					}
				}
			}
		}
		var cands []string
		for t := range models {
			if t != exact {
				cands = append(cands, t)
			}
		}
		if len(cands) == 0 {
			continue
		}
		sort.Slice(cands, func(i, j int) bool {
			di, dj := editDistance(exact, cands[i]), editDistance(exact, cands[j])
			if di != dj {
				return di < dj
			}
			if models[cands[i]] != models[cands[j]] {
				return models[cands[i]] > models[cands[j]]
			}
			return cands[i] < cands[j]
		})
		return cands[0], true
	}
	return "", false
}

// editDistance is the Levenshtein distance between a and b, in letters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
