package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallihaku/mallihaku/finnish"
)

// Limits on what one query may ask, so that no query costs more than the index can afford.
const (
	MaxQueryLength  = 500 // characters
	MaxQueryTerms   = 32
	MinPrefixLength = 3
)

// ErrBadQuery is wrapped by every error about a query the user can fix; each such error is a
// *QueryError.
var ErrBadQuery = errors.New("bad query")

// Codes of a QueryError: what is wrong, for the web layer to say in the page's language.
const (
	CodeInvalidText    = "invalid_text"     // the query is not valid UTF-8 text
	CodeTooLong        = "too_long"         // more than Limit characters
	CodeTooManyTerms   = "too_many_terms"   // more than Limit words
	CodePrefixTooShort = "prefix_too_short" // Word has fewer than Limit letters before its *
	CodePrefixTooBroad = "prefix_too_broad" // Word's * matches too many different words
	CodeUnclosedQuote  = "unclosed_quote"   // Word is the text after a " that is not closed
	CodeBadPage        = "bad_page"         // page below 1
	CodeBadSize        = "bad_size"         // size not within 1…Limit
	CodeTooDeep        = "too_deep"         // beyond the first Limit results
	CodeBadFacetSize   = "bad_facet_size"   // facet_size not within 1…Limit
	CodeUnknownSort    = "unknown_sort"     // Word is the sort asked for
	CodeUnknownFilter  = "unknown_filter"   // Word is the filter's key
	CodeTooManyValues  = "too_many_values"  // Word is the filter's key, Limit its most values
)

// QueryError is a query (or a request's paging, sort or filters) that cannot be run as it is,
// and what the user can change: Code is one of the Code constants, Word the offending word or
// text as the user wrote it ("" when none), Limit the limit the query passed (0 when none).
// Its Error is English for logs and the API; pages say it in their language from Code.
type QueryError struct {
	Code  string
	Word  string
	Limit int
}

func (e *QueryError) Error() string {
	var msg string
	switch e.Code {
	case CodeInvalidText:
		msg = "the query is not valid UTF-8 text"
	case CodeTooLong:
		msg = fmt.Sprintf("the query is longer than %d characters", e.Limit)
	case CodeTooManyTerms:
		msg = fmt.Sprintf("the query has more than %d words", e.Limit)
	case CodePrefixTooShort:
		msg = fmt.Sprintf("a prefix search needs at least %d letters before the * (%s)", e.Limit, e.Word)
	case CodePrefixTooBroad:
		msg = "the words with * match too many different words; write more of each word before the *"
	case CodeUnclosedQuote:
		msg = fmt.Sprintf(`the quote before %s is not closed; add a " where the exact phrase ends, or remove the quote`, e.Word)
	case CodeBadPage:
		msg = "page must be 1 or more"
	case CodeBadSize:
		msg = fmt.Sprintf("size must be between 1 and %d", e.Limit)
	case CodeTooDeep:
		msg = fmt.Sprintf("results beyond the first %d cannot be paged to; narrow the search instead", e.Limit)
	case CodeBadFacetSize:
		msg = fmt.Sprintf("facet_size must be between 1 and %d", e.Limit)
	case CodeUnknownSort:
		msg = fmt.Sprintf("unknown sort %q; use relevance, modified, created or title", e.Word)
	case CodeUnknownFilter:
		msg = fmt.Sprintf("unknown filter %q", e.Word)
	case CodeTooManyValues:
		msg = fmt.Sprintf("filter %s has more than %d values", e.Word, e.Limit)
	case CodeBadYears:
		msg = fmt.Sprintf("the years of %s must run from a year to the same or a later one, between %d and %d", e.Word, MinYear, MaxYear)
	default:
		msg = e.Code
	}
	return ErrBadQuery.Error() + ": " + msg
}

// Unwrap makes every QueryError an ErrBadQuery.
func (e *QueryError) Unwrap() error { return ErrBadQuery }

// Clause is one part of a parsed query.
type Clause struct {
	Text    string // a word, a phrase's words, or a prefix without its *
	Phrase  bool
	Prefix  bool
	Exclude bool
	// Or are the clauses joined to this one by OR (or TAI): the clause matches a text that
	// matches it or any of them. They have no Or of their own.
	Or []Clause
}

// The operators, in capitals only, as in Finna: OR (TAI) between two words, NOT (EI) before
// one. Written in lower case they are words (tai, ei).
var (
	orWords  = map[string]bool{"OR": true, "TAI": true}
	notWords = map[string]bool{"NOT": true, "EI": true}
)

// Parse reads our small query language: words (all must match, in any Finnish form),
// "exact phrase", -word or NOT word (EI word) to exclude, word OR word (TAI) for either,
// and word* for a prefix of at least MinPrefixLength letters. OR binds closer than the
// implied AND (a b OR c is a and either b or c); an operator with nothing to join is
// ignored. Anything else is literal text: no operator of the engine's own query syntax
// reaches the engine.
//
// A quote that is not closed is an error (CodeUnclosedQuote) rather than a phrase running to
// the end of the query, which would silently find nothing the user meant.
func Parse(q string) ([]Clause, error) {
	if !utf8.ValidString(q) {
		return nil, &QueryError{Code: CodeInvalidText}
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryLength {
		return nil, &QueryError{Code: CodeTooLong, Limit: MaxQueryLength}
	}
	items, err := lex(q)
	if err != nil {
		return nil, err
	}
	var clauses []Clause
	exclude, join := false, false
	for _, it := range items {
		switch {
		case it.not:
			exclude = true
		case it.or:
			join = len(clauses) > 0
			exclude = false // NOT OR x: the NOT has nothing to apply to
		default:
			c := it.clause
			c.Exclude = c.Exclude || exclude
			if join {
				last := &clauses[len(clauses)-1]
				last.Or = append(last.Or, c)
			} else {
				clauses = append(clauses, c)
			}
			exclude, join = false, false
		}
	}
	terms := 0
	for _, c := range clauses {
		for _, a := range c.alternatives() {
			terms += len(strings.Fields(a.Text))
		}
	}
	if terms > MaxQueryTerms {
		return nil, &QueryError{Code: CodeTooManyTerms, Limit: MaxQueryTerms}
	}
	return clauses, nil
}

// alternatives are the clause itself and its Or, each without Or.
func (c Clause) alternatives() []Clause {
	first := c
	first.Or = nil
	return append([]Clause{first}, c.Or...)
}

// item is one thing the lexer read: an operator or a clause with some text.
type item struct {
	or, not bool
	clause  Clause
}

// lex splits the query into clauses and operators; clauses without any word are left out.
func lex(q string) ([]item, error) {
	var items []item
	rest := []rune(q)
	for len(rest) > 0 {
		if unicode.IsSpace(rest[0]) {
			rest = rest[1:]
			continue
		}
		c := Clause{}
		if rest[0] == '-' && len(rest) > 1 && !unicode.IsSpace(rest[1]) {
			c.Exclude = true
			rest = rest[1:]
		}
		if rest[0] == '"' {
			end := indexRune(rest[1:], '"')
			if end < 0 {
				return nil, &QueryError{Code: CodeUnclosedQuote, Word: strings.TrimSpace(string(rest[1:]))}
			}
			var body []rune
			body, rest = rest[1:1+end], rest[2+end:]
			c.Text = cleanWords(string(body))
			c.Phrase = strings.Contains(c.Text, " ")
		} else {
			end := indexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			word := string(rest[:end])
			rest = rest[end:]
			if !c.Exclude && orWords[word] {
				items = append(items, item{or: true})
				continue
			}
			if !c.Exclude && notWords[word] {
				items = append(items, item{not: true})
				continue
			}
			if strings.HasSuffix(word, "*") {
				c.Prefix = true
				c.Text = strings.TrimRight(cleanWords(strings.TrimRight(word, "*")), "-")
				if c.Text != "" && (strings.Contains(c.Text, " ") || utf8.RuneCountInString(c.Text) < MinPrefixLength) {
					return nil, &QueryError{Code: CodePrefixTooShort, Word: word, Limit: MinPrefixLength}
				}
			} else {
				c.Text = cleanWords(word)
			}
		}
		if c.Text != "" {
			items = append(items, item{clause: c})
		}
	}
	return items, nil
}

// cleanWords is the words of s as the index cuts its texts into words (finnish.Tokenizer),
// separated by single spaces.
func cleanWords(s string) string { return strings.Join(finnish.Split(s), " ") }

func indexRune(rs []rune, r rune) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}

func indexFunc(rs []rune, f func(rune) bool) int {
	for i, x := range rs {
		if f(x) {
			return i
		}
	}
	return -1
}
