package finnish_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/finnish/finnishtest"
)

func TestVoikkoWords(t *testing.T) {
	a := finnishtest.Voikko(t)
	if a.Name() != finnish.NameVoikko {
		t.Fatalf("name %q", a.Name())
	}
	for _, tc := range []struct {
		word         string
		known        bool
		bases, parts []string
	}{
		{"mielenterveyspalveluiden", true, []string{"mielenterveyspalvelu"},
			[]string{"mieli", "terveys", "palvelu", "mielenterveys", "terveyspalvelu"}},
		{"päihdepalveluiden", true, []string{"päihdepalvelu"}, []string{"päihde", "palvelu"}},
		{"nuorille", true, []string{"nuori", "nuora"}, nil},
		{"Pirkanmaalla", true, []string{"pirkanmaa"}, nil},
		// consonant gradation
		{"lasten", true, []string{"lapsi"}, nil},
		{"velan", true, []string{"velka"}, nil},
		{"kotihoidon", true, []string{"kotihoito"}, []string{"koti", "hoito"}},
		// words Voikko does not know: their Snowball stem
		{"Kymsote", false, []string{"kymsot"}, nil},
		{"Kymsoten", false, []string{"kymsot"}, nil},
		{"päihdechat", false, []string{"päihdech"}, nil},
		{"2025", false, []string{"2025"}, nil},
	} {
		w := a.Word(tc.word)
		if w.Known != tc.known || !equal(w.Bases, tc.bases) || !equal(w.Parts, tc.parts) {
			t.Errorf("%s: known %v bases %q parts %q; want known %v bases %q parts %q", tc.word, w.Known, w.Bases, w.Parts, tc.known, tc.bases, tc.parts)
		}
	}
	if w := a.Word("että"); !w.Stop {
		t.Errorf("että: %+v, want a stop word", w)
	}
}

func TestVoikkoSpellingSuggestions(t *testing.T) {
	a := finnishtest.Voikko(t)
	for typo, want := range map[string]string{"kotihoidno": "kotihoidon", "omaishoitja": "omaishoitaja", "lastensuojleu": "lastensuojelu"} {
		if got := a.Suggest(typo); !slices.Contains(got, want) {
			t.Errorf("Suggest(%q) = %q, want %q among them", typo, got, want)
		}
	}
	if !a.Voikko().Spell("kotihoidon") || a.Voikko().Spell("kotihoidno") {
		t.Error("Spell does not tell kotihoidon from kotihoidno")
	}
}

// Every form of a word is at the word's position and offsets, so phrases and highlights
// work; a stop word leaves its position empty.
func TestFilterKeepsPositions(t *testing.T) {
	a := finnishtest.Voikko(t)
	an := analysis.DefaultAnalyzer{Tokenizer: unicode.NewUnicodeTokenizer(),
		TokenFilters: []analysis.TokenFilter{&finnish.Filter{Analyzer: a, Emit: finnish.EmitAll}}}
	text := "Nuorten ja mielenterveyspalveluiden"
	got := map[int][]string{}
	for _, tok := range an.Analyze([]byte(text)) {
		got[tok.Position] = append(got[tok.Position], string(tok.Term))
		if w := text[tok.Start:tok.End]; w != "Nuorten" && w != "mielenterveyspalveluiden" {
			t.Errorf("token %q has the offsets of %q", tok.Term, w)
		}
	}
	want := map[int][]string{
		1: {"nuorten", "nuori"},
		3: {"mielenterveyspalveluiden", "mielenterveyspalvelu", "mieli", "terveys", "palvelu", "mielenterveys", "terveyspalvelu"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for emit, want := range map[finnish.Emit][]string{finnish.EmitExact: {"nuorten", "mielenterveyspalveluiden"},
		finnish.EmitBases: {"nuori", "mielenterveyspalvelu"}} {
		an.TokenFilters = []analysis.TokenFilter{&finnish.Filter{Analyzer: a, Emit: emit}}
		var terms []string
		for _, tok := range an.Analyze([]byte(text)) {
			terms = append(terms, string(tok.Term))
		}
		if !equal(terms, want) {
			t.Errorf("emit %d: %q, want %q", emit, terms, want)
		}
	}
}

// Handles are shared by many goroutines (run with -race); the pool never opens more than
// asked for.
func TestVoikkoPoolUnderConcurrency(t *testing.T) {
	finnishtest.Voikko(t)
	v, err := finnish.Open(finnish.Config{Handles: 2})
	if err != nil {
		t.Fatal(err)
	}
	a := finnish.NewAnalyzer(v)
	words := []string{"kotihoidon", "lasten", "velan", "nuorille", "mielenterveyspalveluiden", "päihdepalveluiden", "omaishoitajien"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				w := words[(g+i)%len(words)]
				if i%2 == 0 {
					w = fmt.Sprintf("%s%d", w, i) // not cached: goes to Voikko
				}
				a.Word(w)
				v.Spell(w)
			}
		}()
	}
	wg.Wait()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if v.Spell("kotihoidon") {
		t.Error("a closed Voikko still answers")
	}
}

func equal(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

// Without libvoikko (here: a library that is not there) Open says Voikko is unavailable, and
// an Analyzer without Voikko is Snowball.
func TestWithoutLibvoikkoAnalysisIsSnowball(t *testing.T) {
	_, err := finnish.Open(finnish.Config{Library: "/nonexistent/libvoikko.so.1"})
	if !errors.Is(err, finnish.ErrUnavailable) {
		t.Fatalf("Open with no library: %v, want ErrUnavailable", err)
	}
	a := finnish.NewAnalyzer(nil)
	if w := a.Word("lasten"); a.Name() != finnish.NameSnowball || w.Known || len(w.Bases) != 1 || w.Bases[0] == "lapsi" {
		t.Errorf("Snowball analyzer: %s %+v", a.Name(), w)
	}
}
