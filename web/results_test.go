package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/practice"
)

// manyModels are n models of kotihoito, one a year back from 2024 (modified) and created a
// year before that.
func manyModels(n int) []practice.Model {
	var out []practice.Model
	for i := range n {
		out = append(out, practice.Model{ID: fmt.Sprintf("kotihoito-%02d", i), URL: fmt.Sprintf("https://innokyla.fi/fi/toimintamalli/kotihoito-%02d", i),
			Title: fmt.Sprintf("Kotihoidon malli %d", i), Summary: "Kotihoito kotona.", Phase: "Valmis", Topics: []string{"Kotihoito"},
			Modified: practice.NewDate(2024-i%10, 1, 1), Created: practice.NewDate(2023-i%10, 1, 1)})
	}
	return out
}

func TestResultCardsSayWhoMadeTheModelMarkTheTitleAndLinkTheirTopics(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	doc := fetchPage(t, srv, srv.URL, "/?q=kotihoito&region=Pirkanmaa")
	card := doc.Find("li.hit").First()
	if got := card.Find(".location").Text(); got != "Toteutuspaikka: Ylöjärven kotihoito" {
		t.Errorf("the card's toteutuspaikka reads %q", got)
	}
	if got, _ := card.Find("h2 a").Html(); got != "Ikääntyneiden <mark>kotihoito</mark>; &#34;yöpartio&#34; ja öljy" {
		t.Errorf("the card's title is %q, want kotihoito marked", got)
	}
	if got := card.Find("h2 a").AttrOr("href", ""); got != "/malli/kotihoito-ja-oljy?q=kotihoito" {
		t.Errorf("the title links to %q, want the model page with the query", got)
	}
	var tags []string
	card.Find(".tags a").Each(func(_ int, s *goquery.Selection) { tags = append(tags, s.Text()+" "+s.AttrOr("href", "")) })
	want := []string{"Ikääntyneet /?q=kotihoito&region=Pirkanmaa&topic=Ik%C3%A4%C3%A4ntyneet", "Kotihoito /?q=kotihoito&region=Pirkanmaa&topic=Kotihoito"}
	if strings.Join(tags, "|") != strings.Join(want, "|") {
		t.Errorf("topic links %q, want %q", tags, want)
	}
	doc = fetchPage(t, srv, srv.URL, "/?q=kotihoito&topic=Kotihoito")
	if n := doc.Find("li.hit .tags a").Length(); n != 1 || doc.Find("li.hit .tags li").Length() != 2 {
		t.Errorf("with topic Kotihoito chosen, %d topic links of %d topics, want the other topic only linked", n, doc.Find("li.hit .tags li").Length())
	}
}

func TestThePageSaysWhichHitsOfHowManyItShowsAboveAndBelowTheList(t *testing.T) {
	srv := newServer(t, manyModels(42)...)
	doc := fetchPage(t, srv, srv.URL, "/?q=kotihoito&page=2")
	var got []string
	doc.Find("p.shown").Each(func(_ int, s *goquery.Selection) {
		got = append(got, s.Find("[aria-hidden]").Text()+" | "+s.Find(".visually-hidden").Text())
	})
	want := "21–40 / 42 | Näytetään tulokset 21–40, yhteensä 42"
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("page 2 of 42 says %q, want %q above and below the list", got, want)
	}
	if doc.Find("p.shown + ol#tulokset").Length() != 1 || doc.Find("ol#tulokset + p.shown").Length() != 1 {
		t.Error("the range is not right above and right below the list")
	}
	doc = fetchPage(t, srv, srv.URL, "/?q=kotihoito&page=3")
	if got := doc.Find("p.shown [aria-hidden]").First().Text(); got != "41–42 / 42" {
		t.Errorf("the last page says %q, want 41–42 / 42", got)
	}
}

func TestWithoutWordsTheSortSaysTheOrderIsByUpdate(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	options := func(path string) string {
		var out []string
		fetchPage(t, srv, srv.URL, path).Find("select#sort option").Each(func(_ int, s *goquery.Selection) {
			o := s.AttrOr("value", "") + "=" + s.Text()
			if _, ok := s.Attr("selected"); ok {
				o += "*"
			}
			out = append(out, o)
		})
		return strings.Join(out, ", ")
	}
	for path, want := range map[string]string{
		"/":                        "relevance=Viimeksi päivitetty ensin*, created=Uusin ensin, title=Nimen mukaan A–Ö",
		"/?sort=modified":          "relevance=Viimeksi päivitetty ensin*, created=Uusin ensin, title=Nimen mukaan A–Ö",
		"/?q=kotihoito":            "relevance=Osuvin ensin*, modified=Viimeksi päivitetty ensin, created=Uusin ensin, title=Nimen mukaan A–Ö",
		"/?q=kotihoito&sort=title": "relevance=Osuvin ensin, modified=Viimeksi päivitetty ensin, created=Uusin ensin, title=Nimen mukaan A–Ö*",
	} {
		if got := options(path); got != want {
			t.Errorf("%s: the sort offers %s, want %s", path, got, want)
		}
	}
}

func TestTheModelPageMarksTheWordsOfTheSearchItCameFrom(t *testing.T) {
	m := exportModel
	m.Sections = []practice.Section{{Heading: "Kuvaus", Text: "Aluksi.\n\nYöllä kotihoito käy kotona."}}
	srv := newServer(t, m, plain)
	doc := fetchPage(t, srv, srv.URL, "/malli/kotihoito-ja-oljy?q=kotihoito")
	var marks []string
	doc.Find("article.model mark").Each(func(_ int, s *goquery.Selection) { marks = append(marks, s.Text()) })
	if strings.Join(marks, ",") != "kotihoito,kotihoito" {
		t.Errorf("the model page marks %q, want kotihoito in the title and in the section", marks)
	}
	if got := doc.Find("section.text p").Length(); got != 2 {
		t.Errorf("the section has %d paragraphs, want 2", got)
	}
	for _, path := range []string{"/malli/kotihoito-ja-oljy", "/malli/kotihoito-ja-oljy?q=*a*"} {
		resp, body := get(t, srv, path)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "<mark>") {
			t.Errorf("%s: status %d, marks: %v; want the page unmarked", path, resp.StatusCode, strings.Contains(body, "<mark>"))
		}
	}
}

func TestYearRangesFilterThePageAndShowAsAChip(t *testing.T) {
	srv := newServer(t, manyModels(10)...) // modified 2024 … 2015
	doc := fetchPage(t, srv, srv.URL, "/?year_from=2018&year_to=2020")
	if got := doc.Find("#tulosmaara").AttrOr("data-total", ""); got != "3" {
		t.Errorf("updated 2018–2020 finds %s models, want 3", got)
	}
	if got := doc.Find("input#r-year_from").AttrOr("value", "") + "–" + doc.Find("input#r-year_to").AttrOr("value", ""); got != "2018–2020" {
		t.Errorf("the range fields hold %q, want 2018–2020", got)
	}
	chip := doc.Find(`a.chip[data-facet="year_range"]`)
	if chip.Text() != "Päivitetty vuonna 2018–2020 ✕" || chip.AttrOr("href", "") != "/?" {
		t.Errorf("the range's chip reads %q and links to %q", chip.Text(), chip.AttrOr("href", ""))
	}
	doc = fetchPage(t, srv, srv.URL, "/?created_year_from=2020&lang=en")
	if got := doc.Find("#tulosmaara").AttrOr("data-total", ""); got != "4" {
		t.Errorf("created from 2020 finds %s models, want 4", got)
	}
	// A search with no model in the years lists no year: the form keeps the range all the same.
	doc = fetchPage(t, srv, srv.URL, "/?q=olematon&year_from=2016")
	if got := formParams(doc).Get("year_from"); got != "2016" {
		t.Errorf("a search that finds nothing would resend year_from=%q, want 2016", got)
	}
	for _, path := range []string{"/?year_from=2020&year_to=2018", "/?year_from=kaksi", "/api/v1/search?created_year_to=3000"} {
		if resp, _ := get(t, srv, path); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, resp.StatusCode)
		}
	}
}
