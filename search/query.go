package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one query may ask, so that no query costs more than the index can afford.
const (
	MaxQueryLength  = 500 // characters
	MaxQueryTerms   = 32
	MinPrefixLength = 3
)

// ErrBadQuery is wrapped by every error about a query the user can fix.
var ErrBadQuery = errors.New("bad query")

func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadQuery, fmt.Sprintf(format, args...))
}

// Clause is one part of a parsed query.
type Clause struct {
	Text    string // a word, a phrase's words, or a prefix without its *
	Phrase  bool
	Prefix  bool
	Exclude bool
}

// Parse reads our small query language: words (all must match, in any Finnish form),
// "exact phrase", -word or -"phrase" to exclude, and word* for a prefix of at least
// MinPrefixLength letters. Anything else is treated as literal text: no operator of the
// engine's own query syntax reaches the engine.
func Parse(q string) ([]Clause, error) {
	if !utf8.ValidString(q) {
		return nil, badQuery("the query is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryLength {
		return nil, badQuery("the query is %d characters long; at most %d are allowed", n, MaxQueryLength)
	}
	var clauses []Clause
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
			var body []rune
			if end < 0 {
				body, rest = rest[1:], nil // an unclosed quote runs to the end
			} else {
				body, rest = rest[1:1+end], rest[2+end:]
			}
			c.Text = cleanWords(string(body))
			c.Phrase = strings.Contains(c.Text, " ")
		} else {
			end := indexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			word := string(rest[:end])
			rest = rest[end:]
			if strings.HasSuffix(word, "*") {
				c.Prefix = true
				word = strings.TrimRight(word, "*")
			}
			c.Text = cleanWords(word)
			if c.Prefix && c.Text != "" {
				if strings.Contains(c.Text, " ") || utf8.RuneCountInString(c.Text) < MinPrefixLength {
					return nil, badQuery("a prefix search needs at least %d letters before the *", MinPrefixLength)
				}
			}
		}
		if c.Text == "" {
			continue
		}
		clauses = append(clauses, c)
	}
	terms := 0
	for _, c := range clauses {
		terms += len(strings.Fields(c.Text))
	}
	if terms > MaxQueryTerms {
		return nil, badQuery("the query has %d words; at most %d are allowed", terms, MaxQueryTerms)
	}
	return clauses, nil
}

// cleanWords keeps letters, digits and the joiners inside words; everything else separates
// words. The result is plain words separated by single spaces.
func cleanWords(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'' || r == '’')
	})
	for i := range f {
		f[i] = strings.Trim(f[i], "-'’")
	}
	return strings.Join(strings.Fields(strings.Join(f, " ")), " ")
}

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
