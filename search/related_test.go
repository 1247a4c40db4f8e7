package search

import (
	"context"
	"slices"
	"testing"
)

func TestRelatedModelsShareTopicsRegionsOrWords(t *testing.T) {
	models := sampleModels(t)
	s := sampleSearcher(t)
	for _, m := range models[:10] {
		related, err := s.Related(context.Background(), m, DefaultRelated)
		if err != nil {
			t.Fatal(err)
		}
		if len(related) != DefaultRelated {
			t.Errorf("%s: %d related models", m.ID, len(related))
		}
		for i, r := range related {
			if r.ID == m.ID {
				t.Errorf("%s is related to itself", m.ID)
			}
			shares := slices.ContainsFunc(r.Topics, func(x string) bool { return slices.Contains(m.Topics, x) }) ||
				slices.ContainsFunc(r.Region, func(x string) bool { return slices.Contains(m.Region, x) })
			if i == 0 && !shares {
				t.Errorf("%s: the most related, %s, shares neither a topic nor a region", m.ID, r.ID)
			}
		}
	}
}
