package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/practice"
)

var update = flag.Bool("update", false, "rewrite golden files")

const modelURL = "https://innokyla.fi/fi/toimintamalli/"

func sectionHeadings(m practice.Model) []string {
	var hs []string
	for _, s := range m.Sections {
		hs = append(hs, s.Heading)
	}
	return hs
}

func linkTitles(m practice.Model) []string {
	var ts []string
	for _, l := range m.Links {
		ts = append(ts, l.Title)
	}
	return ts
}

func TestExtractTextReadsTheSeedPages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no seed pages in ../../shared/seeds")
		}
		t.Skip("no seed pages in ../../shared/seeds")
	}
	checks := map[string]func(t *testing.T, m practice.Model, r Report){
		"000": func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "title", m.Title, "Tukenasi - Pirkanmaan nuorten mielenterveys- ja päihdepalveluiden ammattilaisverkosto")
			if !strings.HasPrefix(m.Summary, "Tukenasi - Pirkanmaan nuorten mielenterveys ja") {
				t.Errorf("summary = %.80q…", m.Summary)
			}
			wantText(t, "location", m.Location, "Pirkanmaan tulevaisuuden SOTE-keskushanke, Lapsi ja perhepalveluiden muutoskokonaisuus")
			wantList(t, "region", m.Region, "Pirkanmaa")
			wantList(t, "wellbeing_county", m.WellbeingCounty, "Pirkanmaan hyvinvointialue")
			wantList(t, "funders", m.Funders, "Sosiaali- ja terveysministeriö (STM)")
			wantList(t, "authors", m.Authors, "Anna Trygg")
			wantText(t, "created", m.Created.String(), "2021-11-09")
			wantText(t, "modified", m.Modified.String(), "2021-11-09")
			wantText(t, "phase", m.Phase, "Kehitteillä")
			wantList(t, "sections", sectionHeadings(m), "Ratkaisun perusidea", "Toimintaympäristö", "Kohderyhmä ja asiakasymmärrys", "Toimivuuden ja käyttöönoton ehdot")
			wantList(t, "topics", m.Topics, "Päihteet ja riippuvuudet", "Mielenterveyspalvelut", "Monialaisuus")
			wantList(t, "phenomena", m.Phenomena)
			wantList(t, "target_groups", m.TargetGroups, "Ammattilaiset")
			doc, _ := json.Marshal(m)
			for _, noise := range []string{"Kansikuva", "Perustiedot", "Created with Sketch", "**", "\u00a0"} {
				if bytes.Contains(doc, []byte(noise)) {
					t.Errorf("%q is in the document", noise)
				}
			}
		},
		"001": func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "title", m.Title, "Lastensuojelun monitoimijaisen verkoston päihdepalvelut")
			wantList(t, "regions_raw", m.RegionsRaw, "Keski-Uusimaa", "Kymenlaakso")
			wantList(t, "region", m.Region, "Uusimaa", "Kymenlaakso")
			wantList(t, "wellbeing_county", m.WellbeingCounty, "Keski-Uudenmaan hyvinvointialue", "Kymenlaakson hyvinvointialue")
			wantText(t, "created", m.Created.String(), "2022-06-15")
			wantText(t, "modified", m.Modified.String(), "2023-05-03")
			wantText(t, "phase", m.Phase, "Valmis")
			wantList(t, "authors", m.Authors, "Maija Leskinen")
			// "Kuva" and its alt text: an image, not a link
			if want := []practice.Image{{Alt: "Lastensuojelun monitoimijaisen verkoston päihdepalveluiden posteri"}}; !slices.Equal(m.Images, want) || len(m.Links) != 0 {
				t.Errorf("images = %+v, links = %q; want the poster as the one image and no links", m.Images, linkTitles(m))
			}
			for _, h := range []string{"Arvioinnin tulokset tiivistettynä", "Vinkit toimintamallin soveltajille"} {
				if !slices.Contains(sectionHeadings(m), h) {
					t.Errorf("sections = %q, want %q among them", sectionHeadings(m), h)
				}
			}
			doc, _ := json.Marshal(m)
			if bytes.Contains(doc, []byte(`"logo"`)) {
				t.Errorf("the cover image's alt text is in the document")
			}
		},
	}
	for _, f := range files {
		name := filepath.Base(f)
		// every seed is a model; 000 and 001 are checked field by field
		check := checks[name[:3]]
		delete(checks, name[:3])
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, r, err := Text(modelURL+"seed-"+name[:3], string(text), Innokyla())
			if err != nil {
				t.Fatalf("ExtractText: %v\n%s", err, r)
			}
			if check == nil {
				return
			}
			if len(r.NotUnderstood) > 0 || len(r.UnknownRegions) > 0 {
				t.Errorf("report: %s", r)
			}
			check(t, m, r)
		})
	}
	for prefix := range checks {
		t.Errorf("no seed page %s_*.txt", prefix)
	}
}

func wantText(t *testing.T, field, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

func wantList(t *testing.T, field string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

// modelPage wraps fields in a minimal page. The three core labels are there unless a test leaves
// them out with its own fields.
func modelPage(fields string) []byte {
	return []byte(`<!DOCTYPE html><html lang="fi"><head><title>Testi</title></head><body><main>` + fields + `</main></body></html>`)
}

func drupalField(label string, values ...string) string {
	s := `<div class="field"><div class="field__label">` + label + `</div>`
	if len(values) == 1 {
		return s + `<div class="field__item">` + values[0] + `</div></div>`
	}
	s += `<div class="field__items">`
	for _, v := range values {
		s += `<div class="field__item">` + v + `</div>`
	}
	return s + `</div></div>`
}

var basicFields = drupalField("Toimintamallin nimi", "Kylätalon kerhot") +
	drupalField("Toimintamallin lyhyt kuvaus", "Kerhot kokoavat kylän lapset koulun jälkeen.") +
	drupalField("Paikkakunta, maakunta tai hyvinvointialue", "Pirkanmaa")

func TestExtractHTMLVariants(t *testing.T) {
	cases := []struct {
		name  string
		html  []byte
		url   string
		check func(t *testing.T, m practice.Model, r Report)
	}{{
		name: "drupal field markup with multiple values",
		html: modelPage(basicFields + drupalField("Luotu", "6.6.2023") +
			drupalField("Aihealueet", "Monialaisuus", "Lastensuojelu") +
			drupalField("Toimintamallin rahoittaja", "Sosiaali- ja terveysministeriö (STM)", "Kunta")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "title", m.Title, "Kylätalon kerhot")
			wantText(t, "summary", m.Summary, "Kerhot kokoavat kylän lapset koulun jälkeen.")
			wantText(t, "created", m.Created.String(), "2023-06-06")
			wantList(t, "topics", m.Topics, "Monialaisuus", "Lastensuojelu")
			wantList(t, "funders", m.Funders, "Sosiaali- ja terveysministeriö (STM)", "Kunta")
			wantList(t, "region", m.Region, "Pirkanmaa")
		},
	}, {
		name: "dl markup",
		html: modelPage(`<dl><dt>Toimintamallin nimi</dt><dd>Kylätalon kerhot</dd>
			<dt>Toimintamallin lyhyt kuvaus</dt><dd>Kerhot koulun jälkeen.</dd>
			<dt>Paikkakunta tai maakunta</dt><dd>Tampere</dd><dd>Nokia</dd>
			<dt>Aihealueet</dt><dd>Monialaisuus</dd><dd>Lastensuojelu</dd></dl>`),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "regions_raw", m.RegionsRaw, "Tampere", "Nokia")
			wantList(t, "municipality", m.Municipality, "Tampere", "Nokia")
			wantList(t, "region", m.Region, "Pirkanmaa")
			wantList(t, "topics", m.Topics, "Monialaisuus", "Lastensuojelu")
		},
	}, {
		name: "heading plus content, paragraphs and <br> kept as paragraph breaks",
		html: modelPage(`<h1>Kylätalon kerhot</h1><h2>Toimintamallin lyhyt kuvaus</h2><p>Kerhot koulun jälkeen.</p>
			<h2>Paikkakunta tai maakunta</h2><p>Pirkanmaa</p>
			<h2>Ratkaisun perusidea</h2><p>Ensimmäinen kappale
			jatkuu tässä.</p><p>Toinen kappale.<br>Kolmas kappale.</p>`),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "title (from h1)", m.Title, "Kylätalon kerhot")
			wantList(t, "sections", sectionHeadings(m), "Ratkaisun perusidea")
			if len(m.Sections) == 1 {
				wantText(t, "section text", m.Sections[0].Text, "Ensimmäinen kappale jatkuu tässä.\n\nToinen kappale.\n\nKolmas kappale.")
			}
		},
	}, {
		name: "visually hidden label copies before and inside the visible label",
		html: modelPage(basicFields + `<div class="field"><span class="visually-hidden">Luotu</span><div class="field__label">Luotu</div><div class="field__item">09.11.2021</div></div>` +
			`<div class="field"><div class="field__label"><span class="visually-hidden">Viimeksi muokattu</span> Viimeksi muokattu</div><div class="field__item">10.11.2021</div></div>` +
			`<h2><span class="visually-hidden">Toimintaympäristö</span>Toimintaympäristö</h2><p>Kylä on pieni.</p>`),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "created", m.Created.String(), "2021-11-09")
			wantText(t, "modified", m.Modified.String(), "2021-11-10")
			wantList(t, "sections", sectionHeadings(m), "Toimintaympäristö")
			if n := strings.Count(strings.Join(r.Found, "|"), "Luotu"); n != 1 {
				t.Errorf("found = %q, want Luotu once", r.Found)
			}
		},
	}, {
		name: "Toimintamalli lyhyesti, no-break spaces and a trailing colon",
		html: modelPage(drupalField("Toimintamallin&nbsp;nimi:", "Kylätalon&nbsp;kerhot") +
			drupalField("Toimintamalli lyhyesti", "Kerhot&nbsp;koulun jälkeen.") +
			drupalField("Paikkakunta tai maakunta", "Pirkanmaa")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "title", m.Title, "Kylätalon kerhot")
			wantText(t, "summary", m.Summary, "Kerhot koulun jälkeen.")
			if !slices.Contains(r.Found, "Toimintamalli lyhyesti") {
				t.Errorf("found = %q", r.Found)
			}
		},
	}, {
		name: "icon noise before the phase, as svg and as text",
		html: modelPage(basicFields + drupalField("Kehittämisen vaihe", `<svg><title>icon/bulb</title><desc>Created with Sketch.</desc></svg> Kehitteillä`) +
			drupalField("Aihealueet", "icon/tag Created with Sketch. Monialaisuus")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "phase", m.Phase, "Kehitteillä")
			wantList(t, "topics", m.Topics, "Monialaisuus")
		},
	}, {
		name: "missing optional fields are reported, not errors",
		html: modelPage(basicFields),
		check: func(t *testing.T, m practice.Model, r Report) {
			for _, l := range []string{"Tekijä", "Toimintamallin kokonaisuus", "Liitteet ja linkit", "Toteutuspaikka", "Ratkaisun perusidea", "Luotu"} {
				if !slices.Contains(r.Missing, l) {
					t.Errorf("missing = %q, want %q among them", r.Missing, l)
				}
			}
			if m.Authors == nil || m.Links == nil || m.Sections == nil || !m.Created.IsZero() {
				t.Errorf("absent fields: authors %v links %v sections %v created %v", m.Authors, m.Links, m.Sections, m.Created)
			}
		},
	}, {
		name: "sections in another order, with and without **, and an unlabelled heading among them",
		html: modelPage(basicFields + `<h2>Vinkit toimintamallin soveltajille **</h2><p>Aloita pienesti.</p>` +
			`<h2>Omat huomiot</h2><p>Kerhoja on kolme.</p>` +
			`<h2>Ratkaisun perusidea</h2><p>Kerho joka päivä.</p>` +
			drupalField("Kehittämisen vaihe", "Valmis") + `<h2>Katso myös</h2><p>Muut mallit</p>`),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "sections", sectionHeadings(m), "Vinkit toimintamallin soveltajille", "Omat huomiot", "Ratkaisun perusidea")
			wantText(t, "phase", m.Phase, "Valmis")
		},
	}, {
		name: "a tab header written as a section heading with text keeps its text as a section",
		html: modelPage(basicFields + `<h2>Ratkaisun perusidea</h2><p>Kerho joka päivä.</p>` +
			`<section><h2>Toimintamallin kuvaus</h2><p>Muistisairaus ja kerho.</p></section>` +
			`<h2>Toimintamallin vaiheet</h2><p>Ensin ilmoittaudutaan.</p>` + drupalField("Kehittämisen vaihe", "Valmis")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "sections", sectionHeadings(m), "Ratkaisun perusidea", "Toimintamallin kuvaus", "Toimintamallin vaiheet")
			if len(m.Sections) == 3 {
				wantText(t, "section text", m.Sections[1].Text, "Muistisairaus ja kerho.")
			}
		},
	}, {
		name: "the section Kohderyhmä ja asiakasymmärrys is not the taxonomy Kohderyhmä",
		html: modelPage(basicFields + `<h2>Kohderyhmä ja asiakasymmärrys</h2><p>Nuoret ja heidän perheensä.</p>` +
			drupalField("Kohderyhmä", "Nuoret", "Perheet")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "sections", sectionHeadings(m), "Kohderyhmä ja asiakasymmärrys")
			wantList(t, "target_groups", m.TargetGroups, "Nuoret", "Perheet")
		},
	}, {
		name: "dates with and without zero padding",
		html: modelPage(basicFields + drupalField("Luotu", "09.01.2020") + drupalField("Viimeksi muokattu", "9.1.2021")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "created", m.Created.String(), "2020-01-09")
			wantText(t, "modified", m.Modified.String(), "2021-01-09")
		},
	}, {
		name: "an unknown region stays raw and is reported",
		html: modelPage(drupalField("Toimintamallin nimi", "Kylätalon kerhot") +
			drupalField("Toimintamallin lyhyt kuvaus", "Kerhot.") +
			drupalField("Paikkakunta tai maakunta", "Atlantis", "Kainuu")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "regions_raw", m.RegionsRaw, "Atlantis", "Kainuu")
			wantList(t, "region", m.Region, "Kainuu")
			wantList(t, "unknown regions", r.UnknownRegions, "Atlantis")
		},
	}, {
		name: "values that cannot be read are reported",
		html: modelPage(basicFields + drupalField("Luotu", "31.2.2021") + drupalField("Kehittämisen vaihe", "Pilotissa")),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantList(t, "not understood", r.NotUnderstood, "Luotu: 31.2.2021", "Kehittämisen vaihe: Pilotissa")
			if !m.Created.IsZero() {
				t.Errorf("created = %v, want none", m.Created)
			}
			wantText(t, "phase (kept as written)", m.Phase, "Pilotissa")
		},
	}, {
		name: "Ei liity ilmiöön means no phenomena",
		html: modelPage(basicFields + drupalField("Ilmiöt", "Ei liity ilmiöön")),
		check: func(t *testing.T, m practice.Model, r Report) {
			if m.Phenomena == nil || len(m.Phenomena) != 0 {
				t.Errorf("phenomena = %#v, want []", m.Phenomena)
			}
		},
	}, {
		name: "links are absolute; Kuva markers, scripts and page chrome are not content",
		html: []byte(`<html><head><script>document.write("Luotu")</script></head><body>
			<header><nav><a href="/">Etusivu</a></nav></header><main>` + basicFields +
			drupalField("Liitteet ja linkit", `Kuva <a href="/files/posteri.pdf">Posteri</a>`, `<a href="https://example.org/x">Opas</a>`, `Pelkkä nimi`) +
			drupalField("Kansikuva", `<img src="k.jpg" alt="Kuva lapsista">Kuvateksti`) +
			`</main><footer>Innokylä 2024</footer></body></html>`),
		check: func(t *testing.T, m practice.Model, r Report) {
			want := []practice.Link{
				{Title: "Posteri", URL: "https://innokyla.fi/files/posteri.pdf"},
				{Title: "Opas", URL: "https://example.org/x"},
				{Title: "Pelkkä nimi"},
			}
			if !slices.Equal(m.Links, want) {
				t.Errorf("links = %+v, want %+v", m.Links, want)
			}
			doc, _ := json.Marshal(m)
			for _, noise := range []string{"Kuvateksti", "Etusivu", "Innokylä 2024", "document.write"} {
				if bytes.Contains(doc, []byte(noise)) {
					t.Errorf("%q is in the document", noise)
				}
			}
		},
	}, {
		name: "Swedish page",
		url:  "https://innokyla.fi/sv/toimintamalli/bykluben",
		html: modelPage(basicFields),
		check: func(t *testing.T, m practice.Model, r Report) {
			wantText(t, "id", m.ID, "bykluben--sv")
			wantText(t, "lang", m.Lang, "sv")
			wantText(t, "url", m.URL, "https://innokyla.fi/sv/toimintamalli/bykluben")
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := c.url
			if url == "" {
				url = modelURL + "kylatalon-kerhot"
			}
			m, r, err := HTML(url, c.html, Innokyla())
			if err != nil {
				t.Fatalf("Extract: %v\n%s", err, r)
			}
			if c.url == "" {
				wantText(t, "id", m.ID, "kylatalon-kerhot")
				wantText(t, "lang", m.Lang, "fi")
			}
			c.check(t, m, r)
		})
	}
}

func TestExtractRefusesPagesWithoutModelLabels(t *testing.T) {
	cases := map[string][]byte{
		"news page":      modelPage(`<h1>Ajankohtaista</h1><p>Innokylä uudistuu.</p><p>Luotu 1.1.2024</p>`),
		"empty body":     nil,
		"two labels":     modelPage(basicFields[:strings.Index(basicFields, `<div class="field"><div class="field__label">Paikkakunta`)]),
		"no core labels": modelPage(drupalField("Luotu", "1.1.2024") + drupalField("Viimeksi muokattu", "2.1.2024") + drupalField("Aihealueet", "Kuntoutus") + `<h1>Otsikko</h1>`),
		"tab headers only": modelPage(drupalField("Perustiedot") + drupalField("Toimintamallin kuvaus") + drupalField("Kansikuva", "logo") +
			drupalField("Toimintamallin nimi", "Nimi")),
	}
	for name, body := range cases {
		_, _, err := HTML(modelURL+"x", body, Innokyla())
		if !errors.Is(err, ErrNotAModel) {
			t.Errorf("%s: err = %v, want ErrNotAModel", name, err)
		} else if !strings.Contains(err.Error(), modelURL+"x") {
			t.Errorf("%s: error %q does not name the page", name, err)
		}
	}
	if _, _, err := Text(modelURL+"x", "Otsikko\nJotain tekstiä\n", nil); !errors.Is(err, ErrNotAModel) {
		t.Errorf("text page without labels: err = %v, want ErrNotAModel", err)
	}
}

func TestExtractBoundsLongLists(t *testing.T) {
	var items []string
	for i := range 3000 {
		items = append(items, fmt.Sprintf("Kylä %d", i))
	}
	m, r, err := HTML(modelURL+"x", modelPage(basicFields+drupalField("Tekijä", items...)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Authors) != maxValues || m.Authors[0] != "Kylä 0" {
		t.Errorf("got %d authors, want the first %d", len(m.Authors), maxValues)
	}
	wantList(t, "not understood", r.NotUnderstood, "Tekijä: 2000 more values ignored")
}

func TestExtractTextSplitsTaxonomyLines(t *testing.T) {
	text := "Kylätalon kerhot\n\nPerustiedot\nToimintamalli lyhyesti\nKerhot koulun jälkeen.\n" +
		"Paikkakunta, maakunta tai hyvinvointialue\nPirkanmaa\nLuotu\nLuotu\n6.6.2023\n" +
		"Ratkaisun perusidea **\n\nKerho joka päivä.\n\nToinen kappale.\n\nKehittämisen vaihe\nicon/bulb Created with Sketch. Valmis\n" +
		"Aihealueet\nLapset, nuoret ja perheet Osallisuus\nIlmiöt\nYksinäisyys Tuntematon ilmiö\nKohderyhmä\nLapset Perheet\n"
	m, r, err := Text(modelURL+"kylatalon-kerhot", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, "title (first line)", m.Title, "Kylätalon kerhot")
	wantText(t, "summary", m.Summary, "Kerhot koulun jälkeen.")
	wantText(t, "created", m.Created.String(), "2023-06-06")
	wantText(t, "phase", m.Phase, "Valmis")
	wantList(t, "topics", m.Topics, "Lapset, nuoret ja perheet", "Osallisuus")
	wantList(t, "phenomena (kept whole)", m.Phenomena, "Yksinäisyys Tuntematon ilmiö")
	wantList(t, "target_groups", m.TargetGroups, "Lapset", "Perheet")
	wantList(t, "not understood", r.NotUnderstood, "Ilmiöt: Yksinäisyys Tuntematon ilmiö")
	if len(m.Sections) != 1 || m.Sections[0].Text != "Kerho joka päivä.\n\nToinen kappale." {
		t.Errorf("sections = %q", m.Sections)
	}
}

func TestReportPrintsEveryField(t *testing.T) {
	_, r, err := HTML(modelURL+"kylatalon-kerhot", modelPage(basicFields+drupalField("Luotu", "1.1.2024")+drupalField("Aihealueet", "Kuntoutus", "Omaishoito")), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.String()
	for _, want := range []string{
		"Toimintamallin nimi [title]: Kylätalon kerhot",
		"Luotu [created]: 1.1.2024",
		"Aihealueet [topics]:\n    Kuntoutus\n    Omaishoito\n",
		"Tekijä (optional)",
		"not understood (0): none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// TestExtractGolden extracts every page in testdata/pages as https://innokyla.fi/fi/toimintamalli/<name>
// and compares the document with testdata/golden/<name>.json. Run with -update to rewrite them.
func TestExtractGolden(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	if len(pages) == 0 {
		t.Fatal("no pages in testdata/pages")
	}
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m, r, err := HTML(modelURL+name, body, Innokyla())
			if err != nil {
				t.Fatalf("Extract: %v\n%s", err, r)
			}
			compareGolden(t, filepath.Join("testdata", "golden", name+".json"), m)
		})
	}
}

// compareGolden compares the model's JSON with a golden file, or rewrites the file with -update.
func compareGolden(t *testing.T, golden string, m practice.Model) {
	t.Helper()
	m.FetchedAt = time.Time{}
	got, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("extraction differs from %s (run with -update and review the diff):\n%s", golden, got)
	}
}

// TestExtractedTextIsCleanText: control characters and bidirectional overrides a page carries,
// raw or as character references, reach no field of the model; the visible text stays.
func TestExtractedTextIsCleanText(t *testing.T) {
	page := modelPage(drupalField("Toimintamallin nimi", "Kylätalon\x01 \x1b[31mkerhot&#x202E;") +
		drupalField("Toimintamallin lyhyt kuvaus", "Kerhot \u202etxt.exe\u202c koulun&#27; jälkeen.") +
		drupalField("Paikkakunta, maakunta tai hyvinvointialue", "\u2066Pirkanmaa\u2069") +
		drupalField("Toimintamallin rahoittaja", "STM\u200f", "Kunta\u0085\u009b") +
		drupalField("Liitteet ja linkit", `<a href="https://example.org/a">Opas&#x202D;</a>`) +
		`<h2>Ratkaisun perusidea</h2><p>Rivi&#7;&#11;toinen</p>`)
	m, r, err := HTML(modelURL+"kerhot", page, Innokyla())
	if err != nil {
		t.Fatalf("HTML: %v\n%s", err, r)
	}
	wantText(t, "title", m.Title, "Kylätalon [31mkerhot")
	wantText(t, "summary", m.Summary, "Kerhot txt.exe koulun jälkeen.")
	wantList(t, "regions_raw", m.RegionsRaw, "Pirkanmaa")
	wantList(t, "region", m.Region, "Pirkanmaa")
	wantList(t, "funders", m.Funders, "STM", "Kunta")
	wantList(t, "links", linkTitles(m), "Opas")
	if len(m.Sections) == 1 {
		wantText(t, "section", m.Sections[0].Text, "Rivi toinen")
	} else {
		t.Errorf("sections %q, want Ratkaisun perusidea", sectionHeadings(m))
	}
	if s, ok := controlText(reflect.ValueOf(m)); !ok {
		t.Errorf("the model keeps a control character in %q", s)
	}
}
