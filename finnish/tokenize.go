package finnish

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Tokenizer is the one way mallihaku cuts text into words, for the index and for queries
// alike (Split): a word is a run of letters and digits, with the joiners Finnish writes inside
// words kept in it: hyphens (Keski-Uusimaa, covid-19, sote-keskus, 2020-luvulla) and
// apostrophes (vaa'an). A hyphen that ends a word before a space, a comma or the end of the
// text is kept too (sosiaali- ja terveyspalvelut): Filter reads it as a coordinated compound.
// The ending an abbreviation or number takes after a colon (STEA:n, THL:ltä, 2020:ssa) is left
// out of the word and inside its offsets. Everything else separates words.
type Tokenizer struct{}

// Tokenize implements analysis.Tokenizer.
func (Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	s := string(input)
	pos := 1
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !wordRune(r) {
			i += n
			continue
		}
		start := i
		term, end := scanWord(s, i)
		out = append(out, &analysis.Token{Start: start, End: end, Term: []byte(term), Position: pos, Type: analysis.AlphaNumeric})
		pos++
		i = end
	}
	return out
}

// Split returns the words of s as Tokenizer cuts them, as written.
func Split(s string) []string {
	var words []string
	for _, t := range (Tokenizer{}).Tokenize([]byte(s)) {
		words = append(words, string(t.Term))
	}
	return words
}

// scanWord reads the word that starts at s[i] (a word rune): its term, joiners normalised
// (‐ and ‑ to -, ’ to '), and the byte offset where it ends.
func scanWord(s string, i int) (string, int) {
	var b strings.Builder
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if wordRune(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+n:])
		atEnd := i+n >= len(s)
		switch {
		case hyphen(r) && !atEnd && wordRune(next):
			b.WriteByte('-')
			i += n
			continue
		case apostrophe(r) && !atEnd && wordRune(next):
			b.WriteByte('\'')
			i += n
			continue
		case hyphen(r) && (atEnd || unicode.IsSpace(next) || next == ',' || next == '/'):
			b.WriteByte('-') // sosiaali- ja …: a coordinated compound's first part
			return b.String(), i + n
		case r == ':':
			if end, ok := colonEnding(s, i+n); ok {
				return b.String(), end
			}
		}
		break
	}
	return b.String(), i
}

// colonEnding reports whether s[i:] begins with the case ending of an abbreviation (1 to 4
// letters, then no word rune), and where it ends.
func colonEnding(s string, i int) (int, bool) {
	letters := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			if wordRune(r) {
				return 0, false
			}
			break
		}
		letters++
		i += n
	}
	return i, letters >= 1 && letters <= 4
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func hyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

func apostrophe(r rune) bool { return r == '\'' || r == '\u2019' }
