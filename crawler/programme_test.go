package crawler

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/reindex"
	"github.com/mallihaku/mallihaku/sample"
	"github.com/mallihaku/mallihaku/store"
)

// crawlSample crawls the built-in sample site into a new store.
func crawlSample(t *testing.T) (*Crawler, *store.Store, *sink, reindex.Counts) {
	t.Helper()
	site, err := sample.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	st, err := store.Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := New(Config{Site: srv.URL, Profile: extract.Innokyla(), Store: st, UserAgent: testUserAgent})
	if err != nil {
		t.Fatal(err)
	}
	k, counts := refresh(t, c, false)
	return c, st, k, counts
}

func TestSampleCrawlReadsDevelopmentPathsAndProgrammesAsTheManifestSays(t *testing.T) {
	c, st, k, counts := crawlSample(t)
	manifest, _ := sample.Manifest()
	if len(k.put) != len(manifest) || counts["added"] != len(manifest) {
		t.Fatalf("put %d models (added %d), want the manifest's %d: no programme is a model", len(k.put), counts["added"], len(manifest))
	}
	byID := map[string]practice.Model{}
	for _, m := range k.put {
		byID[m.ID] = m
	}
	check := func(how string, byID map[string]practice.Model) {
		for _, e := range manifest {
			m := byID[e.ID]
			if got := sectionHeadings(m.DevelopmentPath); !slices.Equal(got, e.DevelopmentPath) {
				t.Errorf("%s %s: development path %q, manifest %q", how, e.ID, got, e.DevelopmentPath)
			}
			if m.Programme.ID != e.Programme {
				t.Errorf("%s %s: programme %+v, manifest %q", how, e.ID, m.Programme, e.Programme)
			}
		}
	}
	check("crawled", byID)
	if got := byID["nuorten-mielenterveyden-chat"].Programme.Name; got != "Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma" {
		t.Errorf("a model filed by the listing only has programme name %q", got)
	}
	if got := byID["digitaalinen-tyohonvalmennus"].Programme; got != (practice.ProgrammeRef{Name: "Uudistuva ja osaava Suomi 2021–2027"}) {
		t.Errorf("a programme whose page is unknown: %+v, want its name alone", got)
	}

	want, _ := sample.ProgrammeManifest()
	var got []sample.ExpectedProgramme
	err := st.Programmes(func(id string, doc []byte) error {
		if strings.Contains(string(doc), "@") || strings.Contains(string(doc), "(at)") || strings.Contains(string(doc), "Outi") {
			t.Errorf("programme %s stored with a personal contact: %s", id, doc)
		}
		var p practice.Programme
		if err := json.Unmarshal(doc, &p); err != nil {
			return err
		}
		u := strings.SplitN(p.URL, "/fi/", 2)
		got = append(got, sample.ExpectedProgramme{ID: p.ID, Path: "/fi/" + u[1], Name: p.Name, Period: p.Period, Actors: p.Actors,
			Funders: p.Funders, Organisation: p.Organisation, Created: p.Created.String(), Modified: p.Modified.String(), Models: p.Models})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(got), mustJSON(want); g != w {
		t.Errorf("stored programmes:\n got %s\nwant %s", g, w)
	}

	cached := map[string]practice.Model{}
	for _, m := range cachedModels(t, c) {
		cached[m.ID] = m
	}
	check("read again from the cache", cached)

	k, counts = refresh(t, c, false)
	if len(k.put) != 0 || counts["updated"] != 0 {
		t.Errorf("second crawl of the unchanged sample put %q (counts %v)", k.urls(), counts)
	}
}

func TestAChangeToTheDevelopmentPathAloneUpdatesTheModel(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		pathOfC := pathC + "/kehittamisen-polku"
		page := func(text string) *fixturePage {
			return &fixturePage{body: `<html><body><h1>` + modelC.title + `</h1><h2>Tavoiteltu muutos</h2><p>` + text + `</p></body></html>`}
		}
		s.set(pathOfC, page("Verkosto kokoontuu joka kuukausi."))
		c, _ := newTestCrawler(t, s, nil)
		k, _ := refresh(t, c, false)
		if m := putModel(k, s.url(pathC)); len(m.DevelopmentPath) != 1 || m.DevelopmentPath[0].Text != "Verkosto kokoontuu joka kuukausi." {
			t.Fatalf("first crawl: development path %+v", m.DevelopmentPath)
		}
		time.Sleep(time.Hour)
		s.set(pathOfC, page("Verkosto kokoontuu joka viikko."))
		k, counts := refresh(t, c, false)
		if urls := k.urls(); !slices.Equal(urls, []string{s.url(pathC)}) {
			t.Fatalf("after a change to C's development path alone, put %q, want C only", urls)
		}
		if m := putModel(k, s.url(pathC)); m.DevelopmentPath[0].Text != "Verkosto kokoontuu joka viikko." {
			t.Errorf("the new path was not read: %+v", m.DevelopmentPath)
		}
		wantCounts(t, counts, map[string]int{"updated": 1, "not_modified": 3})

		time.Sleep(time.Hour)
		if k, _ := refresh(t, c, false); len(k.put) != 0 {
			t.Errorf("nothing changed, yet put %q", k.urls())
		}
	})
}

func putModel(k *sink, url string) practice.Model {
	for _, m := range k.put {
		if m.URL == url {
			return m
		}
	}
	return practice.Model{}
}

func sectionHeadings(secs []practice.Section) []string {
	var out []string
	for _, s := range secs {
		out = append(out, s.Heading)
	}
	return out
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
