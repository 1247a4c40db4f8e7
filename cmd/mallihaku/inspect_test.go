package main

import (
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/extract"
)

func TestInspectTellsPagesApartByAddressOrFileName(t *testing.T) {
	p := extract.Innokyla()
	for target, want := range map[string]string{
		"https://innokyla.fi/fi/toimintamalli/kokonaisuuden-hallinta":           "model",
		"https://innokyla.fi/fi/toimintamalli/kotikuntoutus/kehittamisen-polku": "path",
		"https://innokyla.fi/fi/kokonaisuus/tulevaisuuden-sote-keskus":          "programme",
		"/tmp/sivut/kokonaisuus-sote.html":                                      "programme",
		"/tmp/kokonaisuus/malli.txt":                                            "model",
		"kotikuntoutus-kehittamisen-polku.txt":                                  "path",
	} {
		if got := inspectKind(target, p); got != want {
			t.Errorf("inspect reads %s as a %s page, want %s", target, got, want)
		}
	}
}

func TestInspectReportsTheDevelopmentPathAndTheProgrammeLikeTheModel(t *testing.T) {
	site := sampleSite(t)
	out, _, err := runCmd(t, nil, "inspect", site+"/fi/toimintamalli/liikkuva-muistihoitaja")
	if err != nil {
		t.Fatalf("inspect model: %v\n%s", err, out)
	}
	for _, want := range []string{"Toimintamallin nimi [title]", "development path:\nfound (5):", "Muutoksen mittaaminen [development_path]:",
		`"development_path": [`, `"heading": "Kehittäjäjoukon kokoaminen ja yhteiskehittäminen"`,
		`"id": "tulevaisuuden-sote-keskus"`} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect of a model lacks %q:\n%s", want, out)
		}
	}

	out, _, err = runCmd(t, nil, "inspect", site+"/fi/kokonaisuus/tulevaisuuden-sote-keskus")
	if err != nil {
		t.Fatalf("inspect programme: %v\n%s", err, out)
	}
	for _, want := range []string{"Kokonaisuuden nimi [name]: Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma", "Toimiaika [period]: 1.1.2020–31.12.2023",
		"Yhteyshenkilön nimi [not content]: (personal, not kept)", "Programme:", `"organisation": "Sosiaali- ja terveysministeriö"`} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect of a programme lacks %q:\n%s", want, out)
		}
	}
	for _, leak := range []string{"@", "(at)", "Outi"} {
		if strings.Contains(out, leak) {
			t.Errorf("inspect of a programme shows %q:\n%s", leak, out)
		}
	}

	out, _, err = runCmd(t, nil, "inspect", site+"/fi/toimintamalli/etakamu/kehittamisen-polku")
	if err != nil || !strings.Contains(out, "Development path:") || !strings.Contains(out, `"heading": "Toimintaympäristö"`) {
		t.Errorf("inspect of a development path: %v\n%s", err, out)
	}
}
