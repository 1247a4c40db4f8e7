package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// corpus is what the facet engine knows of one view of the index: for every facet value a
// compressed bitmap of the documents that hold it, and for every document the keys it sorts
// by. Filters are unions and intersections of bitmaps and a facet value's count is the size
// of an intersection, so counting costs the same for a thousand hits as for a hundred
// thousand, and nothing walks the hits per facet. It is built once per index version (a few
// hundred milliseconds at 100,000 models) and shared by every search of that version.
type corpus struct {
	docs   *roaring.Bitmap // every document of the view
	facets map[string]*facetIndex
	keys   indexer.Keys
	// Ranks of each document in each order (by document number), and the orders themselves.
	modRank, createdRank, titleRank, idRank []uint32
	byModified, byCreated, byTitle          []uint32
	built                                   time.Duration
}

// facetIndex holds one facet's values and their documents.
type facetIndex struct {
	facet  Facet
	values []string // as the index orders them (bytes)
	docs   []*roaring.Bitmap
	index  map[string]int
	alpha  []int // each value's place A to Ö (å, ä, ö after z)
	// parent and region of each value, in the region hierarchy (wellbeing county and
	// municipality); empty elsewhere.
	parent, region []string
	// Each document's values (valuesOf[offsets[d]:offsets[d+1]]), for counting by walk, and
	// the number of (document, value) pairs and of documents.
	offsets, valuesOf  []uint32
	postings, docCount uint64
}

func buildCorpus(ctx context.Context, v *indexer.View) (*corpus, error) {
	start := time.Now()
	docs, err := v.Docs()
	if err != nil {
		return nil, err
	}
	c := &corpus{docs: docs, facets: map[string]*facetIndex{}}
	if c.keys, err = v.SortKeys(ctx, docs); err != nil {
		return nil, err
	}
	for _, f := range facets {
		fi := &facetIndex{facet: f, index: map[string]int{}}
		add := func(value string, bm *roaring.Bitmap) {
			fi.index[value] = len(fi.values)
			fi.values = append(fi.values, value)
			fi.docs = append(fi.docs, bm)
		}
		if f.Year {
			dates := c.keys.Modified
			if f.Field == indexer.FieldCreated {
				dates = c.keys.Created
			}
			years := map[int][]uint32{}
			it := docs.Iterator()
			for it.HasNext() {
				d := it.Next()
				if dates[d] != indexer.NoDate {
					y := time.Unix(0, dates[d]).UTC().Year()
					years[y] = append(years[y], d)
				}
			}
			for _, y := range slices.Sorted(mapKeys(years)) {
				add(strconv.Itoa(y), roaring.BitmapOf(years[y]...))
			}
		} else if err := v.Postings(ctx, f.Field, add); err != nil {
			return nil, err
		}
		fi.alphabetize()
		fi.indexDocuments(len(c.keys.ID), docs.GetCardinality())
		if f.Parent != "" {
			g := practice.DefaultGazetteer()
			fi.parent, fi.region = make([]string, len(fi.values)), make([]string, len(fi.values))
			for i, val := range fi.values {
				p, ok := g.Lookup(val)
				if !ok {
					continue
				}
				fi.region[i], fi.parent[i] = p.Region, p.Region
				if f.Key == "municipality" && p.County != "" {
					fi.parent[i] = p.County
				}
			}
		}
		c.facets[f.Key] = fi
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.orders()
	c.built = time.Since(start)
	return c, nil
}

// alphabetize places the values A to Ö, the Finnish way.
func (fi *facetIndex) alphabetize() {
	keys := make([]string, len(fi.values))
	byKey := make([]int, len(fi.values))
	for i, v := range fi.values {
		keys[i], byKey[i] = indexer.SortKey(v), i
	}
	slices.SortFunc(byKey, func(a, b int) int {
		return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(fi.values[a], fi.values[b]))
	})
	fi.alpha = rank32(byKey, len(fi.values))
}

func rank32(order []int, size int) []int {
	r := make([]int, size)
	for i, d := range order {
		r[d] = i
	}
	return r
}

// orders computes the documents in each order a search can ask for, and each document's rank
// in them. Ties end in ID order, as bleve's "_id" sort would; absent dates sort last.
func (c *corpus) orders() {
	all := c.docs.ToArray()
	size := len(c.keys.ID)
	byID := slices.Clone(all)
	slices.SortFunc(byID, func(a, b uint32) int { return cmp.Compare(c.keys.ID[a], c.keys.ID[b]) })
	c.idRank = rank(byID, size)
	newest := func(dates []int64) func(a, b uint32) int {
		return func(a, b uint32) int {
			if r := compareDesc(dates[a], dates[b]); r != 0 {
				return r
			}
			return cmp.Compare(c.idRank[a], c.idRank[b])
		}
	}
	c.byModified = slices.Clone(all)
	slices.SortFunc(c.byModified, newest(c.keys.Modified))
	c.modRank = rank(c.byModified, size)
	c.byCreated = slices.Clone(all)
	slices.SortFunc(c.byCreated, newest(c.keys.Created))
	c.createdRank = rank(c.byCreated, size)
	c.byTitle = slices.Clone(all)
	slices.SortFunc(c.byTitle, func(a, b uint32) int {
		ta, tb := c.keys.TitleSort[a], c.keys.TitleSort[b]
		if (ta == "") != (tb == "") { // absent titles last
			if ta == "" {
				return 1
			}
			return -1
		}
		if r := cmp.Compare(ta, tb); r != 0 {
			return r
		}
		return cmp.Compare(c.idRank[a], c.idRank[b])
	})
	c.titleRank = rank(c.byTitle, size)
}

// compareDesc orders dates newest first, absent ones last.
func compareDesc(a, b int64) int {
	switch {
	case a == b:
		return 0
	case a == indexer.NoDate:
		return 1
	case b == indexer.NoDate:
		return -1
	case a > b:
		return -1
	}
	return 1
}

func rank(order []uint32, size int) []uint32 {
	r := make([]uint32, size)
	for i, d := range order {
		r[d] = uint32(i)
	}
	return r
}

// filterSets returns, for each filtered facet, the documents holding any of its selected
// values (values the index does not know hold none).
func (c *corpus) filterSets(filters map[string][]string) map[string]*roaring.Bitmap {
	sets := map[string]*roaring.Bitmap{}
	for key, values := range filters {
		fi := c.facets[key]
		var bms []*roaring.Bitmap
		for _, v := range values {
			if i, ok := fi.index[v]; ok {
				bms = append(bms, fi.docs[i])
			}
		}
		sets[key] = roaring.FastOr(bms...)
	}
	return sets
}

// intersect returns base ∩ every set except the one of facet except; base nil means every
// document. The result may be base itself: do not modify it.
func (c *corpus) intersect(base *roaring.Bitmap, sets map[string]*roaring.Bitmap, except string) *roaring.Bitmap {
	var parts []*roaring.Bitmap
	if base != nil {
		parts = append(parts, base)
	}
	for _, k := range slices.Sorted(mapKeys(sets)) {
		if k != except {
			parts = append(parts, sets[k])
		}
	}
	switch len(parts) {
	case 0:
		return c.docs
	case 1:
		return parts[0]
	}
	// Smallest first: intersections shrink fastest that way.
	slices.SortFunc(parts, func(a, b *roaring.Bitmap) int { return cmp.Compare(a.GetCardinality(), b.GetCardinality()) })
	return roaring.FastAnd(parts...)
}

// valueCount is a facet value and how many documents of some set hold it.
type valueCount struct {
	index int
	count int
}

// count returns the values of fi held by documents of set, with how many hold each; only
// values with a count above zero. everything says set holds every document.
//
// A count is the size of the intersection of set with the value's bitmap, which costs little
// for large sets (their bitmaps are bit arrays) but a merge of the whole set per value for
// small ones: for a small set and a facet of many values (municipalities) it is cheaper to
// look up the values of each document of the set, and count goes that way then.
func (fi *facetIndex) count(set *roaring.Bitmap, everything bool) []valueCount {
	if everything {
		return fi.nonZero(func(i int) int { return int(fi.docs[i].GetCardinality()) })
	}
	if fi.walkIsCheaper(set) {
		return fi.countByWalk(set)
	}
	return fi.countByIntersection(set)
}

func (fi *facetIndex) countByIntersection(set *roaring.Bitmap) []valueCount {
	return fi.nonZero(func(i int) int { return int(set.AndCardinality(fi.docs[i])) })
}

func (fi *facetIndex) countByWalk(set *roaring.Bitmap) []valueCount {
	counts := make([]int, len(fi.values))
	it := set.Iterator()
	for it.HasNext() {
		d := it.Next()
		if int(d)+1 >= len(fi.offsets) {
			continue
		}
		for _, v := range fi.valuesOf[fi.offsets[d]:fi.offsets[d+1]] {
			counts[v]++
		}
	}
	return fi.nonZero(func(i int) int { return counts[i] })
}

func (fi *facetIndex) nonZero(count func(i int) int) []valueCount {
	var out []valueCount
	for i := range fi.values {
		if n := count(i); n > 0 {
			out = append(out, valueCount{i, n})
		}
	}
	return out
}

// walkIsCheaper estimates the two ways of counting set: intersections cost a merge of the
// set with each value's documents while the set's bitmap is sparse (at most 4096 documents
// per 65536), and about the value's documents once it is dense; a walk costs a few steps per
// value of each document of the set.
func (fi *facetIndex) walkIsCheaper(set *roaring.Bitmap) bool {
	n := set.GetCardinality()
	if n == 0 || fi.postings == 0 {
		return false
	}
	chunks := uint64(set.Maximum()>>16-set.Minimum()>>16) + 1
	values := uint64(len(fi.values))
	intersect := fi.postings + 16*values
	if n/chunks <= 4096 {
		intersect += values * n
	}
	walk := 4 * (n + n*fi.postings/max(fi.docCount, 1))
	return walk < intersect
}

// index makes the facet's document → values lists, for counting by walk.
func (fi *facetIndex) indexDocuments(size int, docCount uint64) {
	perDoc := make([]uint32, size+1)
	for _, bm := range fi.docs {
		fi.postings += bm.GetCardinality()
		it := bm.Iterator()
		for it.HasNext() {
			perDoc[it.Next()+1]++
		}
	}
	for d := 1; d <= size; d++ {
		perDoc[d] += perDoc[d-1]
	}
	fi.offsets = perDoc
	fi.valuesOf = make([]uint32, fi.postings)
	next := slices.Clone(perDoc[:size])
	for i, bm := range fi.docs {
		it := bm.Iterator()
		for it.HasNext() {
			d := it.Next()
			fi.valuesOf[next[d]] = uint32(i)
			next[d]++
		}
	}
	fi.docCount = docCount
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// String describes the corpus, for logs and benchmarks.
func (c *corpus) String() string {
	values := 0
	for _, fi := range c.facets {
		values += len(fi.values)
	}
	return fmt.Sprintf("%d documents, %d facet values, built in %s", c.docs.GetCardinality(), values, c.built.Round(time.Millisecond))
}
