package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestAModelPageOffersItsPermalinkAndACitationInThePagesLanguage(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	for _, c := range []struct{ path, permalink, citation string }{
		{"/malli/kotihoito-ja-oljy", "/malli/kotihoito-ja-oljy",
			`Ikääntyneiden kotihoito; "yöpartio" ja öljy. Ylöjärven kotihoito. Innokylä. https://innokyla.fi/fi/toimintamalli/kotihoito-ja-oljy. Päivitetty 31.1.2024.`},
		{"/malli/kotihoito-ja-oljy?lang=sv", "/malli/kotihoito-ja-oljy?lang=sv",
			`Ikääntyneiden kotihoito; "yöpartio" ja öljy. Ylöjärven kotihoito. Innokylä. https://innokyla.fi/fi/toimintamalli/kotihoito-ja-oljy. Uppdaterad 31.1.2024.`},
		{"/malli/kotihoito-ja-oljy?lang=en", "/malli/kotihoito-ja-oljy?lang=en",
			`Ikääntyneiden kotihoito; "yöpartio" ja öljy. Ylöjärven kotihoito. Innokylä. https://innokyla.fi/fi/toimintamalli/kotihoito-ja-oljy. Updated 31 January 2024.`},
		{"/malli/tavallinen", "/malli/tavallinen",
			`Nuorten päihdetyö. Innokylä. https://esimerkki.fi/fi/toimintamalli/tavallinen. Päivitetty 6.6.2023.`},
	} {
		_, body := get(t, srv, c.path)
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if href, _ := doc.Find("#pysyva-linkki").Attr("href"); href != srv.URL+c.permalink {
			t.Errorf("%s: the permanent link is %q, want %q", c.path, href, srv.URL+c.permalink)
		}
		if got := doc.Find("#viittaus").Text(); got != c.citation {
			t.Errorf("%s: the citation reads\n%q, want\n%q", c.path, got, c.citation)
		}
		if doc.Find("#kopioitu[role=status]").Length() != 1 {
			t.Errorf("%s: no status line to say the link was copied", c.path)
		}
	}
}

func TestPrintedPagesSayTheSearchAndTheSource(t *testing.T) {
	srv := newServer(t, exportModel, plain)
	_, body := get(t, srv, "/?q=kotihoito&region=Pirkanmaa&phase=Valmis")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	var got []string
	doc.Find(".printsummary dd").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	want := []string{"kotihoito", "Maakunta: Pirkanmaa; Kehittämisen vaihe: Valmis", srv.URL + "/?q=kotihoito&region=Pirkanmaa&phase=Valmis"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the printed search says %q, want %q", got, want)
	}
	_, body = get(t, srv, "/malli/kotihoito-ja-oljy")
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if got := doc.Find(".source .print-only").Text(); strings.TrimSpace(got) != exportModel.URL {
		t.Errorf("the printed model page gives its source as %q, want %q", got, exportModel.URL)
	}
}
