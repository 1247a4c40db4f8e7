package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mallihaku/mallihaku/practice"
)

// Two national models beside the Pirkanmaa and Uusimaa ones.
var (
	nationalChat = practice.Model{ID: "chat", URL: "https://esimerkki.fi/fi/toimintamalli/chat", Lang: "fi", Title: "Päihdetyön valtakunnallinen chat",
		Summary: "Chat koko maalle.", Region: []string{practice.National}, Phase: "Valmis", Modified: practice.NewDate(2024, 1, 10)}
	nationalGuide = practice.Model{ID: "opas", URL: "https://esimerkki.fi/fi/toimintamalli/opas", Lang: "fi", Title: "Kotikuntoutuksen opas",
		Summary: "Opas koko maalle.", Region: []string{practice.National}, Phase: "Kehitteillä", Modified: practice.NewDate(2023, 3, 1)}
)

func TestAnAreaShowsNationalModelsOnThePageUnlessTheBoxIsUnticked(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo, nationalChat, nationalGuide)
	doc := fetchPage(t, srv, srv.URL, "/?region=Pirkanmaa")
	box := doc.Find(`fieldset[data-facet="region"] #valtakunnalliset`)
	if box.Length() != 1 || box.AttrOr("checked", "no") == "no" {
		t.Fatalf("Pirkanmaa chosen: no ticked national box under the area facet: %q", doc.Find(`fieldset[data-facet="region"]`).Text())
	}
	if label := doc.Find(`label[for="valtakunnalliset"]`).Text(); label != "Näytä myös valtakunnalliset mallit (2)" {
		t.Errorf("the box reads %q", label)
	}
	if n := doc.Find(".hit").Length(); n != 4 {
		t.Errorf("Pirkanmaa with national models lists %d models, want 4 (tampere, nokia, chat, opas)", n)
	}
	region := doc.Find(`fieldset[data-facet="region"]`)
	if c := region.Find(`input[value="` + practice.National + `"]`).Parent().Find(".count").Text(); c != "2" {
		t.Errorf("the area facet counts %q national models, want 2", c)
	}
	// Unticked, the form sends national=exclude only.
	doc = fetchPage(t, srv, srv.URL, "/?region=Pirkanmaa&national=exclude")
	if n := doc.Find(".hit").Length(); n != 2 || doc.Find("#valtakunnalliset[checked]").Length() != 0 {
		t.Errorf("national=exclude lists %d models (box ticked: %v), want 2 and unticked", n, doc.Find("#valtakunnalliset[checked]").Length() == 1)
	}
	if fetchPage(t, srv, srv.URL, "/").Find("#valtakunnalliset").Length() != 0 {
		t.Errorf("without an area the national box is shown")
	}
	// The page's feed lists what the page does.
	_, feed := get(t, srv, "/feed.atom?region=Pirkanmaa")
	if n := strings.Count(feed, "<entry"); n != 4 {
		t.Errorf("the feed of /?region=Pirkanmaa has %d entries, want 4", n)
	}
}

func TestTheAPIKeepsNationalModelsOutOfAnAreaUnlessAsked(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo, nationalChat, nationalGuide)
	for q, want := range map[string]int{"region=Pirkanmaa": 2, "region=Pirkanmaa&national=exclude": 2, "region=Pirkanmaa&national=include": 4,
		"municipality=Porvoo&national=include": 3, "phase=Valmis&national=include": 3} {
		_, body := get(t, srv, "/api/v1/search?"+q)
		var r struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Total != want {
			t.Errorf("%s: total %d (%v), want %d", q, r.Total, err, want)
		}
	}
	if resp, _ := get(t, srv, "/api/v1/search?region=Pirkanmaa&national=maybe"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("national=maybe: %d, want 400", resp.StatusCode)
	}
}

func TestAnEmptyPageSaysWhatDroppingEachFilterWouldGiveBestFirst(t *testing.T) {
	srv := newServer(t, tampere, nokia, porvoo)
	// Uusimaa's one model (porvoo) is Valmis, not Kehitteillä; two models are Kehitteillä or
	// Valmis in Pirkanmaa.
	doc := fetchPage(t, srv, srv.URL, "/?region=Uusimaa&phase=Kehitteill%C3%A4&lang=sv")
	var got []string
	doc.Find("#ei-tuloksia #poista-rajaus li").Each(func(_ int, li *goquery.Selection) {
		got = append(got, strings.Join(strings.Fields(li.Text()), " "))
	})
	want := []string{"Nyland ✕ → 1 verksamhetsmodell", "Under utveckling ✕ → 1 verksamhetsmodell"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the empty page offers %q, want %q", got, want)
	}
	doc = fetchPage(t, srv, srv.URL, "/?q=päihde&region=Uusimaa&phase=Valmis")
	got = nil
	doc.Find("#poista-rajaus li").Each(func(_ int, li *goquery.Selection) {
		got = append(got, strings.Join(strings.Fields(li.Text()), " "))
	})
	want = []string{"Uusimaa ✕ → 1 toimintamalli", "Valmis ✕ → 0 toimintamallia"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("päihde in Uusimaa, Valmis: the empty page offers %q, want %q (best first)", got, want)
	}
}
