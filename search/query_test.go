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
		"mielenterveys- ja päihde":      {{Text: "mielenterveys"}, {Text: "ja"}, {Text: "päihde"}},
		"(lapset) OR nuoret~2 /.*/":     {{Text: "lapset"}, {Text: "OR"}, {Text: "nuoret 2"}},
		`"avoin lainaus`:                {{Text: "avoin lainaus", Phrase: true}},
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

func TestParseRefusesQueriesItCannotAfford(t *testing.T) {
	for name, q := range map[string]string{
		"leading wildcard": "*a*",
		"short prefix":     "pä*",
		"too many words":   strings.Repeat("sana ", MaxQueryTerms+1),
		"too long":         strings.Repeat("a", MaxQueryLength+1),
		"invalid UTF-8":    "nuoret \xff",
	} {
		if _, err := Parse(q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%s: Parse = %v, want ErrBadQuery", name, err)
		}
	}
}
