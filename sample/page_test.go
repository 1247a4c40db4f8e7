package sample

import (
	"slices"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
)

// TestSamplePagesAreRealisticAndUseTheKnownVocabulary guards the sample site's own content:
// long enough to search in, and using the facet values the site profile knows.
func TestSamplePagesAreRealisticAndUseTheKnownVocabulary(t *testing.T) {
	pages, err := Pages()
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 40 {
		t.Errorf("%d sample pages, want at least 40", len(pages))
	}
	for _, p := range pages {
		words := len(strings.Fields(p.Summary))
		for _, s := range p.Sections {
			words += len(strings.Fields(s.Text))
		}
		if len(p.Sections) < 3 || words < 250 {
			t.Errorf("%s: %d sections and %d words, want at least 3 and 250", p.Slug, len(p.Sections), words)
		}
		if p.Markup != "drupal" && p.Markup != "dl" {
			t.Errorf("%s: markup %q", p.Slug, p.Markup)
		}
		if p.RegionLabel != "old" && p.RegionLabel != "new" {
			t.Errorf("%s: region_label %q", p.Slug, p.RegionLabel)
		}
		if _, ok := practice.CanonicalPhase(p.Phase); !ok {
			t.Errorf("%s: phase %q", p.Slug, p.Phase)
		}
		for _, d := range []string{p.Created, p.Modified} {
			if _, err := practice.ParseDate(d); err != nil {
				t.Errorf("%s: %v", p.Slug, err)
			}
		}
		check := func(kind string, values, known []string) {
			for _, v := range values {
				if !slices.Contains(known, v) {
					t.Errorf("%s: %s %q is not in the practice vocabulary", p.Slug, kind, v)
				}
			}
		}
		check("topic", p.Topics, practice.Topics())
		check("target group", p.TargetGroups, practice.TargetGroups())
		check("phenomenon", p.Phenomena, append([]string{practice.NoPhenomenon}, practice.Phenomena()...))
		if len(p.Regions) == 0 || len(p.Funders) == 0 || len(p.Topics) == 0 {
			t.Errorf("%s: regions, funders and topics are required", p.Slug)
		}
	}
}

// TestSampleCoversEveryMaakuntaAndNationalModels: a region facet demo needs every maakunta.
func TestSampleCoversEveryMaakuntaAndNationalModels(t *testing.T) {
	manifest, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range manifest {
		for _, r := range e.Region {
			seen[r] = true
		}
	}
	for _, r := range []string{"Uusimaa", "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme",
		"Kymenlaakso", "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi",
		"Etelä-Pohjanmaa", "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Kainuu", "Lappi", "Ahvenanmaa",
		practice.National} {
		if !seen[r] {
			t.Errorf("no sample model in %s", r)
		}
	}
}
