package finnish

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// What a token filter makes of each word.
type Emit int

const (
	// EmitExact keeps the word as written, in lower case.
	EmitExact Emit = iota
	// EmitBases keeps its base forms.
	EmitBases
	// EmitAll keeps every form it stands for: as written, base forms and compound parts.
	EmitAll
)

// Filter is a bleve token filter: each token becomes the terms of its Word that Emit asks
// for, all at the token's position and offsets, so that phrases and highlighting still work.
// Stop words are dropped (their positions stay empty).
type Filter struct {
	Analyzer *Analyzer
	Emit     Emit
}

// Filter implements analysis.TokenFilter.
func (f *Filter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in))
	for _, t := range in {
		if f.Emit == EmitExact {
			w := f.Analyzer.exact(string(t.Term))
			if w.Stop {
				continue
			}
			t.Term = []byte(w.Exact)
			out = append(out, t)
			continue
		}
		w := f.Analyzer.Word(string(t.Term))
		if w.Stop {
			continue
		}
		first := true
		put := func(term string) {
			if first {
				t.Term, first = []byte(term), false
				out = append(out, t)
				return
			}
			out = append(out, &analysis.Token{Start: t.Start, End: t.End, Term: []byte(term), Position: t.Position, Type: t.Type})
		}
		switch f.Emit {
		case EmitBases:
			for _, b := range w.Bases {
				put(b)
			}
		case EmitAll:
			for _, term := range w.Terms() {
				put(term)
			}
		}
	}
	return out
}

// Terms are the distinct forms the word stands for: as written, its bases, its parts.
func (w Word) Terms() []string {
	terms := make([]string, 0, 1+len(w.Bases)+len(w.Parts))
	terms = append(terms, w.Exact)
	for _, list := range [][]string{w.Bases, w.Parts} {
		for _, s := range list {
			if !containsString(terms, s) {
				terms = append(terms, s)
			}
		}
	}
	return terms
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// exact is the lower-case form and stop-word check alone, without Voikko.
func (a *Analyzer) exact(s string) Word {
	w := Word{Exact: strings.ToLower(s)}
	_, w.Stop = a.stop[w.Exact]
	return w
}

// Names of the bleve analyzers this package registers. Each splits text into words with
// bleve's Unicode tokenizer and then keeps what its name says.
const (
	// AnalyzerExact keeps words as written, lower-cased.
	AnalyzerExact = "mallihaku_fi_exact"
	// AnalyzerVoikkoBases and AnalyzerVoikkoAll keep base forms, or every form, by Voikko;
	// where libvoikko cannot be loaded they work as their Snowball counterparts, so an index
	// built with Voikko still opens (the index's recorded analyzer tells it is mismatched).
	AnalyzerVoikkoBases = "mallihaku_fi_voikko_bases"
	AnalyzerVoikkoAll   = "mallihaku_fi_voikko_all"
	// AnalyzerSnowballBases and AnalyzerSnowballAll keep the Snowball stem, or the word as
	// written and its stem.
	AnalyzerSnowballBases = "mallihaku_fi_snowball_bases"
	AnalyzerSnowballAll   = "mallihaku_fi_snowball_all"
)

// AnalyzerNames returns the bleve analyzers of the exact, bases and all fields for an
// analysis (NameVoikko or NameSnowball).
func AnalyzerNames(analysisName string) (exact, bases, all string) {
	if analysisName == NameVoikko {
		return AnalyzerExact, AnalyzerVoikkoBases, AnalyzerVoikkoAll
	}
	return AnalyzerExact, AnalyzerSnowballBases, AnalyzerSnowballAll
}

func init() {
	for name, spec := range map[string]struct {
		analysis string
		emit     Emit
	}{
		AnalyzerExact:         {NameSnowball, EmitExact},
		AnalyzerVoikkoBases:   {NameVoikko, EmitBases},
		AnalyzerVoikkoAll:     {NameVoikko, EmitAll},
		AnalyzerSnowballBases: {NameSnowball, EmitBases},
		AnalyzerSnowballAll:   {NameSnowball, EmitAll},
	} {
		spec := spec
		err := registry.RegisterAnalyzer(name, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
			a, _ := Named(spec.analysis) // without libvoikko: Snowball, see the constants
			return &analysis.DefaultAnalyzer{
				Tokenizer:    unicode.NewUnicodeTokenizer(),
				TokenFilters: []analysis.TokenFilter{&Filter{Analyzer: a, Emit: spec.emit}},
			}, nil
		})
		if err != nil {
			panic(fmt.Sprintf("register analyzer %s: %v", name, err))
		}
	}
}
