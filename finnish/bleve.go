package finnish

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
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
	for i, t := range in {
		words := []Word{f.word(string(t.Term))}
		if c, ok := f.coordinated(in, i); ok {
			words = append(words, c)
		}
		var terms []string
		for _, w := range words {
			if w.Stop {
				continue
			}
			switch f.Emit {
			case EmitExact:
				terms = append(terms, w.Exact)
			case EmitBases:
				terms = append(terms, w.Bases...)
			case EmitAll:
				terms = append(terms, w.Terms()...)
			}
		}
		first := true
		for j, term := range terms {
			if slices.Contains(terms[:j], term) {
				continue
			}
			if first {
				t.Term, first = []byte(term), false
				out = append(out, t)
				continue
			}
			out = append(out, &analysis.Token{Start: t.Start, End: t.End, Term: []byte(term), Position: t.Position, Type: t.Type})
		}
	}
	return out
}

func (f *Filter) word(s string) Word {
	if f.Emit == EmitExact {
		return f.Analyzer.exact(strings.TrimRight(s, "-"))
	}
	return f.Analyzer.Word(s)
}

// coordinators join the parts of a coordinated compound (sosiaali- ja terveyspalvelut).
var coordinators = map[string]bool{"ja": true, "tai": true, "sekä": true, "eli": true, "tahi": true}

// maxCoordinated is how far a coordinated compound's first part looks for the compound
// whose head it shares (sosiaali-, terveys-, kasvatus- ja pelastuspalvelut).
const maxCoordinated = 8

// coordinated returns, for a token that ends in a hyphen (sosiaali-), the compound it stands
// for: the token joined to the head of the first whole compound after it, past other such
// tokens and ja, tai, sekä (sosiaali- ja terveyspalveluiden: sosiaalipalveluiden).
func (f *Filter) coordinated(in analysis.TokenStream, i int) (Word, bool) {
	mod := string(in[i].Term)
	if !strings.HasSuffix(mod, "-") || len(strings.TrimRight(mod, "-")) == 0 {
		return Word{}, false
	}
	for j := i + 1; j < len(in) && j <= i+maxCoordinated; j++ {
		next := strings.ToLower(string(in[j].Term))
		if strings.HasSuffix(next, "-") || coordinators[next] {
			continue
		}
		head := f.Analyzer.Word(next).Head
		if head == "" {
			return Word{}, false
		}
		joined := strings.ToLower(strings.TrimRight(mod, "-")) + head
		if f.Emit == EmitExact {
			return f.Analyzer.exact(joined), true
		}
		return f.Analyzer.Word(joined), true
	}
	return Word{}, false
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
// Tokenizer (the one queries are split with too) and then keeps what its name says.
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
				Tokenizer:    Tokenizer{},
				TokenFilters: []analysis.TokenFilter{&Filter{Analyzer: a, Emit: spec.emit}},
			}, nil
		})
		if err != nil {
			panic(fmt.Sprintf("register analyzer %s: %v", name, err))
		}
	}
}
