package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/search"
)

// memProgrammes are programmes kept in memory, by ID.
type memProgrammes map[string]practice.Programme

func (m memProgrammes) Programmes(context.Context) ([]practice.Programme, error) {
	var out []practice.Programme
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range m {
			if !yield(id) {
				return
			}
		}
	}) {
		out = append(out, m[id])
	}
	return out, nil
}

func (m memProgrammes) Programme(_ context.Context, id string) (practice.Programme, error) {
	p, ok := m[id]
	if !ok {
		return p, ErrNoProgramme
	}
	return p, nil
}

var soteKeskus = practice.Programme{ID: "tulevaisuuden-sote-keskus", URL: "https://innokyla.fi/fi/kokonaisuus/tulevaisuuden-sote-keskus",
	Lang: "fi", Name: "Tulevaisuuden sote-keskus", Summary: "Sote-keskusten kehittämisen kokonaisuus.",
	Purpose: "Parantaa palvelujen saatavuutta.\n\nVahvistaa ennaltaehkäisyä.", Period: "1.1.2020–31.12.2023",
	Actors: []string{"Pirkanmaan hyvinvointialue"}, Funders: []string{"Sosiaali- ja terveysministeriö (STM)"},
	Organisation: "Pirkanmaan hyvinvointialue", Created: practice.NewDate(2020, 5, 4), Modified: practice.NewDate(2023, 1, 2),
	Models: []string{"kotikuntoutus"}}

var fixtureProgrammes = memProgrammes{soteKeskus.ID: soteKeskus}

// Models of the programme, and one of another programme whose page is not known.
var (
	kotikuntoutus = practice.Model{ID: "kotikuntoutus", URL: "https://innokyla.fi/fi/toimintamalli/kotikuntoutus",
		Title: "Kotikuntoutuksen arviointijakso", Summary: "Arviointi kotona.", Region: []string{"Pirkanmaa"}, Phase: "Valmis",
		Sections: []practice.Section{{Heading: "Ratkaisun perusidea", Text: "Fysioterapeutti arvioi kotona."}},
		DevelopmentPath: []practice.Section{
			{Heading: "Lähtötilanne ja strategiset liittymäkohdat", Text: "Kotiutukset viivästyivät."},
			{Heading: "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen", Text: "Asiakasraati kokoontui kolmesti."},
		},
		Programme: soteKeskus.Ref(), Modified: practice.NewDate(2023, 3, 3)}
	chat = practice.Model{ID: "chat", URL: "https://innokyla.fi/fi/toimintamalli/chat", Title: "Nuorten chat",
		Summary: "Chat nuorille.", Region: []string{"Lappi"}, Phase: "Kehitteillä", Programme: soteKeskus.Ref(),
		Modified: practice.NewDate(2024, 1, 1)}
	velka = practice.Model{ID: "velka", URL: "https://innokyla.fi/fi/toimintamalli/velka", Title: "Velkaneuvonta",
		Summary: "Neuvontaa.", Phase: "Valmis", Programme: practice.ProgrammeRef{Name: "Kestävän kasvun ohjelma"},
		Modified: practice.NewDate(2022, 1, 1)}
)

func newProgrammeServer(t *testing.T) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := indexer.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Build(context.Background(), indexer.Models(kotikuntoutus, chat, velka, plain)); err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{Searcher: search.NewSearcher(ix), Programmes: fixtureProgrammes, Logger: log, Ready: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func mustDoc(t *testing.T, srv *httptest.Server, path string) *goquery.Document {
	t.Helper()
	resp, body := get(t, srv, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func texts(s *goquery.Selection) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, strings.TrimSpace(e.Text())) })
	return out
}

func TestModelPageShowsTheDevelopmentPathUnderItsOwnHeadingWithContentsEntries(t *testing.T) {
	doc := mustDoc(t, newProgrammeServer(t), "/malli/kotikuntoutus")
	path := doc.Find("section.development-path")
	if got := strings.TrimSpace(path.Find("h2").First().Text()); got != "Kehittämisen polku" {
		t.Errorf("the path's heading reads %q, want Kehittämisen polku", got)
	}
	want := []string{"Lähtötilanne ja strategiset liittymäkohdat", "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen"}
	if got := texts(path.Find("h3")); !slices.Equal(got, want) {
		t.Errorf("the path's sections read %q, want %q", got, want)
	}
	if !strings.Contains(path.Text(), "Asiakasraati kokoontui kolmesti.") {
		t.Errorf("the path's text is not shown: %q", path.Text())
	}
	toc := doc.Find("nav.toc")
	wantToc := []string{"Ratkaisun perusidea", "Kehittämisen polku", want[0], want[1]}
	if got := texts(toc.Find("a")); !slices.Equal(got, wantToc) {
		t.Errorf("contents list %q, want %q", got, wantToc)
	}
	for _, href := range []string{"#polku", "#polku-0", "#polku-1"} {
		if doc.Find(`nav.toc a[href="`+href+`"]`).Length() != 1 || doc.Find(href).Length() != 1 {
			t.Errorf("contents entry %s does not lead to its section", href)
		}
	}
	if got, _ := doc.Find(`dd a[href^="/kokonaisuus/"]`).Attr("href"); got != "/kokonaisuus/tulevaisuuden-sote-keskus" {
		t.Errorf("the programme links to %q, want its page", got)
	}
}

func TestModelWithoutPathOrKnownProgrammeShowsNeitherPathNorProgrammePage(t *testing.T) {
	doc := mustDoc(t, newProgrammeServer(t), "/malli/velka")
	if n := doc.Find("section.development-path, nav.toc").Length(); n != 0 {
		t.Errorf("a model with one section and no path shows %d path or contents blocks", n)
	}
	href, _ := doc.Find(`dd a:contains("Kestävän kasvun ohjelma")`).Attr("href")
	if href != "/?programme=Kest%C3%A4v%C3%A4n+kasvun+ohjelma" {
		t.Errorf("a programme whose page is unknown links to %q, want the search filtered by it", href)
	}
}

func TestProgrammePageListsItsModelsAndWhatItIs(t *testing.T) {
	doc := mustDoc(t, newProgrammeServer(t), "/kokonaisuus/tulevaisuuden-sote-keskus")
	if got := strings.TrimSpace(doc.Find("h1").Text()); got != "Tulevaisuuden sote-keskus" {
		t.Errorf("h1 %q", got)
	}
	if got := texts(doc.Find(".programme-models li a")); !slices.Equal(got, []string{"Kotikuntoutuksen arviointijakso", "Nuorten chat"}) {
		t.Errorf("the programme page lists %q, want its two models A to Ö", got)
	}
	if got := strings.TrimSpace(doc.Find(".programme-models h2").Text()); got != "Kokonaisuuden toimintamallit (2)" {
		t.Errorf("models heading %q", got)
	}
	facts := doc.Find(".facts").Text()
	for _, want := range []string{"1.1.2020–31.12.2023", "Pirkanmaan hyvinvointialue", "Sosiaali- ja terveysministeriö (STM)", "4.5.2020"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the facts lack %q: %q", want, facts)
		}
	}
	if href, _ := doc.Find(`a[href^="/?programme="]`).Attr("href"); href != "/?programme=Tulevaisuuden+sote-keskus" {
		t.Errorf("search link %q", href)
	}
	resp, _ := get(t, newProgrammeServer(t), "/kokonaisuus/ei-ole")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown programme: status %d, want 404", resp.StatusCode)
	}
}

func TestProgrammeFilterNarrowsTheSearchPageAndTheAPI(t *testing.T) {
	srv := newProgrammeServer(t)
	_, body := get(t, srv, "/api/v1/search?programme=Tulevaisuuden+sote-keskus")
	var res struct {
		Total  int
		Hits   []struct{ ID string }
		Facets map[string][]search.FacetValue
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("programme filter: %d models, want 2", res.Total)
	}
	want := []search.FacetValue{{Value: "Tulevaisuuden sote-keskus", Count: 2, Selected: true}, {Value: "Kestävän kasvun ohjelma", Count: 1}}
	if !slices.Equal(res.Facets["programme"], want) {
		t.Errorf("programme facet %+v, want %+v", res.Facets["programme"], want)
	}
	doc := mustDoc(t, srv, "/?programme=Tulevaisuuden+sote-keskus")
	box := doc.Find(`input[name="programme"][value="Tulevaisuuden sote-keskus"]`)
	if _, checked := box.Attr("checked"); box.Length() != 1 || !checked {
		t.Errorf("the sidebar has no checked programme box")
	}
	if got := doc.Find(`input[name="programme"]`).Length(); got != 2 {
		t.Errorf("the sidebar lists %d programmes, want 2", got)
	}
}

func TestProgrammesAPIGivesTheDocumentsAndTheirModels(t *testing.T) {
	srv := newProgrammeServer(t)
	resp, body := get(t, srv, "/api/v1/programmes")
	var list struct {
		Total      int
		Programmes []practice.Programme
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s %v", resp.StatusCode, body, err)
	}
	if list.Total != 1 || list.Programmes[0].Name != "Tulevaisuuden sote-keskus" {
		t.Errorf("programmes = %+v", list)
	}
	_, body = get(t, srv, "/api/v1/programmes/tulevaisuuden-sote-keskus")
	var one struct {
		Models      []string
		ModelBriefs []struct{ ID string } `json:"model_briefs"`
	}
	if err := json.Unmarshal([]byte(body), &one); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one.Models, []string{"kotikuntoutus", "chat"}) || len(one.ModelBriefs) != 2 {
		t.Errorf("the programme's models %q, briefs %d; want kotikuntoutus and chat", one.Models, len(one.ModelBriefs))
	}
	_, body = get(t, srv, "/api/v1/models/kotikuntoutus")
	var m struct {
		Programme       map[string]string
		DevelopmentPath []practice.Section `json:"development_path"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if m.Programme["id"] != "tulevaisuuden-sote-keskus" || len(m.DevelopmentPath) != 2 {
		t.Errorf("model document: programme %v, %d path sections", m.Programme, len(m.DevelopmentPath))
	}
}
