package indexer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	stdunicode "unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/finnish/finnishtest"
	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

// BenchmarkFinnishAnalysis compares Voikko with Snowball on the same corpus of generated
// models, in one run: analysis throughput (words/s through the three analyzers every text
// field gets, starting with an empty cache) and the time to build a full index generation.
//
//	go test ./indexer -run '^$' -bench FinnishAnalysis -benchtime 1x
//
// The figures are in docs/benchmarks.md, "Finnish analysis".
func BenchmarkFinnishAnalysis(b *testing.B) {
	voikko := finnishtest.Voikko(b)
	models := syntheticModels(b, 10_000)
	words := 0
	for _, m := range models {
		words += len(strings.Fields(modelText(m)))
	}
	// The two are measured alternately, three times each, and the fastest of each is kept: the
	// machine is shared and noisy, and its noise drifts over a run.
	analyzers := map[string]*finnish.Analyzer{finnish.NameVoikko: voikko, finnish.NameSnowball: finnish.SnowballAnalyzer()}
	order := []string{finnish.NameSnowball, finnish.NameVoikko, finnish.NameVoikko, finnish.NameSnowball,
		finnish.NameSnowball, finnish.NameVoikko}
	b.Run("analysis", func(b *testing.B) {
		for b.Loop() {
			best := map[string]time.Duration{}
			for _, name := range order {
				// A fresh Analyzer: its cache starts empty, as in a new process.
				an := finnish.NewAnalyzer(analyzers[name].Voikko())
				start := time.Now()
				for _, emit := range []finnish.Emit{finnish.EmitExact, finnish.EmitBases, finnish.EmitAll} {
					a := analysis.DefaultAnalyzer{Tokenizer: unicode.NewUnicodeTokenizer(),
						TokenFilters: []analysis.TokenFilter{&finnish.Filter{Analyzer: an, Emit: emit}}}
					for _, m := range models {
						a.Analyze([]byte(modelText(m)))
					}
				}
				if d := time.Since(start); best[name] == 0 || d < best[name] {
					best[name] = d
				}
			}
			for name, d := range best {
				b.ReportMetric(float64(3*words)/d.Seconds(), name+"-words/s")
			}
			b.ReportMetric(best[finnish.NameVoikko].Seconds()/best[finnish.NameSnowball].Seconds(), "voikko/snowball")
		}
	})
	// Voikko itself, without the cache: every distinct word of the corpus analysed once.
	b.Run("voikko-uncached", func(b *testing.B) {
		distinct := map[string]bool{}
		for _, m := range models {
			for _, w := range strings.FieldsFunc(modelText(m), func(r rune) bool { return !stdunicode.IsLetter(r) }) {
				distinct[w] = true
			}
		}
		for b.Loop() {
			an := finnish.NewAnalyzer(voikko.Voikko())
			start := time.Now()
			for w := range distinct {
				an.Word(w)
			}
			b.ReportMetric(float64(len(distinct))/time.Since(start).Seconds(), "words/s")
			b.ReportMetric(float64(len(distinct)), "distinct-words")
		}
	})
	b.Run(fmt.Sprintf("build%d", len(models)), func(b *testing.B) {
		for b.Loop() {
			best := map[string]time.Duration{}
			for _, name := range order {
				ix, err := indexer.Open(b.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.WithAnalyzer(analyzers[name]))
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				n, err := ix.Build(context.Background(), indexer.Models(models...))
				if err != nil || n != len(models) {
					b.Fatalf("built %d models: %v", n, err)
				}
				if d := time.Since(start); best[name] == 0 || d < best[name] {
					best[name] = d
				}
				ix.Close()
			}
			for name, d := range best {
				b.ReportMetric(d.Seconds(), name+"-s")
			}
			b.ReportMetric(best[finnish.NameVoikko].Seconds()/best[finnish.NameSnowball].Seconds(), "voikko/snowball")
		}
	})
}

func modelText(m practice.Model) string {
	var b strings.Builder
	b.WriteString(m.Title + "\n" + m.Summary + "\n" + m.Location + "\n")
	for _, s := range m.Sections {
		b.WriteString(s.Text + "\n")
	}
	return b.String()
}

var sentenceEnd = regexp.MustCompile(`[.!?]\s+`)

// syntheticModels makes n practice models from the sample site's own text: each takes a
// title, a summary, a location and six sections of sentences drawn (with a fixed seed) from
// the sample pages, so the vocabulary, word lengths and repetition are those of real models.
// It is this benchmark's own; search has a larger generator for faceted search.
func syntheticModels(b *testing.B, n int) []practice.Model {
	b.Helper()
	pages, err := sample.Pages()
	if err != nil {
		b.Fatal(err)
	}
	var titles, summaries, locations, sentences []string
	for _, p := range pages {
		titles = append(titles, p.Title)
		summaries = append(summaries, p.Summary)
		if p.Location != "" {
			locations = append(locations, p.Location)
		}
		for _, s := range p.Sections {
			for _, para := range strings.Split(s.Text, "\n\n") {
				sentences = append(sentences, sentenceEnd.Split(para, -1)...)
			}
		}
	}
	rng := rand.New(rand.NewPCG(4, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	headings := []string{"Ratkaisun perusidea", "Toimintaympäristö", "Kohderyhmä ja asiakasymmärrys",
		"Toimivuuden ja käyttöönoton ehdot", "Arvioinnin tulokset tiivistettynä", "Vinkit toimintamallin soveltajille"}
	models := make([]practice.Model, n)
	for i := range models {
		m := practice.Model{ID: fmt.Sprintf("malli-%05d", i), Lang: "fi", Title: pick(titles), Summary: pick(summaries),
			Location: pick(locations), Phase: "Valmis", Modified: practice.NewDate(2020+i%6, time.Month(1+i%12), 1+i%28)}
		for _, h := range headings {
			var text []string
			for range 3 + rng.IntN(4) {
				text = append(text, pick(sentences))
			}
			m.Sections = append(m.Sections, practice.Section{Heading: h, Text: strings.Join(text, ". ") + "."})
		}
		models[i] = m
	}
	return models
}
