package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/practice"
)

// Models placed in the region hierarchy: two in Pirkanmaa's county, one in Itä-Uusimaa.
var (
	tampere = practice.Model{ID: "tampere", URL: "https://esimerkki.fi/fi/toimintamalli/tampere", Lang: "fi",
		Title: "Nuorten päihdetyön jalkautuva tiimi", Summary: "Päihdetyötä nuorten omissa paikoissa.",
		Region: []string{"Pirkanmaa"}, WellbeingCounty: []string{"Pirkanmaan hyvinvointialue"}, Municipality: []string{"Tampere"},
		Phase: "Valmis", Topics: []string{"Päihteet ja riippuvuudet", "Nuoret"}, Funders: []string{"Sosiaali- ja terveysministeriö (STM)"},
		Authors: []string{"Maija Meikäläinen"}, Created: practice.NewDate(2021, 11, 9), Modified: practice.NewDate(2023, 2, 15),
		Sections: []practice.Section{{Heading: "Ratkaisun perusidea", Text: "Ensimmäinen kappale.\n\nToinen kappale."},
			{Heading: "Toteutus", Text: "Näin se tehdään."}, {Heading: "Tulokset", Text: "Näin kävi."}},
		Links: []practice.Link{{Title: "Esite", URL: "https://esimerkki.fi/esite.pdf"}}}
	nokia = practice.Model{ID: "nokia", URL: "https://esimerkki.fi/fi/toimintamalli/nokia", Lang: "fi",
		Title: "Päihdeperheiden lasten vertaisryhmä", Summary: "Vertaisryhmä lapsille.",
		Region: []string{"Pirkanmaa"}, WellbeingCounty: []string{"Pirkanmaan hyvinvointialue"}, Municipality: []string{"Nokia"},
		Phase: "Kehitteillä", Topics: []string{"Päihteet ja riippuvuudet"}, Modified: practice.NewDate(2024, 5, 2)}
	porvoo = practice.Model{ID: "porvoo", URL: "https://esimerkki.fi/fi/toimintamalli/porvoo", Lang: "fi",
		Title: "Ikäihmisten kotikuntoutus", Summary: "Kuntoutusta kotiin.",
		Region: []string{"Uusimaa"}, WellbeingCounty: []string{"Itä-Uudenmaan hyvinvointialue"}, Municipality: []string{"Porvoo"},
		Phase: "Valmis", Topics: []string{"Ikääntyneet"}, Modified: practice.NewDate(2022, 8, 30)}
)

func fetchPage(t *testing.T, srv interface{ Client() *http.Client }, base, path string, header ...string) *goquery.Document {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestRegionFacetNestsCountiesAndMunicipalitiesUnderTheChosenRegion(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	region := func(path string) *goquery.Selection {
		return fetchPage(t, srv, srv.URL, path).Find(`fieldset[data-facet="region"]`)
	}
	if r := region("/"); r.Find(`input[name="region"]`).Length() != 2 || r.Find(`input[name="wellbeing_county"]`).Length() != 0 {
		t.Errorf("before a choice the area list shows the maakunnat only: %q", r.Text())
	}
	r := region("/?region=Pirkanmaa")
	county := r.Find(`input[name="region"][value="Pirkanmaa"]`).Parent().Find(`ul input[name="wellbeing_county"]`)
	if county.Length() != 1 || county.AttrOr("value", "") != "Pirkanmaan hyvinvointialue" {
		t.Errorf("Pirkanmaa chosen: its county is not listed beneath it: %q", r.Text())
	}
	if r.Find(`input[value="Itä-Uudenmaan hyvinvointialue"]`).Length() != 0 {
		t.Errorf("Pirkanmaa chosen: another region's county is listed: %q", r.Text())
	}
	r = region("/?region=Pirkanmaa&wellbeing_county=Pirkanmaan+hyvinvointialue")
	var municipalities []string
	r.Find(`input[name="wellbeing_county"]`).Parent().Find(`ul input[name="municipality"]`).Each(func(_ int, s *goquery.Selection) {
		municipalities = append(municipalities, s.AttrOr("value", ""))
	})
	slices.Sort(municipalities)
	if !slices.Equal(municipalities, []string{"Nokia", "Tampere"}) {
		t.Errorf("county chosen: municipalities beneath it are %v, want Nokia and Tampere", municipalities)
	}
}

// formParams is what submitting the page's search form sends.
func formParams(doc *goquery.Document) url.Values {
	got := url.Values{}
	doc.Find("#haku input, #haku select").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		switch {
		case name == "":
		case s.Is("select"):
			got.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case s.AttrOr("type", "") == "checkbox":
			if _, on := s.Attr("checked"); on {
				got.Add(name, s.AttrOr("value", ""))
			}
		default:
			got.Add(name, s.AttrOr("value", ""))
		}
	})
	return got
}

func TestSearchFormResubmitsEveryChoiceOfTheURL(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	for _, path := range []string{
		"/?q=päihde&region=Pirkanmaa&wellbeing_county=Pirkanmaan+hyvinvointialue&municipality=Tampere&sort=modified",
		"/?municipality=Porvoo&phase=Valmis&lang=sv&size=5",
		"/?topic=Nuoret&lang=en",
	} {
		want, _ := url.ParseQuery(strings.SplitN(path, "?", 2)[1])
		if want.Get("sort") == "" {
			want.Set("sort", "relevance")
		}
		if !want.Has("q") {
			want.Set("q", "")
		}
		if want.Has("region") || want.Has("municipality") {
			want["national"] = []string{"exclude", "include"} // the area's national box, ticked
		}
		got := formParams(fetchPage(t, srv, srv.URL, path))
		for _, names := range yearParams { // empty year range fields leave the range open
			for _, name := range names {
				if got.Get(name) == "" {
					got.Del(name)
				}
			}
		}
		for k := range got {
			slices.Sort(got[k])
			slices.Sort(want[k])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: the form would send %v", path, got)
		}
	}
}

func TestSearchPageSpeaksFinnishSwedishOrEnglish(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	for _, c := range []struct {
		path, acceptLanguage, lang, label, count string
	}{
		{"/", "", "fi", "Hae toimintamalleja", "3 toimintamallia"},
		{"/?lang=sv", "", "sv", "Sök verksamhetsmodeller", "3 verksamhetsmodeller"},
		{"/?lang=en", "sv-FI", "en", "Search practice models", "3 practice models"},
		{"/", "sv-FI,sv;q=0.9,en;q=0.5", "sv", "Sök verksamhetsmodeller", "3 verksamhetsmodeller"},
		{"/", "en-GB,en;q=0.8", "en", "Search practice models", "3 practice models"},
		{"/", "de-DE,de;q=0.9", "fi", "Hae toimintamalleja", "3 toimintamallia"},
		{"/?lang=xx", "", "fi", "Hae toimintamalleja", "3 toimintamallia"},
	} {
		doc := fetchPage(t, srv, srv.URL, c.path, "Accept-Language", c.acceptLanguage)
		lang, _ := doc.Find("html").Attr("lang")
		if lang != c.lang || doc.Find("label[for=q]").Text() != c.label || !strings.Contains(doc.Find("#tulosmaara").Text(), c.count) {
			t.Errorf("%s, Accept-Language %q: html lang %q, label %q, count %q; want %s, %q, %q", c.path, c.acceptLanguage,
				lang, doc.Find("label[for=q]").Text(), doc.Find("#tulosmaara").Text(), c.lang, c.label, c.count)
		}
		if c.lang != "fi" && doc.Find(`.hit h2[lang="fi"]`).Length() != 3 {
			t.Errorf("%s: the Finnish titles are not marked lang=fi on a %s page", c.path, c.lang)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	req.Header.Set("Accept-Language", "sv")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") || resp.Header.Get("Content-Language") != "sv" {
		t.Errorf("a page chosen by Accept-Language says Vary %q, Content-Language %q", resp.Header.Get("Vary"), resp.Header.Get("Content-Language"))
	}
	doc := fetchPage(t, srv, srv.URL, "/?lang=sv&region=Pirkanmaa")
	if href := doc.Find(`#kielet a[lang="en"]`).AttrOr("href", ""); !strings.Contains(href, "lang=en") || !strings.Contains(href, "region=Pirkanmaa") {
		t.Errorf("the English link leaves the search: %q", href)
	}
	if href := doc.Find(".hit h2 a").First().AttrOr("href", ""); !strings.HasSuffix(href, "?lang=sv") {
		t.Errorf("a model's link forgets the chosen language: %q", href)
	}
}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	for lang, msgs := range catalog {
		for key := range catalog["fi"] {
			if _, ok := msgs[key]; !ok {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		for key := range msgs {
			if _, ok := catalog["fi"][key]; !ok {
				t.Errorf("%s has %q, which Finnish does not", lang, key)
			}
		}
	}
}

func TestNumbersAndDatesAreWrittenTheFinnishWay(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{tr("fi", "count_many", 12345), "12\u00a0345 toimintamallia"},
		{tr("en", "count_many", 1234), "1\u00a0234 practice models"},
		{tr("sv", "took", 0.0123), "sökningen tog 0,01 s"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/?q=jalkautuva")
	if got := doc.Find(".hit time").Text(); got != "15.2.2023" || doc.Find(".hit time").AttrOr("datetime", "") != "2023-02-15" {
		t.Errorf("a hit's modified date reads %q", got)
	}
}

func TestEmptyResultOffersWaysOut(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/?q=jalkautuva&region=Uusimaa")
	empty := doc.Find("#ei-tuloksia")
	if empty.Length() != 1 || doc.Find("#tulokset").Length() != 0 {
		t.Fatalf("no empty-state block: %q", doc.Find("#tulosalue").Text())
	}
	remove := empty.Find("a.chip")
	if remove.Length() != 1 || strings.Contains(remove.AttrOr("href", ""), "region=") || !strings.Contains(remove.AttrOr("href", ""), "q=jalkautuva") {
		t.Errorf("the empty page does not offer to drop the region and keep the words: %q", remove.AttrOr("href", ""))
	}
	if !strings.Contains(empty.Text(), "päihde*") || empty.Find(`a[href="/?"]`).Length() != 1 {
		t.Errorf("the empty page gives no tips or way to browse everything: %q", empty.Text())
	}
}

func TestAFacetCutShortOffersAllItsValues(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	topic := fetchPage(t, srv, srv.URL, "/?facet_size=2").Find(`fieldset[data-facet="topic"]`)
	if n := topic.Find("input").Length(); n != 2 {
		t.Errorf("facet_size=2 lists %d topics", n)
	}
	if href := topic.Find("p.all a").AttrOr("href", ""); href != "/?facet_size=100" {
		t.Errorf("a cut-short topic list links %q for all its values", href)
	}
	if n := fetchPage(t, srv, srv.URL, "/").Find("p.all").Length(); n != 0 {
		t.Errorf("with every value listed, %d facets still offer all values", n)
	}
}

func TestPagerShowsTheFirstTheLastAndThePagesAround(t *testing.T) {
	var got []string
	for _, p := range pager("fi", url.Values{"q": {"nuoret"}}, 6, 12) {
		switch {
		case p.Skip:
			got = append(got, "…")
		case p.Current:
			got = append(got, fmt.Sprintf("[%d]", p.Number))
		default:
			got = append(got, fmt.Sprint(p.Number))
		}
	}
	if want := "1 … 4 5 [6] 7 8 … 12"; strings.Join(got, " ") != want {
		t.Errorf("pager %s, want %s", strings.Join(got, " "), want)
	}
}

func TestPagerNeverOffersAPageBeyondTheDeepestASearchMayGo(t *testing.T) {
	for _, c := range []struct {
		total      uint64
		size, want int
	}{{0, 20, 1}, {20, 20, 1}, {21, 20, 2}, {100_000, 20, 500}, {100_000, 100, 100}} {
		if got := pageCount(c.total, c.size); got != c.want {
			t.Errorf("%d hits of %d a page: %d pages, want %d", c.total, c.size, got, c.want)
		}
	}
}

func TestPageWithoutResultsWeighsUnder100kBAndLoadsNothingFromElsewhere(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	resp, body := get(t, srv, "/?q=olematon")
	if resp.StatusCode != http.StatusOK {
		t.Fatal(resp.Status)
	}
	total := len(body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	assets := 0
	doc.Find("link[rel=stylesheet], script[src], img[src]").Each(func(_ int, s *goquery.Selection) {
		ref := s.AttrOr("href", s.AttrOr("src", ""))
		if !strings.HasPrefix(ref, "/static/") {
			t.Errorf("asset from elsewhere: %q", ref)
			return
		}
		r, err := srv.Client().Get(srv.URL + ref)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %s, Cache-Control %q", ref, r.Status, r.Header.Get("Cache-Control"))
		}
		total += len(b)
		assets++
	})
	if assets < 2 || total >= 100_000 {
		t.Errorf("page and its %d assets weigh %d bytes, want under 100 kB with the stylesheet and the script", assets, total)
	}
	t.Logf("page weight without results: %d bytes", total)
}

func TestModelPageLaysOutEveryField(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/malli/tampere")
	if doc.Find("article.model h1").Text() != tampere.Title || doc.Find(".lead").Text() != tampere.Summary {
		t.Errorf("title and summary: %q, %q", doc.Find("h1").Text(), doc.Find(".lead").Text())
	}
	facts := map[string]string{}
	doc.Find(".facts dl > div").Each(func(_ int, s *goquery.Selection) {
		value := s.Find("dd").Text()
		if links := s.Find("dd a"); links.Length() > 0 {
			value = strings.Join(links.Map(func(_ int, a *goquery.Selection) string { return a.Text() }), " ")
		}
		facts[s.Find("dt").Text()] = value
	})
	for label, want := range map[string]string{
		"Alue": "Pirkanmaa Pirkanmaan hyvinvointialue Tampere", "Kehittämisen vaihe": "Valmis",
		"Aihealueet": "Päihteet ja riippuvuudet Nuoret", "Rahoittajat": "Sosiaali- ja terveysministeriö (STM)",
		"Tekijät": "Maija Meikäläinen", "Luotu": "9.11.2021", "Viimeksi muokattu": "15.2.2023",
	} {
		if facts[label] != want {
			t.Errorf("%s reads %q, want %q", label, facts[label], want)
		}
	}
	if doc.Find(`.areas a[href="/?region=Pirkanmaa"] + ul a[href*="wellbeing_county="] + ul a[href="/?municipality=Tampere"]`).Length() != 1 {
		t.Errorf("the area is not shown as maakunta › county › municipality: %q", facts["Alue"])
	}
	var headings []string
	doc.Find("section.text h2").Each(func(_ int, s *goquery.Selection) { headings = append(headings, s.Text()) })
	if strings.Join(headings, "|") != "Ratkaisun perusidea|Toteutus|Tulokset" || doc.Find("#osio-0 p").Length() != 2 {
		t.Errorf("sections: %v, first has %d paragraphs", headings, doc.Find("#osio-0 p").Length())
	}
	if doc.Find(`.toc a[href="#osio-2"]`).Length() != 1 {
		t.Error("no table of contents for three sections")
	}
	if doc.Find(`a.original[href="`+tampere.URL+`"]`).Length() != 1 || doc.Find(`.links a[href="https://esimerkki.fi/esite.pdf"]`).Length() != 1 {
		t.Error("no link to the original page or to the attachment")
	}
	if doc.Find(`section.related a[href="/malli/nokia"]`).Length() != 1 {
		t.Errorf("related models: %q", doc.Find("section.related").Text())
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/malli/tampere", nil)
	req.Header.Set("Referer", srv.URL+"/?q=p%C3%A4ihde&region=Pirkanmaa")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if href := back.Find(".back a").AttrOr("href", ""); href != "/?q=p%C3%A4ihde&region=Pirkanmaa" {
		t.Errorf("back to search leads to %q, not to the search the reader came from", href)
	}
}

func TestSearchPageLinksTheFeedOfTheSameSearch(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/?q=p%C3%A4ihdety%C3%B6&region=Pirkanmaa&page=1&sort=title")
	alt := doc.Find(`head link[rel=alternate][type="application/atom+xml"]`).AttrOr("href", "")
	visible := doc.Find("a.feed")
	if alt != "/feed.atom?q=p%C3%A4ihdety%C3%B6&region=Pirkanmaa" || visible.AttrOr("href", "") != alt {
		t.Errorf("feed links: head %q, visible %q", alt, visible.AttrOr("href", ""))
	}
	if visible.Text() != "Tilaa hakuvahti (RSS)" {
		t.Errorf("the feed link reads %q", visible.Text())
	}
	resp, _ := get(t, srv, alt)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("the linked feed answers %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
}

func TestMisspelledSearchShowsTheResultsOfTheCorrection(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/?q=jalkautva")
	line := strings.Join(strings.Fields(doc.Find("p.did-you-mean").Text()), " ")
	if line != "Haulla ”jalkautva” ei löytynyt mitään. Näytetään tulokset haulle jalkautuva." {
		t.Errorf("the suggestion line reads %q", line)
	}
	if doc.Find("#q").AttrOr("value", "") != "jalkautva" || doc.Find(".hit h2 a").First().Text() != tampere.Title {
		t.Errorf("query box %q, first hit %q", doc.Find("#q").AttrOr("value", ""), doc.Find(".hit h2 a").First().Text())
	}
	// With a filter that leaves nothing, the correction is offered as a link instead.
	doc = fetchPage(t, srv, srv.URL, "/?q=jalkautva&region=Uusimaa")
	link := doc.Find("p.did-you-mean a")
	if link.Text() != "jalkautuva" || !strings.Contains(link.AttrOr("href", ""), "q=jalkautuva&region=Uusimaa") {
		t.Errorf("did-you-mean link %q → %q", link.Text(), link.AttrOr("href", ""))
	}
}

func TestCompoundFoundOnlyApartIsSaidSoOnThePageAndInTheAPI(t *testing.T) {
	apart := practice.Model{ID: "apart", URL: "https://esimerkki.fi/fi/toimintamalli/apart", Lang: "fi", Title: "Hoito omassa kodissa", Summary: "Hoitaja käy kotona."}
	srv := newServer(t, apart, tampere)
	doc := fetchPage(t, srv, srv.URL, "/?q=kotihoito")
	line := strings.Join(strings.Fields(doc.Find("p.relaxed").Text()), " ")
	if line != "Haun ”kotihoito” yhdyssanoja ei löytynyt sellaisinaan. Näytetään mallit, joissa niiden osat ovat erikseen." {
		t.Errorf("the relaxed line reads %q", line)
	}
	if doc.Find(".hit h2 a").First().Text() != apart.Title {
		t.Errorf("first hit %q, want %q", doc.Find(".hit h2 a").First().Text(), apart.Title)
	}
	var res struct {
		Total   int  `json:"total"`
		Relaxed bool `json:"relaxed"`
	}
	_, body := get(t, srv, "/api/v1/search?q=kotihoito")
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || !res.Relaxed {
		t.Errorf("API for kotihoito: %d models, relaxed %v; want 1, relaxed", res.Total, res.Relaxed)
	}
	_, body = get(t, srv, "/api/v1/search?q=hoito")
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.Relaxed {
		t.Errorf("API for hoito: relaxed, want not")
	}
	if doc := fetchPage(t, srv, srv.URL, "/?q=hoito"); doc.Find("p.relaxed").Length() != 0 {
		t.Errorf("a search found as it stands shows the relaxed line %q", doc.Find("p.relaxed").Text())
	}
}

func TestSwedishPagesNamePlacesInSwedishAndFilterByTheFinnishName(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	doc := fetchPage(t, srv, srv.URL, "/?lang=sv&region=Pirkanmaa&wellbeing_county=Pirkanmaan+hyvinvointialue")
	box := doc.Find(`input[name="region"][value="Pirkanmaa"]`)
	if label := doc.Find(`label[for="` + box.AttrOr("id", "") + `"] .v`).Text(); label != "Birkaland" {
		t.Errorf("the Pirkanmaa checkbox reads %q on a Swedish page", label)
	}
	if got := doc.Find(`a.chip[data-facet="wellbeing_county"]`).Text(); !strings.HasPrefix(got, "Birkalands välfärdsområde") {
		t.Errorf("the county chip reads %q", got)
	}
	if got := doc.Find(".hit .where").First().Text(); got != "Birkaland" {
		t.Errorf("a hit's area reads %q", got)
	}
	phase := doc.Find(`input[name="phase"][value="Valmis"]`)
	if label := doc.Find(`label[for="` + phase.AttrOr("id", "") + `"] .v`).Text(); label != "Färdig" {
		t.Errorf("the phase Valmis reads %q on a Swedish page", label)
	}
	model := fetchPage(t, srv, srv.URL, "/malli/tampere?lang=sv")
	if got := strings.Join(model.Find(".areas a").Map(func(_ int, a *goquery.Selection) string { return a.Text() }), " › "); got != "Birkaland › Birkalands välfärdsområde › Tammerfors" {
		t.Errorf("the model's area reads %q", got)
	}
	if href := model.Find(`.areas a`).Last().AttrOr("href", ""); href != "/?lang=sv&municipality=Tampere" {
		t.Errorf("the Tammerfors link filters by %q, want the Finnish name", href)
	}
}

func TestEveryChipSaysWhatItShowsToScreenReaders(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	for _, path := range []string{"/?region=Pirkanmaa&year=2023&phase=Valmis", "/?lang=sv&region=Pirkanmaa&created_year=2021&phase=Valmis"} {
		chips := fetchPage(t, srv, srv.URL, path).Find("a.chip")
		if chips.Length() != 3 {
			t.Fatalf("%s: %d chips", path, chips.Length())
		}
		chips.Each(func(_ int, c *goquery.Selection) {
			shown := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c.Text()), "✕"))
			if name := c.AttrOr("aria-label", ""); !strings.Contains(name, shown) {
				t.Errorf("%s: a chip shows %q but is named %q", path, shown, name)
			}
		})
	}
}
