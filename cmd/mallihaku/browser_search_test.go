package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// apiQuery is the API's query for what the search page shows for want: the page lists
// national models beside a chosen area unless told national=exclude; the API only when told
// national=include.
func apiQuery(want url.Values) string {
	q := url.Values{}
	for k, vs := range want {
		q[k] = vs
	}
	if (q.Has("region") || q.Has("wellbeing_county") || q.Has("municipality")) && !q.Has("national") {
		q.Set("national", "include")
	}
	return q.Encode()
}

// The sample has 6 models in Pirkanmaa and 5 national ones.
func (s *browserSuite) testNationalOption(t *testing.T) {
	b := s.newTab(t)
	b.open("/?region=Pirkanmaa")
	b.until("Pirkanmaa and the national models are listed", s.listing(t, url.Values{"region": {"Pirkanmaa"}}, isChecked("national", "include", true)))
	label := eval[string](b, `document.querySelector('label[for=valtakunnalliset]').textContent`)
	if label != "Näytä myös valtakunnalliset mallit (5)" {
		t.Errorf("the national box under the area facet reads %q", label)
	}
	if n := s.search(t, apiQuery(url.Values{"region": {"Pirkanmaa"}})).Total; n != 11 {
		t.Errorf("Pirkanmaa with national models: %d, want 11", n)
	}
	b.markDocument()
	b.do("unticking the national box", chromedp.Click(chromedp.CSS(`label[for=valtakunnalliset]`)))
	st := b.until("only Pirkanmaa's models are listed", s.listing(t, url.Values{"region": {"Pirkanmaa"}, "national": {"exclude"}}, isChecked("national", "include", false)))
	b.sameDocument(st, "unticking the national box")
	if n := s.search(t, "region=Pirkanmaa").Total; n != 6 || len(st.Hits) != 6 {
		t.Errorf("Pirkanmaa without national models: the API finds %d, the page lists %d; want 6", n, len(st.Hits))
	}
}

// Lappi's one model is Kehitteillä: Lappi and Valmis, national models left out, find nothing;
// without Lappi the 21 Valmis models, without Valmis Lappi's one.
func (s *browserSuite) testEmptyPageCounts(t *testing.T) {
	b := s.newTab(t)
	b.open("/?region=Lappi&phase=Valmis&national=exclude")
	b.until("nothing is found", func(st pageState) string {
		if st.Total != "0" {
			return "data-total=" + st.Total
		}
		return ""
	})
	got := eval[[]string](b, `[...document.querySelectorAll('#ei-tuloksia #poista-rajaus li')].map(li => li.textContent.replace(/\s+/g, ' ').trim())`)
	want := []string{"Lappi ✕ → 21 toimintamallia", "Valmis ✕ → 1 toimintamalli"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("the empty page offers %q, want %q, best first", got, want)
	}
	b.do("dropping Lappi", chromedp.Click(chromedp.CSS(`#ei-tuloksia `+chipSelector("region", "Lappi"))))
	b.until("the 21 Valmis models are listed", s.listing(t, url.Values{"phase": {"Valmis"}, "national": {"exclude"}}))
}

func (s *browserSuite) testErrorPageInSwedish(t *testing.T) {
	b := s.newTab(t)
	b.open("/?q=p%C3%A4*&region=Pirkanmaa&lang=sv")
	for what, js := range map[string]string{
		`<html lang="sv">`:                 `document.documentElement.lang === 'sv'`,
		`the search box holding pä*`:       `document.querySelector('input#q').value === 'pä*'`,
		`the error in Swedish with a hint`: `/minst 3 bokstäver före asterisken \(pä\*\)/.test(document.querySelector('#hakuvirhe[role=alert]').textContent)`,
		`the box marked invalid`:           `document.querySelector('input#q').getAttribute('aria-invalid') === 'true'`,
	} {
		if !eval[bool](b, js) {
			t.Errorf("the page of pä* in Swedish lacks %s: %q", what, eval[string](b, `document.querySelector('main').innerText`))
		}
	}
	eval[chromedp.Void](b, `(q => { q.focus(); q.setSelectionRange(2, 2); })(document.querySelector('input#q'))`)
	b.do("writing the word out and searching", chromedp.KeyEvent("ihde"), chromedp.Click(chromedp.CSS("button#hae")))
	b.until("the corrected search lists its models, Pirkanmaa kept", s.listing(t, url.Values{"q": {"päihde*"}, "region": {"Pirkanmaa"}}))
}

func (s *browserSuite) testOr(t *testing.T) {
	b := s.newTab(t)
	b.open("/")
	const query = "päihde OR kotikuntoutus"
	mouse{b}.typeQuery(query)
	st := b.until("the page lists what the API finds for "+query, s.listing(t, url.Values{"q": {query}}))
	either := s.search(t, url.Values{"q": {query}}.Encode()).Total
	one, other := s.search(t, "q=p%C3%A4ihde").Total, s.search(t, "q=kotikuntoutus").Total
	if either <= max(one, other) || either > one+other || len(st.Hits) == 0 {
		t.Errorf("%s finds %d models; päihde alone %d, kotikuntoutus alone %d: want more than either, at most both", query, either, one, other)
	}
}
