package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

func TestFragmentEscapesTextAndMarksOnlyTheMatches(t *testing.T) {
	text := `Testi <script>alert(1)</script> & "päihde" työ`
	at := strings.Index(text, "päihde")
	got, n := fragment(text, []span{{at, at + len("päihde")}, {-1, 3}, {5, 500}, {at + 1, at + 2}}, 200)
	want := `Testi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;<mark>päihde</mark>&#34; työ`
	if got != want || n != 1 {
		t.Errorf("fragment = %q (%d marks),\nwant %q", got, n, want)
	}
	// A long text is cut around the best cluster of matches, at word boundaries.
	long := strings.Repeat("alku ", 100) + "nuorten päihdetyö ja nuorten tuki " + strings.Repeat("loppu ", 100)
	var spans []span
	for i := 0; ; {
		j := strings.Index(long[i:], "nuorten")
		if j < 0 {
			break
		}
		spans = append(spans, span{i + j, i + j + len("nuorten")})
		i += j + 1
	}
	got, n = fragment(long, spans, 120)
	if n != 2 || !strings.HasPrefix(got, "…alku ") || !strings.HasSuffix(got, "…") || strings.Count(got, "<mark>nuorten</mark>") != 2 {
		t.Errorf("long fragment %q (%d marks)", got, n)
	}
	if _, n := fragment("abc", nil, 10); n != 0 {
		t.Error("no spans, yet a fragment")
	}
}

func TestSectionFragmentsCarryTheirHeading(t *testing.T) {
	s := sampleSearcher(t)
	res := mustSearch(t, s, Request{Query: "koordinaattori"})
	if res.Total == 0 {
		t.Fatal("nothing found")
	}
	found := false
	for _, h := range res.Hits {
		for _, sf := range h.Highlights.Sections {
			found = true
			ok := false
			for _, sec := range h.Model.Sections {
				if sec.Heading == sf.Heading && strings.Contains(sec.Text, strings.Trim(stripMarks(sf.Fragment), "…")) {
					ok = true
				}
			}
			if !ok || !strings.Contains(sf.Fragment, "<mark>") {
				t.Errorf("%s: fragment %q under heading %q is not from that section", h.Model.ID, sf.Fragment, sf.Heading)
			}
		}
	}
	if !found {
		t.Error("no section fragments")
	}
}

func TestHighlightsOfHostileTextAreEscaped(t *testing.T) {
	m := practice.Model{ID: "x", Title: `<script>alert(1)</script> päihde`, Summary: `"><img src=x onerror=alert(2)> päihde`,
		Sections: []practice.Section{{Heading: "<b>Otsikko</b>", Text: "Teksti <script>alert(4)</script> päihde"}},
		Region:   []string{"Lappi"}}
	s := newSearcherOf(t, []practice.Model{m, {ID: "y", Title: "Toinen"}})
	res := mustSearch(t, s, Request{Query: "päihde"})
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	h := res.Hits[0].Highlights
	if len(h.Title) == 0 || len(h.Summary) == 0 || len(h.Sections) != 1 || h.Sections[0].Heading != "&lt;b&gt;Otsikko&lt;/b&gt;" {
		t.Fatalf("highlights %+v", h)
	}
	for _, f := range append(append(h.Title, h.Summary...), h.Sections[0].Fragment, h.Sections[0].Heading) {
		if strings.Contains(stripMarks(f), "<") {
			t.Errorf("fragment %q has markup other than <mark>", f)
		}
	}
}

func stripMarks(s string) string { return strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s) }

// FuzzHighlight: whatever the text and wherever the spans, fragments are valid UTF-8 and hold
// "<" only in <mark> and </mark>.
func FuzzHighlight(f *testing.F) {
	f.Add("Nuorten <script>alert(1)</script> päihdetyö", "päihdetyö", 3)
	f.Add(`"><img src=x onerror=alert(2)>`, "img", 0)
	f.Add("ääää ööö", "ö", 1)
	f.Add(strings.Repeat("sana ", 200)+"osuma", "osuma", 5)
	f.Fuzz(func(t *testing.T, doc, q string, seed int) {
		if !utf8.ValidString(doc) {
			doc = strings.ToValidUTF8(doc, "?")
		}
		var locs []indexer.Location
		for _, w := range strings.Fields(q) {
			for i := 0; i < len(doc); {
				j := strings.Index(doc[i:], w)
				if j < 0 {
					break
				}
				for _, field := range []string{indexer.FieldTitle, indexer.FieldSummary, indexer.FieldSections} {
					locs = append(locs, indexer.Location{Field: field, Start: i + j, End: i + j + len(w)})
				}
				i += j + 1
			}
		}
		// And spans anywhere, valid or not.
		for k := range 4 {
			start := (seed*31 + k*17) % (len(doc) + 3)
			locs = append(locs, indexer.Location{Field: indexer.FieldSummary, Start: start - 1, End: start + k})
			locs = append(locs, indexer.Location{Field: indexer.FieldSections, Element: k - 1, Start: start, End: start + seed%7})
		}
		m := practice.Model{Title: doc, Summary: doc, Sections: []practice.Section{{Heading: q, Text: doc}}}
		h := highlight(m, locs)
		frags := append(append([]string{}, h.Title...), h.Summary...)
		for _, sf := range h.Sections {
			frags = append(frags, sf.Heading, sf.Fragment)
		}
		for _, fr := range frags {
			if !utf8.ValidString(fr) {
				t.Fatalf("fragment is not valid UTF-8: %q", fr)
			}
			if strings.ContainsAny(stripMarks(fr), "<>") {
				t.Fatalf("fragment %q has markup other than <mark>", fr)
			}
			if strings.Count(fr, "<mark>") != strings.Count(fr, "</mark>") {
				t.Fatalf("unbalanced marks in %q", fr)
			}
		}
	})
}

// TestHighlightsComeOnlyWithWords: a search without words has nothing to highlight.
func TestHighlightsComeOnlyWithWords(t *testing.T) {
	s := newFixtureSearcher(t)
	res, err := s.Search(context.Background(), Request{Filters: map[string][]string{"region": {"Pirkanmaa"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if !h.Highlights.Empty() {
			t.Errorf("%s has highlights %+v", h.Model.ID, h.Highlights)
		}
	}
}
