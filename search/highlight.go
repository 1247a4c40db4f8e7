package search

import (
	"cmp"
	"html"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// Highlights are the fragments of a hit's text where the query matched. Every string in them
// is HTML: the text escaped, with <mark>…</mark> around the matched words as the only markup.
type Highlights struct {
	Title    []string          `json:"title,omitempty"`
	Summary  []string          `json:"summary,omitempty"`
	Sections []SectionFragment `json:"sections,omitempty"`
}

// SectionFragment is a fragment of one of a model's long sections, with the section's heading
// (escaped, no marks) so a reader knows where it comes from.
type SectionFragment struct {
	Heading  string `json:"heading"`
	Fragment string `json:"fragment"`
}

// Empty reports whether nothing was highlighted.
func (h Highlights) Empty() bool {
	return len(h.Title) == 0 && len(h.Summary) == 0 && len(h.Sections) == 0
}

// Highlighting limits: how much text a fragment shows around its matches (bytes), and how
// many sections' fragments a hit gets.
const (
	fragmentWidth   = 220
	maxSectionFrags = 3
)

// span is a matched range of bytes in a text.
type span struct{ start, end int }

// highlight makes the highlights of model m from where the query matched it.
func highlight(m practice.Model, locs []indexer.Location) Highlights {
	var title, summary []span
	// By place among the model's sections followed by its development path's.
	sections := map[int][]span{}
	for _, l := range locs {
		s := span{l.Start, l.End}
		switch {
		case of(l.Field, indexer.FieldTitle):
			title = append(title, s)
		case of(l.Field, indexer.FieldSummary):
			summary = append(summary, s)
		case of(l.Field, indexer.FieldSections):
			sections[l.Element] = append(sections[l.Element], s)
		case of(l.Field, indexer.FieldDevelopmentPath):
			i := len(m.Sections) + l.Element
			sections[i] = append(sections[i], s)
		}
	}
	var h Highlights
	if len(cleanSpans(m.Title, title)) > 0 { // a title is marked whole, never cut
		h.Title = []string{markAll(m.Title, title)}
	}
	if f, n := fragment(m.Summary, summary, fragmentWidth); n > 0 {
		h.Summary = []string{f}
	}
	type sectionFrag struct {
		SectionFragment
		index, marks int
	}
	var frags []sectionFrag
	texts := append(slices.Clip(m.Sections), m.DevelopmentPath...)
	for i, spans := range sections {
		if i < 0 || i >= len(texts) {
			continue
		}
		if f, n := fragment(texts[i].Text, spans, fragmentWidth); n > 0 {
			frags = append(frags, sectionFrag{SectionFragment{escape(texts[i].Heading), f}, i, n})
		}
	}
	// The sections with the most matches first, then in page order.
	slices.SortFunc(frags, func(a, b sectionFrag) int {
		if a.marks != b.marks {
			return b.marks - a.marks
		}
		return cmp.Compare(a.index, b.index)
	})
	for i := 0; i < len(frags) && i < maxSectionFrags; i++ {
		h.Sections = append(h.Sections, frags[i].SectionFragment)
	}
	return h
}

// of reports whether an index field holds text field f: f itself, or another analysis of
// the same text (f_base, f_exact), whose offsets are in the same text.
func of(field, f string) bool {
	return field == f || strings.HasPrefix(field, f+"_")
}

// highlightQuery keeps of q the leaves that search the fields highlights come from (title,
// summary, sections, development path), OR-ed: where they match in a hit is what is marked.
// Excluded words are left out. A boolean below the top (an excluded alternative of OR, see
// orQuery) stays whole. nil when no
// leaf searches those fields. Asking bleve for the locations of these leaves alone costs a
// fraction of asking for the whole query's.
func highlightQuery(q query.Query) query.Query {
	var leaves, others []query.Query
	var walk func(q query.Query)
	walk = func(sub query.Query) {
		switch sub := sub.(type) {
		case *query.BooleanQuery:
			if sub != q && sub.MustNot != nil {
				leaves = append(leaves, sub)
				return
			}
			for _, c := range []query.Query{sub.Must, sub.Should, sub.Filter} {
				if c != nil {
					walk(c)
				}
			}
		case *query.ConjunctionQuery:
			for _, c := range sub.Conjuncts {
				walk(c)
			}
		case *query.DisjunctionQuery:
			for _, c := range sub.Disjuncts {
				walk(c)
			}
		case *query.MultiPhraseQuery: // a compound's parts apart, in an exact field: marked too
			if of(sub.Field(), indexer.FieldTitle) || of(sub.Field(), indexer.FieldSummary) || of(sub.Field(), indexer.FieldSections) || of(sub.Field(), indexer.FieldDevelopmentPath) {
				leaves = append(leaves, sub)
			}
		case query.FieldableQuery:
			switch f := sub.Field(); {
			case f == indexer.FieldTitle || f == indexer.FieldSummary || f == indexer.FieldSections || f == indexer.FieldDevelopmentPath:
				leaves = append(leaves, sub)
			case of(f, indexer.FieldTitle) || of(f, indexer.FieldSummary) || of(f, indexer.FieldSections) || of(f, indexer.FieldDevelopmentPath):
				others = append(others, sub)
			}
		}
	}
	walk(q)
	// A text field under its own name holds every form of its words (the other analyses hold
	// some of them, at the same places): its leaves find every place to mark.
	if len(leaves) == 0 {
		leaves = others
	}
	if len(leaves) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(leaves)
}

// fragment returns the window of text, at most about width bytes, holding the most matched
// spans, escaped, with the spans marked, and how many spans it marks. Spans that do not fit
// the text (or cut a character in two) are ignored. "…" shows where text was cut.
func fragment(text string, spans []span, width int) (string, int) {
	spans = cleanSpans(text, spans)
	if len(spans) == 0 {
		return "", 0
	}
	// The window starting a little before some span that holds the most spans.
	lead := width / 4
	best, bestN := 0, 0
	for i := range spans {
		begin := max(0, spans[i].start-lead)
		n := 0
		for j := i; j < len(spans) && spans[j].end <= begin+width; j++ {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	begin := max(0, spans[best].start-lead)
	end := min(len(text), begin+width)
	if end < spans[best].end { // one long match: show it whole
		end = spans[best].end
	}
	if len(text)-begin <= width { // close to the end: show the end
		end = len(text)
	}
	begin, end = wordStart(text, begin, spans[best].start), wordEnd(text, end)

	var b strings.Builder
	if begin > 0 {
		b.WriteString("…")
	}
	at, marks := begin, 0
	for _, s := range spans {
		if s.start < begin || s.end > end {
			continue
		}
		b.WriteString(escape(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(escape(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
		marks++
	}
	b.WriteString(escape(text[at:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String(), marks
}

// escape makes text safe in HTML, and valid UTF-8 whatever it was.
func escape(text string) string {
	return html.EscapeString(strings.ToValidUTF8(text, "\uFFFD"))
}

// cleanSpans drops spans outside text or off character boundaries, sorts the rest and merges
// those that overlap.
func cleanSpans(text string, spans []span) []span {
	var ok []span
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end ||
			!utf8.RuneStart(text[s.start]) || (s.end < len(text) && !utf8.RuneStart(text[s.end])) {
			continue
		}
		ok = append(ok, s)
	}
	slices.SortFunc(ok, func(a, b span) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
	var out []span
	for _, s := range ok {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// wordStart moves i back to the start of its word (not past limit's word), on a character
// boundary.
func wordStart(text string, i, limit int) int {
	if i <= 0 {
		return 0
	}
	for j := i; j > 0 && i-j < 20; j-- {
		if text[j-1] == ' ' || text[j-1] == '\n' {
			return j
		}
	}
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return min(i, limit)
}

// wordEnd moves i forward to the end of its word, on a character boundary.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for j := i; j < len(text) && j-i < 20; j++ {
		if text[j] == ' ' || text[j] == '\n' {
			return j
		}
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}
