package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
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
	for _, f := range search.Facets() {
		if vs := q[f.Key]; len(vs) > 0 {
			r.Filters[f.Key] = vs
		}
	}
	// national=include lets national models join the area filters; the API's default is
	// exclude. The page's form sends exclude always and include when its box is ticked.
	switch vs := q["national"]; {
	case slices.Contains(vs, "include"):
		r.IncludeNational = true
	case len(vs) > 0 && !slices.Contains(vs, "exclude"):
		return r, badRequest("national must be include or exclude")
	}
	years, err := yearRanges(q)
	r.Years = years
	return r, err
}

// apiHit is a model found: the brief of it, with its score and highlights.
type apiHit struct {
	apiBrief
	Created    practice.Date     `json:"created"`
	Score      float64           `json:"score"`
	Highlights search.Highlights `json:"highlights"`
}

type apiResult struct {
	Query      string                         `json:"query"`
	Total      uint64                         `json:"total"`
	Page       int                            `json:"page"`
	Size       int                            `json:"size"`
	TookMS     float64                        `json:"took_ms"`
	Hits       []apiHit                       `json:"hits"`
	Facets     map[string][]search.FacetValue `json:"facets"`
	Suggestion *search.Suggestion             `json:"suggestion"`
	Relaxed    bool                           `json:"relaxed"`
	National   int                            `json:"national"`
	Without    map[string]map[string]uint64   `json:"without"`
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
	c.JSON(http.StatusOK, SearchResponse(res))
	return nil
}

// SearchResponse is the API's answer to a search (GET /api/v1/search), for whatever else
// prints the same JSON (the CLI's search --json).
func SearchResponse(res search.Result) any {
	out := apiResult{Query: res.Query, Total: res.Total, Page: res.Page, Size: res.Size,
		TookMS: math.Round(float64(res.Took.Microseconds())/10) / 100, Hits: []apiHit{}, Facets: res.Facets,
		Suggestion: res.Suggestion, Relaxed: res.Relaxed, National: res.National, Without: res.Without}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hitOf(h.Model, h.Score, h.Highlights))
	}
	return out
}

func briefOf(m practice.Model) apiBrief {
	return apiBrief{ID: m.ID, URL: m.URL, Title: m.Title, Summary: m.Summary, Region: orEmpty(m.Region),
		Phase: m.Phase, Topics: orEmpty(m.Topics), Modified: m.Modified}
}

func hitOf(m practice.Model, score float64, hl search.Highlights) apiHit {
	return apiHit{apiBrief: briefOf(m), Created: m.Created, Score: score, Highlights: hl}
}

// apiModelResult is a model's whole document and the models most like it.
type apiModelResult struct {
	practice.Model
	Related []apiBrief `json:"related"`
}

// apiBrief is a model in brief, as hits and related models show it.
type apiBrief struct {
	ID       string        `json:"id"`
	URL      string        `json:"url"`
	Title    string        `json:"title"`
	Summary  string        `json:"summary"`
	Region   []string      `json:"region"`
	Phase    string        `json:"phase"`
	Topics   []string      `json:"topics"`
	Modified practice.Date `json:"modified"`
}

func (s *server) apiModel(c *gin.Context) error {
	m, err := s.cfg.Searcher.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	related, err := s.cfg.Searcher.Related(c.Request.Context(), m, search.DefaultRelated)
	if err != nil {
		return err
	}
	out := apiModelResult{Model: m.WithEmptyLists(), Related: []apiBrief{}}
	for _, r := range related {
		out.Related = append(out.Related, briefOf(r))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *server) apiFacets(c *gin.Context) error {
	facets, err := s.cfg.Searcher.AllFacets(c.Request.Context())
	if err != nil {
		return err
	}
	st, err := s.cfg.Searcher.Status(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"documents": st.Documents, "facets": facets})
	return nil
}

type apiStatus struct {
	Generation  string       `json:"generation"`
	Version     uint64       `json:"index_version"`
	Documents   uint64       `json:"documents"`
	Analyzer    string       `json:"analyzer"`
	Mallihaku   string       `json:"mallihaku"`
	LastReindex *reindex.Job `json:"last_reindex"`
	NextReindex *time.Time   `json:"next_reindex"`
	// NextByMode is the next scheduled run of each schedule (incremental, full).
	NextByMode map[reindex.Mode]time.Time `json:"next_reindex_by_mode"`
	// Replication is null on a server that neither publishes nor replicates.
	Replication *Replication `json:"replication"`
}

func (s *server) apiStatus(c *gin.Context) error {
	st, err := s.cfg.Searcher.Status(c.Request.Context())
	if err != nil {
		return err
	}
	out := apiStatus{Generation: st.Generation, Version: st.Version, Documents: st.Documents,
		Analyzer: s.cfg.Analyzer, Mallihaku: s.cfg.Version}
	out.NextByMode = map[reindex.Mode]time.Time{}
	if s.cfg.Reindex != nil {
		last, err := s.cfg.Reindex.Recent(1)
		if err != nil {
			return err
		}
		if len(last) == 1 {
			out.LastReindex = &last[0]
		}
		for mode, next := range s.cfg.Reindex.Next() {
			out.NextByMode[mode] = next
			if out.NextReindex == nil || next.Before(*out.NextReindex) {
				out.NextReindex = &next
			}
		}
	}
	if s.cfg.Replication != nil {
		out.Replication = s.cfg.Replication()
	}
	c.JSON(http.StatusOK, out)
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
