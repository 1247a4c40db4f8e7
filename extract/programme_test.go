package extract

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

const programmeURL = "https://innokyla.fi/fi/kokonaisuus/"

// TestPathGolden reads every development-path page in testdata/paths (HTML and text
// renderings) and compares its sections with testdata/golden/paths/<name>.json.
func TestPathGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "paths", "*"))
	if len(files) < 2 {
		t.Fatal("want an HTML and a text rendering in testdata/paths")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var secs []practice.Section
			if strings.HasSuffix(f, ".txt") {
				secs, _ = PathText(string(body), nil)
			} else {
				secs, _ = PathHTML(body, nil)
			}
			compareGoldenJSON(t, filepath.Join("testdata", "golden", "paths", strings.TrimSuffix(name, filepath.Ext(name))+".json"), secs)
		})
	}
}

func TestPathReadsAnyHeadingWithOrWithoutMarksAndLeavesOutTabsAndEmptySections(t *testing.T) {
	body, _ := os.ReadFile(filepath.Join("testdata", "paths", "headings.html"))
	secs, rep := PathHTML(body, nil)
	want := []string{"Lähtötilanne ja strategiset liittymäkohdat", "Kehitystyön lähtökohtana olevat tarpeet", "Omat havaintomme", "Tavoiteltu muutos"}
	if got := headingsOf(secs); !slices.Equal(got, want) {
		t.Errorf("sections %q, want %q (the empty Muutoksen mittaaminen left out)", got, want)
	}
	if !slices.Contains(rep.Found, "Muutoksen mittaaminen") {
		t.Errorf("the report does not list the empty heading: %q", rep.Found)
	}
	text, _ := os.ReadFile(filepath.Join("testdata", "paths", "plain.txt"))
	secs, _ = PathText(string(text), nil)
	want = []string{"Lähtötilanne ja strategiset liittymäkohdat", "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen", "Tavoiteltu muutos"}
	if got := headingsOf(secs); !slices.Equal(got, want) {
		t.Errorf("text rendering: sections %q, want %q", got, want)
	}
	if secs, _ := PathHTML([]byte("<html><body><h1>Malli</h1><p>Ei polkua.</p></body></html>"), nil); len(secs) != 0 {
		t.Errorf("a page without headings gives sections %q, want none", headingsOf(secs))
	}
}

// TestProgrammeGolden reads every programme page in testdata/programmes and compares the
// programme with testdata/golden/programmes/<name>.json.
func TestProgrammeGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "programmes", "*.html"))
	if len(files) == 0 {
		t.Fatal("no pages in testdata/programmes")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			body, _ := os.ReadFile(f)
			p, rep, err := ProgrammeHTML(programmeURL+name, body, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, rep)
			}
			compareGoldenJSON(t, filepath.Join("testdata", "golden", "programmes", name+".json"), p)
		})
	}
}

func TestProgrammeKeepsNoPersonalContactAndNoEmail(t *testing.T) {
	body, _ := os.ReadFile(filepath.Join("testdata", "programmes", "kokonaisuus.html"))
	p, rep, err := ProgrammeHTML(programmeURL+"varhainen-tuki", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(p)
	for _, leak := range []string{"@", "(at)", "Hanna", "hankepaallikko"} {
		if bytes.Contains(doc, []byte(leak)) || strings.Contains(rep.String(), leak) {
			t.Errorf("programme or report holds %q:\n%s\n%s", leak, doc, rep)
		}
	}
	wantText(t, "name", p.Name, "Varhaisen tuen kokonaisuus")
	wantText(t, "id", p.ID, "varhainen-tuki")
	wantText(t, "period", p.Period, "1.9.2022–31.12.2025")
	wantText(t, "organisation", p.Organisation, "Pohjois-Savon hyvinvointialue")
	wantText(t, "modified", p.Modified.String(), "2024-10-06")
	wantList(t, "actors", p.Actors, "Pohjois-Savon hyvinvointialue", "Itä-Suomen yliopisto")
	if !strings.HasPrefix(p.Purpose, "Tuki tulee ennen kuin ongelmat kasautuvat.\n\nKysy lisää:") {
		t.Errorf("purpose %q", p.Purpose)
	}
}

func TestAModelPageIsNotAProgrammeNorAProgrammeAModel(t *testing.T) {
	model, _ := os.ReadFile(filepath.Join("testdata", "pages", "drupal.html"))
	if _, _, err := ProgrammeHTML(programmeURL+"drupal", model, nil); err == nil {
		t.Error("a model page read as a programme")
	}
	prog, _ := os.ReadFile(filepath.Join("testdata", "programmes", "kokonaisuus.html"))
	if _, _, err := HTML(modelURL+"kokonaisuus", prog, nil); err == nil {
		t.Error("a programme page read as a model")
	}
	if IsProgrammePage(modelURL+"x", nil) || !IsProgrammePage(programmeURL+"x", nil) {
		t.Error("IsProgrammePage mixes models and programmes")
	}
}

func TestAnImageAmongAttachmentsIsOneImageWithItsCaptionNotLinks(t *testing.T) {
	body, _ := os.ReadFile(filepath.Join("testdata", "pages", "attachments.html"))
	m, _, err := HTML(modelURL+"attachments", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantImages := []practice.Image{{Alt: "Euroopan unionin rahoittama"}, {Alt: "Kuvallinen ohje", Caption: "Aamutoimien kuvallinen ohje jääkaapin oveen"}}
	if !slices.Equal(m.Images, wantImages) {
		t.Errorf("images %+v, want %+v", m.Images, wantImages)
	}
	if want := []practice.Link{{Title: "Kuvalliset ohjeet (pdf)", URL: "https://innokyla.fi/sites/default/files/ohjeet.pdf"}}; !slices.Equal(m.Links, want) {
		t.Errorf("links %+v, want only the real link %+v", m.Links, want)
	}
	wantList(t, "region", m.Region, "Etelä-Karjala", "Pohjois-Pohjanmaa")
}

func TestSingleLineBreakRenderingIsReadAndTheH1IsTheTitle(t *testing.T) {
	body, _ := os.ReadFile(filepath.Join("testdata", "pages", "linebreaks.html"))
	m, rep, err := HTML(modelURL+"linebreaks", body, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	wantText(t, "title", m.Title, "Perhekeskuksen iltavastaanotto")
	if !strings.HasPrefix(m.Summary, "Perhekeskuksen iltavastaanotto tarjoaa vanhemmille neuvontaa") {
		t.Errorf("summary %q, want the paragraph that followed Toimintamallin nimi", m.Summary)
	}
	wantList(t, "wellbeing_county", m.WellbeingCounty, "Satakunnan hyvinvointialue")
	wantText(t, "phase", m.Phase, "Kehitteillä")
	wantText(t, "created", m.Created.String(), "2024-01-12")
	if len(m.Sections) != 1 || m.Sections[0].Heading != "Ratkaisun perusidea" {
		t.Errorf("sections %+v", m.Sections)
	}
}

func TestModelLinksItsProgrammeByTheLinkOnItsPage(t *testing.T) {
	body, _ := os.ReadFile(filepath.Join("testdata", "pages", "dl.html"))
	m, _, err := HTML(modelURL+"dl", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := practice.ProgrammeRef{ID: "vakivallaton-arki", Name: "Väkivallaton arki -kokonaisuus", URL: "https://innokyla.fi/fi/kokonaisuus/vakivallaton-arki"}
	if m.Programme != want {
		t.Errorf("programme %+v, want %+v", m.Programme, want)
	}
}

// TestSamplePathsAndProgrammesGolden reads the sample site's development paths and
// programmes as the crawler would and checks them against the manifests and golden files.
func TestSamplePathsAndProgrammesGolden(t *testing.T) {
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	serve := func(path string) []byte {
		rec := httptest.NewRecorder()
		site.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://innokyla.fi"+path, nil))
		b, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != 200 {
			return nil
		}
		return b
	}
	manifest, _ := sample.Manifest()
	paths := 0
	for _, e := range manifest {
		body := serve(e.Path + "/kehittamisen-polku")
		if body == nil {
			if len(e.DevelopmentPath) > 0 {
				t.Errorf("%s: no path page, the manifest gives %q", e.ID, e.DevelopmentPath)
			}
			continue
		}
		paths++
		secs, _ := PathHTML(body, nil)
		if got := headingsOf(secs); !slices.Equal(got, e.DevelopmentPath) {
			t.Errorf("%s: path sections %q, manifest %q", e.ID, got, e.DevelopmentPath)
		}
		compareGoldenJSON(t, filepath.Join("testdata", "golden", "sample", "paths", e.ID+".json"), secs)
	}
	if paths == 0 {
		t.Error("the sample site has no development paths")
	}
	progs, _ := sample.ProgrammeManifest()
	for _, e := range progs {
		p, rep, err := ProgrammeHTML("https://innokyla.fi"+e.Path, serve(e.Path), nil)
		if err != nil {
			t.Errorf("%s: %v\n%s", e.ID, err, rep)
			continue
		}
		got := sample.ExpectedProgramme{ID: p.ID, Path: e.Path, Name: p.Name, Period: p.Period, Actors: p.Actors, Funders: p.Funders,
			Organisation: p.Organisation, Created: p.Created.String(), Modified: p.Modified.String(), Models: e.Models}
		if g, w := mustJSON(got), mustJSON(e); g != w {
			t.Errorf("programme %s:\n got %s\nwant %s", e.ID, g, w)
		}
		compareGoldenJSON(t, filepath.Join("testdata", "golden", "sample", "programmes", e.ID+".json"), p)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func headingsOf(secs []practice.Section) []string {
	var out []string
	for _, s := range secs {
		out = append(out, s.Heading)
	}
	return out
}

// compareGoldenJSON compares v's JSON with a golden file, or rewrites the file with -update.
func compareGoldenJSON(t *testing.T, golden string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
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
		t.Errorf("differs from %s (run with -update and review the diff):\n%s", golden, got)
	}
}
