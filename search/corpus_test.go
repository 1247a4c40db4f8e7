package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/mallihaku/mallihaku/internal/synthetic"
)

// TestCountingByWalkEqualsCountingByIntersection: the two ways of counting a facet over a
// set of documents agree, on sets small and large, for every facet.
func TestCountingByWalkEqualsCountingByIntersection(t *testing.T) {
	g, err := synthetic.New(5)
	if err != nil {
		t.Fatal(err)
	}
	models := g.Models(80)
	s := newSearcherOf(t, models)
	rng := rand.New(rand.NewPCG(3, 4))
	err = s.read(context.Background(), func(ctx context.Context, v *sharedView, c *corpus) error {
		all := c.docs.ToArray()
		for range 50 {
			set := roaring.New()
			for _, d := range all {
				if rng.IntN(100) < 1+rng.IntN(100) {
					set.Add(d)
				}
			}
			for _, f := range facets {
				fi := c.facets[f.Key]
				walk, inter := fi.countByWalk(set), fi.countByIntersection(set)
				if !slices.Equal(walk, inter) {
					t.Fatalf("%s over %d documents: walk %v, intersections %v", f.Key, set.GetCardinality(), walk, inter)
				}
			}
		}
		// The estimate walks small sets of a many-valued facet, and intersects all documents.
		if m := c.facets["municipality"]; !m.walkIsCheaper(roaring.BitmapOf(all[:3]...)) {
			t.Error("three documents' municipalities are counted by intersection")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
