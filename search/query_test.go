package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseReadsWordsPhrasesExclusionsAndPrefixes(t *testing.T) {
	cases := map[string][]Clause{
		"nuorten päihdetyö":             {{Text: "nuorten"}, {Text: "päihdetyö"}},
		`"matalan kynnyksen" -alkoholi`: {{Text: "matalan kynnyksen", Phrase: true}, {Text: "alkoholi", Exclude: true}},
		"perhekesk*":                    {{Text: "perhekesk", Prefix: true}},
		`-"kotiin vietävä"`:             {{Text: "kotiin vietävä", Phrase: true, Exclude: true}},
		"mielenterveys- ja päihde":      {{Text: "mielenterveys-"}, {Text: "ja"}, {Text: "päihde"}},
		"(lapset) OR nuoret~2 /.*/":     {{Text: "lapset", Or: []Clause{{Text: "nuoret 2"}}}},
		"päihde OR alkoholi":            {{Text: "päihde", Or: []Clause{{Text: "alkoholi"}}}},
		"nuoret päihde TAI alkoholi":    {{Text: "nuoret"}, {Text: "päihde", Or: []Clause{{Text: "alkoholi"}}}},
		"a OR b OR c":                   {{Text: "a", Or: []Clause{{Text: "b"}, {Text: "c"}}}},
		"päihde NOT alkoholi":           {{Text: "päihde"}, {Text: "alkoholi", Exclude: true}},
		`EI "kotiin vietävä"`:           {{Text: "kotiin vietävä", Phrase: true, Exclude: true}},
		"päihde tai alkoholi ei or not": {{Text: "päihde"}, {Text: "tai"}, {Text: "alkoholi"}, {Text: "ei"}, {Text: "or"}, {Text: "not"}},
		"OR päihde OR":                  {{Text: "päihde"}},
		"päihde NOT":                    {{Text: "päihde"}},
		"-OR":                           {{Text: "OR", Exclude: true}},
		"   ":                           nil,
		"- * \"\"":                      nil,
	}
	for q, want := range cases {
		got, err := Parse(q)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", q, got, err, want)
		}
	}
}

func TestParseRefusesQueriesItCannotAffordWithACodeAndTheWord(t *testing.T) {
	for q, want := range map[string]QueryError{
		"*a*":                                    {Code: CodePrefixTooShort, Word: "*a*", Limit: MinPrefixLength},
		"nuoret pä*":                             {Code: CodePrefixTooShort, Word: "pä*", Limit: MinPrefixLength},
		strings.Repeat("sana ", MaxQueryTerms+1): {Code: CodeTooManyTerms, Limit: MaxQueryTerms},
		strings.Repeat("a OR ", MaxQueryTerms) + "a": {Code: CodeTooManyTerms, Limit: MaxQueryTerms},
		strings.Repeat("a", MaxQueryLength+1):        {Code: CodeTooLong, Limit: MaxQueryLength},
		"nuoret \xff":                                {Code: CodeInvalidText},
		`kotihoito "omaishoitajan tuki`:              {Code: CodeUnclosedQuote, Word: "omaishoitajan tuki"},
		`"matalan kynnyksen" "`:                      {Code: CodeUnclosedQuote},
	} {
		_, err := Parse(q)
		var qe *QueryError
		if !errors.As(err, &qe) || !errors.Is(err, ErrBadQuery) || *qe != want {
			t.Errorf("Parse(%.40q) = %v, want %+v", q, err, want)
		}
	}
}

func TestQueryErrorsSayWhatToChange(t *testing.T) {
	for _, e := range []QueryError{
		{Code: CodePrefixTooShort, Word: "pä*", Limit: 3},
		{Code: CodeUnclosedQuote, Word: "omaishoitajan tuki"},
	} {
		if msg := e.Error(); !strings.HasPrefix(msg, "bad query: ") || !strings.Contains(msg, e.Word) {
			t.Errorf("%+v says %q: not a bad query naming %q", e, msg, e.Word)
		}
	}
}
