package search

import (
	"cmp"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// scored is a document found, with its score (0 when unscored).
type scored struct {
	doc   uint32
	score float64
}

// order returns how a sort compares two found documents (negative: a first). The orders are
// those bleve's sort fields would give: relevance is score, then newest modified, then ID;
// modified and created are newest first, then score, then ID; title is A to Ö, then ID.
// Absent dates and titles sort last.
func (c *corpus) order(sort string) func(a, b scored) int {
	byScore := func(a, b scored) int { return cmp.Compare(b.score, a.score) }
	switch sort {
	case "modified", "created":
		dates := c.keys.Modified
		if sort == "created" {
			dates = c.keys.Created
		}
		return func(a, b scored) int {
			if r := compareDesc(dates[a.doc], dates[b.doc]); r != 0 {
				return r
			}
			if r := byScore(a, b); r != 0 {
				return r
			}
			return cmp.Compare(c.idRank[a.doc], c.idRank[b.doc])
		}
	case "title":
		return func(a, b scored) int { return cmp.Compare(c.titleRank[a.doc], c.titleRank[b.doc]) }
	}
	return func(a, b scored) int {
		if r := byScore(a, b); r != 0 {
			return r
		}
		return cmp.Compare(c.modRank[a.doc], c.modRank[b.doc])
	}
}

// browseOrder is the order of a search without words: every score is the same, so each sort
// is one precomputed order.
func (c *corpus) browseOrder(sort string) (order []uint32, rank []uint32) {
	switch sort {
	case "created":
		return c.byCreated, c.createdRank
	case "title":
		return c.byTitle, c.titleRank
	}
	return c.byModified, c.modRank
}

// browsePage returns the documents of set at positions [from, from+size) of a sort, without
// scoring: a slice of the precomputed order when set is everything, else a walk along the
// order (or, for a small set, a sort of the set).
func (c *corpus) browsePage(set *roaring.Bitmap, sort string, from, size int) []uint32 {
	order, rank := c.browseOrder(sort)
	if set == c.docs {
		return order[min(from, len(order)):min(from+size, len(order))]
	}
	n := int(set.GetCardinality())
	if from >= n {
		return nil
	}
	if n*8 < len(order) {
		docs := set.ToArray()
		slices.SortFunc(docs, func(a, b uint32) int { return cmp.Compare(rank[a], rank[b]) })
		return docs[from:min(from+size, n)]
	}
	var page []uint32
	seen := 0
	for _, d := range order {
		if !set.Contains(d) {
			continue
		}
		if seen >= from {
			page = append(page, d)
			if len(page) == size {
				break
			}
		}
		seen++
	}
	return page
}

// topN keeps the best k documents offered, in a heap whose root is the worst of them.
type topN struct {
	k     int
	cmp   func(a, b scored) int
	items []scored
}

func newTopN(k int, order func(a, b scored) int) *topN {
	return &topN{k: k, cmp: order, items: make([]scored, 0, min(k, 1024))}
}

func (t *topN) offer(s scored) {
	if len(t.items) < t.k {
		t.items = append(t.items, s)
		t.up(len(t.items) - 1)
		return
	}
	if t.k == 0 || t.cmp(s, t.items[0]) >= 0 {
		return // no better than the worst kept
	}
	t.items[0] = s
	t.down(0)
}

// worse reports whether item i comes after item j (the heap keeps the worst on top).
func (t *topN) worse(i, j int) bool { return t.cmp(t.items[i], t.items[j]) > 0 }

func (t *topN) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.items[i], t.items[p] = t.items[p], t.items[i]
		i = p
	}
}

func (t *topN) down(i int) {
	n := len(t.items)
	for {
		l, w := 2*i+1, i
		if l < n && t.worse(l, w) {
			w = l
		}
		if r := l + 1; r < n && t.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		t.items[i], t.items[w] = t.items[w], t.items[i]
		i = w
	}
}

// sorted returns what was kept, best first.
func (t *topN) sorted() []scored {
	out := slices.Clone(t.items)
	slices.SortFunc(out, t.cmp)
	return out
}
