package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// searchRequest reads a search from query parameters, the same for the API and the pages.
func searchRequest(q url.Values) (search.Request, error) {
	r := search.Request{Query: q.Get("q"), Sort: q.Get("sort"), Filters: map[string][]string{}}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &r.Page}, {"size", &r.Size}, {"facet_size", &r.FacetSize}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return r, fmt.Errorf("%w: %s must be a whole number", search.ErrBadQuery, p.name)
		}
		*p.dst = n
	}
	for _, f := range search.Facets {
		if vs := q[f.Key]; len(vs) > 0 {
			r.Filters[f.Key] = vs
		}
	}
	return r, nil
}

type apiHit struct {
	ID         string              `json:"id"`
	URL        string              `json:"url"`
	Title      string              `json:"title"`
	Summary    string              `json:"summary"`
	Region     []string            `json:"region"`
	Phase      string              `json:"phase"`
	Topics     []string            `json:"topics"`
	Created    practice.Date       `json:"created"`
	Modified   practice.Date       `json:"modified"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

type apiResult struct {
	Query      string                         `json:"query"`
	Total      uint64                         `json:"total"`
	Page       int                            `json:"page"`
	Size       int                            `json:"size"`
	TookMS     float64                        `json:"took_ms"`
	Hits       []apiHit                       `json:"hits"`
	Facets     map[string][]search.FacetValue `json:"facets"`
	Suggestion any                            `json:"suggestion"`
}

func (s *server) apiSearch(c *gin.Context) error {
	req, err := searchRequest(c.Request.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.cfg.Searcher.Search(c.Request.Context(), req)
	if err != nil {
		return err
	}
	out := apiResult{Query: res.Query, Total: res.Total, Page: res.Page, Size: res.Size,
		TookMS: math.Round(float64(res.Took.Microseconds())/10) / 100, Hits: []apiHit{}, Facets: res.Facets,
		Suggestion: res.Suggestion}
	for _, h := range res.Hits {
		m := h.Model
		hl := h.Highlights
		if hl == nil {
			hl = map[string][]string{}
		}
		out.Hits = append(out.Hits, apiHit{ID: m.ID, URL: m.URL, Title: m.Title, Summary: m.Summary,
			Region: orEmpty(m.Region), Phase: m.Phase, Topics: orEmpty(m.Topics), Created: m.Created,
			Modified: m.Modified, Score: h.Score, Highlights: hl})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *server) apiModel(c *gin.Context) error {
	m, err := s.cfg.Searcher.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

func (s *server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *server) readyz(c *gin.Context) {
	if s.cfg.Ready != nil && !s.cfg.Ready() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "starting"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
