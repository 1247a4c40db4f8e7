package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// area is a place in the region hierarchy of a model, with the places of the model beneath it.
type area struct {
	Name, Href string
	Children   []area
}

// fact is one labelled line of a model's key facts; each value links to the search filtered by it.
type fact struct {
	Label  string
	Values []valueLink
}

type valueLink struct{ Value, Href string }

type modelView struct {
	page
	Model                   practice.Model
	Areas                   []area
	Facts                   []fact
	Created, Modified       string
	CreatedISO, ModifiedISO string
	BackHref                string
	ProgrammeHref           string
	Related                 []practice.Model
	Share                   shareView
	// Marked is the model's text with the words of the search it was found by (?q=) marked.
	Marked markedView
}

func (s *server) modelPage(c *gin.Context) error {
	m, err := s.cfg.Searcher.Model(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	related, err := s.cfg.Searcher.Related(c.Request.Context(), m, search.DefaultRelated)
	if err != nil {
		return err
	}
	v := modelView{page: newPage(c), Model: m, Created: m.Created.Finnish(), Modified: m.Modified.Finnish(), Related: related}
	v.Title, v.Description = m.Title, m.Summary
	if m.Lang != "" && m.Lang != v.Lang {
		v.ContentLang = m.Lang
	}
	if !m.Created.IsZero() {
		v.CreatedISO = m.Created.String()
	}
	if !m.Modified.IsZero() {
		v.ModifiedISO = m.Modified.String()
	}
	filterHref := func(key, value string) string {
		q := url.Values{key: {value}}
		if l := c.Query("lang"); l != "" {
			q.Set("lang", l)
		}
		return "/?" + q.Encode()
	}
	v.Areas = areas(m, func(value string) string { return placeName(v.Lang, value) }, filterHref)
	for _, f := range []struct {
		label, key string
		values     []string
	}{
		{"phase", "phase", []string{m.Phase}},
		{"topics", "topic", m.Topics},
		{"target_groups", "target_group", m.TargetGroups},
		{"phenomena", "phenomenon", m.Phenomena},
		{"funders", "funder", m.Funders},
	} {
		fv := fact{Label: tr(v.Lang, f.label)}
		for _, val := range f.values {
			if val != "" {
				fv.Values = append(fv.Values, valueLink{valueLabel(v.Lang, f.key, val), filterHref(f.key, val)})
			}
		}
		if len(fv.Values) > 0 {
			v.Facts = append(v.Facts, fv)
		}
	}
	v.BackHref = backToSearch(c.Request, v.HomeHref)
	v.ProgrammeHref = programmeHref(m.Programme, v.LangParam)
	v.Share = shareOf(c.Request, v.Lang, v.LangParam, m)
	if v.Marked, err = s.marked(c, m); err != nil {
		return err
	}
	return render(c, s.pages["model"], http.StatusOK, v)
}

// areas places a model's regions, counties and municipalities in the hierarchy: each maakunta
// with its counties beneath it, each county with its municipalities.
func areas(m practice.Model, name func(string) string, href func(key, value string) string) []area {
	g := practice.DefaultGazetteer()
	placeOf := func(name string) practice.Place { p, _ := g.Lookup(name); return p }
	var top []area
	countyDone, muniDone := map[string]bool{}, map[string]bool{}
	municipalitiesUnder := func(match func(practice.Place) bool) []area {
		var out []area
		for _, mu := range m.Municipality {
			if !muniDone[mu] && match(placeOf(mu)) {
				muniDone[mu] = true
				out = append(out, area{Name: name(mu), Href: href("municipality", mu)})
			}
		}
		return out
	}
	countyArea := func(county string) area {
		countyDone[county] = true
		return area{Name: name(county), Href: href("wellbeing_county", county),
			Children: municipalitiesUnder(func(p practice.Place) bool { return p.County == county })}
	}
	for _, r := range m.Region {
		a := area{Name: name(r), Href: href("region", r)}
		for _, county := range m.WellbeingCounty {
			if !countyDone[county] && placeOf(county).Region == r {
				a.Children = append(a.Children, countyArea(county))
			}
		}
		a.Children = append(a.Children, municipalitiesUnder(func(p practice.Place) bool { return p.Region == r })...)
		top = append(top, a)
	}
	for _, county := range m.WellbeingCounty {
		if !countyDone[county] {
			top = append(top, countyArea(county))
		}
	}
	return append(top, municipalitiesUnder(func(practice.Place) bool { return true })...)
}

// backToSearch is the search the reader came from when the Referer is a search page of this
// site, else the search page.
func backToSearch(r *http.Request, home string) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.Path != "/" {
		return home
	}
	return "/?" + ref.RawQuery
}
