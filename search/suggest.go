package search

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
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

// maxCorrectedWords bounds what one query's suggestion may cost, whatever its words: only
// its longest unknown words are corrected (a short typo is as likely a word the index lacks),
// each with a bounded number of Voikko suggestions and fuzzy lookups, all within the search's
// own deadline. What a view has worked out for a word is kept for as long as the index
// version lasts, up to maxCachedWords words.
const (
	maxCorrectedWords = 3
	maxCachedWords    = 4096
)

// correction is what a view has worked out for one word: known (it needs no correction),
// or the correction found (to, "" when none was).
type correction struct {
	known bool
	to    string
}

// corrections are a view's word corrections: an index version's, so they never go stale.
type corrections struct {
	mu    sync.Mutex
	words map[string]correction
	// work is held while a word is being corrected. A search that finds it held goes without
	// that correction rather than wait in its slot: suggestion work never takes more than one
	// search's share of the machine, however many misspelled queries arrive at once.
	work sync.Mutex
}

func (cs *corrections) get(word string) (correction, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.words[word]
	return c, ok
}

func (cs *corrections) put(word string, c correction) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.words == nil || len(cs.words) >= maxCachedWords {
		cs.words = map[string]correction{} // start again: cheaper than tracking use
	}
	cs.words[word] = c
}

// withSuggestion is what a search that found nothing answers: when some word of the query
// matches nothing and Voikko does not know it (a typo, most likely), res gets a suggestion,
// the query with such words corrected; when the suggestion finds models, the answer is its
// results, marked Applied. Otherwise res is returned as it is. It runs within the search's
// slot, deadline and term cap, on the same view.
func (s *Searcher) withSuggestion(ctx context.Context, v *sharedView, c *corpus, r Request, clauses []Clause, res Result) Result {
	if res.Total > 0 || len(clauses) == 0 {
		return res
	}
	fixed, ok := s.suggest(ctx, v, clauses)
	if !ok {
		return res
	}
	res.Suggestion = &Suggestion{Query: fixed}
	altClauses, err := Parse(fixed)
	if err != nil {
		return res
	}
	alt := r
	alt.Query = fixed
	altRes, err := s.run(ctx, v, c, alt, alt.Query, s.textQuery(altClauses))
	if err != nil || altRes.Total == 0 {
		return res
	}
	altRes.Query = r.Query
	altRes.Suggestion = &Suggestion{Query: fixed, Applied: true}
	return altRes
}

// suggest rewrites the query with its unknown words corrected; ok is false when no word
// needed or found a correction. Phrases, prefixes and excluded words are kept as written.
// Words are looked at longest first, and at most maxCorrectedWords unknown ones are
// corrected.
func (s *Searcher) suggest(ctx context.Context, v *sharedView, clauses []Clause) (string, bool) {
	an := s.index.Analyzer()
	var words []string
	for _, c := range clauses {
		for _, a := range c.alternatives() {
			if !a.Phrase && !a.Prefix && !a.Exclude {
				words = append(words, strings.Fields(a.Text)...)
			}
		}
	}
	slices.SortStableFunc(words, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	fixes := map[string]string{}
	unknown := 0
	for _, w := range slices.Compact(words) {
		if unknown == maxCorrectedWords || ctx.Err() != nil {
			break
		}
		c := s.correction(ctx, v, an, w)
		if c.known {
			continue
		}
		unknown++
		if c.to != "" {
			fixes[w] = c.to
		}
	}
	if len(fixes) == 0 {
		return "", false
	}
	var out []string
	for _, c := range clauses {
		var alts []string
		for _, a := range c.alternatives() {
			alts = append(alts, clauseText(a, fixes))
		}
		out = append(out, strings.Join(alts, " OR "))
	}
	return strings.Join(out, " "), true
}

// correction is the view's correction of word, worked out once per index version; none (an
// unknown word without a correction) while another search is working one out.
func (s *Searcher) correction(ctx context.Context, v *sharedView, an *finnish.Analyzer, word string) correction {
	if c, ok := v.fixes.get(word); ok {
		return c
	}
	if !v.fixes.work.TryLock() {
		return correction{}
	}
	defer v.fixes.work.Unlock()
	if c, ok := v.fixes.get(word); ok {
		return c // another search worked it out meanwhile
	}
	to, known := s.correct(ctx, an, word)
	c := correction{known: known, to: to}
	// Kept even when the deadline cut it short (and it may have missed a correction), so
	// that sending the same words again costs nothing more.
	v.fixes.put(word, c)
	return c
}

// clauseText writes one clause (without its Or) back as query text, its words replaced by
// their fixes unless it is a phrase, a prefix or excluded.
func clauseText(c Clause, fixes map[string]string) string {
	words := strings.Fields(c.Text)
	if !c.Phrase && !c.Prefix && !c.Exclude {
		for i, w := range words {
			if fix, ok := fixes[w]; ok {
				words[i] = fix
			}
		}
	}
	text := strings.Join(words, " ")
	switch {
	case c.Phrase:
		text = `"` + text + `"`
	case c.Prefix:
		text += "*"
	}
	if c.Exclude {
		text = "-" + text
	}
	return text
}

// correct returns a correction of word when it needs one: when Voikko does not recognise
// it and it matches nothing in the index (known is true otherwise). The first of Voikko's
// suggestions that matches something wins; else the nearest word of the index as written
// (bounded edit distance); "" when there is none.
func (s *Searcher) correct(ctx context.Context, an *finnish.Analyzer, word string) (to string, known bool) {
	w := an.Word(word)
	if w.Stop || w.Known || s.matches(ctx, w) {
		return "", true
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
		return best, false
	}
	if ctx.Err() != nil {
		return "", false
	}
	to, _ = s.nearestTerm(ctx, w.Exact)
	return to, false
}

// matches reports whether any model has the word in some form.
func (s *Searcher) matches(ctx context.Context, w finnish.Word) bool { return s.count(ctx, w) > 0 }

// count is the number of models that have the word in some form.
func (s *Searcher) count(ctx context.Context, w finnish.Word) uint64 {
	q := wordQuery(w, false)
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
		for _, f := range indexer.FormFields() {
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
