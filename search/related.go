package search

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
)

// Related models: how many, and how the likeness of topic, region and text weigh.
const (
	DefaultRelated = 5
	relatedWords   = 40 // of the title and summary, compared as text
	topicWeight    = 3
	regionWeight   = 2
	countyWeight   = 1
	titleWeight    = 1
	summaryWeight  = 0.5
)

// Related returns up to n models most like model m by topic, region and text: models sharing
// its topics count most, then its regions and wellbeing services counties, then the words of
// its title and summary (each word weighs by its rarity, as in any text search).
func (s *Searcher) Related(ctx context.Context, m practice.Model, n int) ([]practice.Model, error) {
	var out []practice.Model
	err := s.read(ctx, func(ctx context.Context, v *sharedView, c *corpus) error {
		var like []query.Query
		term := func(field, value string, boost float64) {
			t := query.NewTermQuery(value)
			t.SetField(field)
			t.SetBoost(boost)
			like = append(like, t)
		}
		for _, t := range m.Topics {
			term(indexer.FieldTopics, t, topicWeight)
		}
		for _, r := range m.Region {
			term(indexer.FieldRegion, r, regionWeight)
		}
		for _, w := range m.WellbeingCounty {
			term(indexer.FieldWellbeingCounty, w, countyWeight)
		}
		words := strings.Join(firstN(strings.Fields(cleanWords(m.Title+" "+m.Summary)), relatedWords), " ")
		if words != "" {
			for field, boost := range map[string]float64{indexer.FieldTitle: titleWeight, indexer.FieldSummary: summaryWeight} {
				mq := query.NewMatchQuery(words)
				mq.SetField(field)
				mq.SetBoost(boost)
				like = append(like, mq)
			}
		}
		if len(like) == 0 {
			return nil
		}
		self := query.NewDocIDQuery([]string{m.ID})
		q := query.NewBooleanQuery([]query.Query{query.NewDisjunctionQuery(like)}, nil, []query.Query{self})
		top := newTopN(n, c.order("relevance"))
		if err := v.Match(ctx, q, true, func(doc uint32, score float64) error {
			top.offer(scored{doc, score})
			return nil
		}); err != nil {
			return matchError(err)
		}
		for _, sd := range top.sorted() {
			r, err := v.model(sd.doc, c.keys.ID[sd.doc])
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }
