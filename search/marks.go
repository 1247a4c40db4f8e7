package search

import (
	"context"
	"strings"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// Marked is a model's text with the words of a query marked, for the model's page. Every
// string is HTML: the text escaped, with <mark>…</mark> around what the query matched as the
// only markup. Sections hold each section's paragraphs (its text split at blank lines).
type Marked struct {
	Title, Summary string
	Sections       [][]string
}

// Mark marks in model m where the words of query q match it, as the highlights of a hit
// would, but in the whole text. A query without words marks nothing.
func (s *Searcher) Mark(ctx context.Context, q string, m practice.Model) (Marked, error) {
	clauses, err := Parse(q)
	if err != nil {
		return Marked{}, err
	}
	var locs []indexer.Location
	if hq := highlightQuery(s.textQuery(clauses)); hq != nil {
		err = s.read(ctx, func(ctx context.Context, v *sharedView, _ *corpus) error {
			found, err := v.Locations(ctx, hq, []string{m.ID})
			locs = found[m.ID]
			return err
		})
		if err != nil {
			return Marked{}, matchError(err)
		}
	}
	var title, summary []span
	sections := make([][]span, len(m.Sections))
	for _, l := range locs {
		sp := span{l.Start, l.End}
		switch {
		case of(l.Field, indexer.FieldTitle):
			title = append(title, sp)
		case of(l.Field, indexer.FieldSummary):
			summary = append(summary, sp)
		case of(l.Field, indexer.FieldSections) && l.Element >= 0 && l.Element < len(m.Sections):
			sections[l.Element] = append(sections[l.Element], sp)
		}
	}
	out := Marked{Title: markAll(m.Title, title), Summary: markAll(m.Summary, summary)}
	for i, sec := range m.Sections {
		var paras []string
		at := 0
		for _, p := range strings.Split(sec.Text, "\n\n") {
			var in []span
			for _, sp := range sections[i] {
				if sp.start >= at && sp.end <= at+len(p) {
					in = append(in, span{sp.start - at, sp.end - at})
				}
			}
			paras = append(paras, markAll(p, in))
			at += len(p) + 2
		}
		out.Sections = append(out.Sections, paras)
	}
	return out, nil
}

// markAll returns text escaped, with every span marked.
func markAll(text string, spans []span) string {
	var b strings.Builder
	at := 0
	for _, sp := range cleanSpans(text, spans) {
		b.WriteString(escape(text[at:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(escape(text[sp.start:sp.end]))
		b.WriteString("</mark>")
		at = sp.end
	}
	b.WriteString(escape(text[at:]))
	return b.String()
}
