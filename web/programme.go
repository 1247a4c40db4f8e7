package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// Programmes is what the web layer needs of the programmes read from the site. Programme
// returns ErrNoProgramme (wrapped or not) for an unknown ID.
type Programmes interface {
	Programmes(ctx context.Context) ([]practice.Programme, error)
	Programme(ctx context.Context, id string) (practice.Programme, error)
}

// ErrNoProgramme means no programme has the ID asked for.
var ErrNoProgramme = errors.New("no such programme")

// maxProgrammeModels bounds the models one programme page lists.
const maxProgrammeModels = search.MaxSize

// apiProgramme is a programme's document and its models in brief.
type apiProgramme struct {
	practice.Programme
	ModelBriefs []apiBrief `json:"model_briefs"`
}

func (s *server) programmes(c *gin.Context) ([]practice.Programme, error) {
	if s.cfg.Programmes == nil {
		return nil, nil
	}
	return s.cfg.Programmes.Programmes(c.Request.Context())
}

func (s *server) programme(c *gin.Context) (practice.Programme, error) {
	if s.cfg.Programmes == nil {
		return practice.Programme{}, errNotFound
	}
	p, err := s.cfg.Programmes.Programme(c.Request.Context(), c.Param("id"))
	if errors.Is(err, ErrNoProgramme) {
		return p, errNotFound
	}
	return p.WithEmptyLists(), err
}

// programmeModels are the models of a programme the index holds, A to Ö: those filed under
// its name.
func (s *server) programmeModels(c *gin.Context, p practice.Programme) (search.Result, error) {
	return s.cfg.Searcher.Search(c.Request.Context(), search.Request{
		Filters: map[string][]string{"programme": {p.Name}}, Sort: "title", Size: maxProgrammeModels, FacetSize: 1,
	})
}

func (s *server) apiProgrammes(c *gin.Context) error {
	ps, err := s.programmes(c)
	if err != nil {
		return err
	}
	out := make([]practice.Programme, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.WithEmptyLists())
	}
	c.JSON(http.StatusOK, gin.H{"total": len(out), "programmes": out})
	return nil
}

func (s *server) apiProgramme(c *gin.Context) error {
	p, err := s.programme(c)
	if err != nil {
		return err
	}
	res, err := s.programmeModels(c, p)
	if err != nil {
		return err
	}
	out := apiProgramme{Programme: p, ModelBriefs: []apiBrief{}}
	for _, h := range res.Hits {
		out.ModelBriefs = append(out.ModelBriefs, briefOf(h.Model))
		if !slices.Contains(out.Models, h.Model.ID) {
			out.Models = append(out.Models, h.Model.ID)
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type programmeView struct {
	page
	Programme          practice.Programme
	Created, Modified  string
	Models             []practice.Model
	Total              uint64
	SearchHref         string
	CreatedISO, ModISO string
}

func (s *server) programmePage(c *gin.Context) error {
	p, err := s.programme(c)
	if err != nil {
		return err
	}
	res, err := s.programmeModels(c, p)
	if err != nil {
		return err
	}
	v := programmeView{page: newPage(c), Programme: p, Created: p.Created.Finnish(), Modified: p.Modified.Finnish(), Total: res.Total}
	v.Title, v.Description = p.Name, p.Summary
	if p.Lang != "" && p.Lang != v.Lang {
		v.ContentLang = p.Lang
	}
	if !p.Created.IsZero() {
		v.CreatedISO = p.Created.String()
	}
	if !p.Modified.IsZero() {
		v.ModISO = p.Modified.String()
	}
	for _, h := range res.Hits {
		v.Models = append(v.Models, h.Model)
	}
	q := url.Values{"programme": {p.Name}}
	if l := c.Query("lang"); l != "" {
		q.Set("lang", l)
	}
	v.SearchHref = "/?" + q.Encode()
	return render(c, s.pages["programme"], http.StatusOK, v)
}

// programmeHref is where a model's programme links: its page when it is known, else the
// search filtered by it.
func programmeHref(ref practice.ProgrammeRef, langParam string) string {
	if ref.ID != "" {
		return "/kokonaisuus/" + url.PathEscape(ref.ID) + langParam
	}
	q := url.Values{"programme": {ref.Name}}
	if langParam != "" {
		q.Set("lang", langParam[len("?lang="):])
	}
	return "/?" + q.Encode()
}
