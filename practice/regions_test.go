package practice

import (
	"slices"
	"testing"
)

func TestNormalizeRegionsMapsEveryKindOfName(t *testing.T) {
	g := DefaultGazetteer()
	cases := []struct {
		in                    []string
		region, county, kunta []string
		unknown               []string
	}{
		{in: []string{"Pirkanmaa"}, region: []string{"Pirkanmaa"}, county: []string{"Pirkanmaan hyvinvointialue"}},
		{in: []string{"Pirkanmaalla"}, region: []string{"Pirkanmaa"}, county: []string{"Pirkanmaan hyvinvointialue"}},
		{in: []string{"Keski-Uusimaa", "Kymenlaakso"}, region: []string{"Uusimaa", "Kymenlaakso"},
			county: []string{"Keski-Uudenmaan hyvinvointialue", "Kymenlaakson hyvinvointialue"}},
		{in: []string{"Keusote/ Keski-Uusimaa, Kymsote"}, region: []string{"Uusimaa", "Kymenlaakso"},
			county: []string{"Keski-Uudenmaan hyvinvointialue", "Kymenlaakson hyvinvointialue"}},
		{in: []string{"Uusimaa"}, region: []string{"Uusimaa"}},
		{in: []string{"Helsinki"}, region: []string{"Uusimaa"}, county: []string{"Helsingin kaupunki"}, kunta: []string{"Helsinki"}},
		{in: []string{"Tampere, Nokia ja Ylöjärvi"}, region: []string{"Pirkanmaa"}, county: []string{"Pirkanmaan hyvinvointialue"},
			kunta: []string{"Tampere", "Nokia", "Ylöjärvi"}},
		{in: []string{"Valtakunnallinen"}, region: []string{National}},
		{in: []string{"Siun sote"}, region: []string{"Pohjois-Karjala"}, county: []string{"Pohjois-Karjalan hyvinvointialue"}},
		{in: []string{"Ahvenanmaa"}, region: []string{"Ahvenanmaa"}},
		{in: []string{"Atlantis", "Eksote"}, region: []string{"Etelä-Karjala"}, county: []string{"Etelä-Karjalan hyvinvointialue"},
			unknown: []string{"Atlantis"}},
	}
	for _, c := range cases {
		checkNormalize(t, g, c.in, c.region, c.county, c.kunta, c.unknown)
	}
}

// Spellings of places as real Innokylä pages write them.
func TestNormalizeRegionsReadsEverySpellingOfRealPages(t *testing.T) {
	g := DefaultGazetteer()
	ek := []string{"Etelä-Karjala"}
	ekCounty := []string{"Etelä-Karjalan hyvinvointialue"}
	pp := []string{"Pohjois-Pohjanmaa"}
	ppCounty := []string{"Pohjois-Pohjanmaan hyvinvointialue"}
	national := []string{National}
	cases := []struct {
		in                    string
		region, county, kunta []string
		unknown               []string
	}{
		{in: "Etelä-Karjalan hyvinvointialue (Eksote)", region: ek, county: ekCounty},
		{in: "Etelä-Karjalan hyvinvointialue(Eksote)", region: ek, county: ekCounty},
		{in: "Eksote (Etelä-Karjalan hyvinvointialue)", region: ek, county: ekCounty},
		{in: "Lappeenranta (Eksote)", region: ek, county: ekCounty, kunta: []string{"Lappeenranta"}},
		{in: "Etelä-Karjala (ent. Eksote)", region: ek, county: ekCounty},
		{in: "Pirkanmaa (Tampere, Nokia)", region: []string{"Pirkanmaa"}, county: []string{"Pirkanmaan hyvinvointialue"},
			kunta: []string{"Tampere", "Nokia"}},
		{in: "Keski-Uusimaa (Keusote), Kymenlaakso (Kymsote)", region: []string{"Uusimaa", "Kymenlaakso"},
			county: []string{"Keski-Uudenmaan hyvinvointialue", "Kymenlaakson hyvinvointialue"}},
		{in: "Atlantis (Utopia)", unknown: []string{"Atlantis", "Utopia"}},
		{in: "Pohjois- Pohjanmaan hyvinvointialue", region: pp, county: ppCounty},
		{in: "Pohjois -Pohjanmaan hyvinvointialue", region: pp, county: ppCounty},
		{in: "Pohjois - Pohjanmaa", region: pp, county: ppCounty},
		{in: "Pohjois-Karjalan Hyvinvointialue", region: []string{"Pohjois-Karjala"}, county: []string{"Pohjois-Karjalan hyvinvointialue"}},
		{in: "POHJOIS-POHJANMAAN HYVINVOINTIALUE", region: pp, county: ppCounty},
		{in: "etelä-karjala", region: ek, county: ekCounty},
		{in: "valtakunnallinen", region: national},
		{in: "Valtakunnallisesti", region: national},
		{in: "Koko Suomi", region: national},
		{in: "koko suomi", region: national},
		{in: "Verkossa valtakunnallisesti", region: national},
		{in: "verkossa valtakunnallisesti.", region: national},
	}
	for _, c := range cases {
		checkNormalize(t, g, []string{c.in}, c.region, c.county, c.kunta, c.unknown)
	}
}

func checkNormalize(t *testing.T, g *Gazetteer, in, region, county, kunta, unknown []string) {
	t.Helper()
	got := g.Normalize(in)
	if !slices.Equal(got.Region, region) || !slices.Equal(got.WellbeingCounty, county) ||
		!slices.Equal(got.Municipality, kunta) || !slices.Equal(got.Unknown, unknown) {
		t.Errorf("Normalize(%q) = %+v, want region %q county %q kunta %q unknown %q",
			in, got, region, county, kunta, unknown)
	}
}

func TestGazetteerKnowsAllMaakunnat(t *testing.T) {
	g := DefaultGazetteer()
	names := []string{"Uusimaa", "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme",
		"Kymenlaakso", "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi",
		"Etelä-Pohjanmaa", "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Kainuu", "Lappi", "Ahvenanmaa"}
	for _, n := range names {
		p, ok := g.Lookup(n)
		if !ok || p.Region != n {
			t.Errorf("Lookup(%q) = %+v, %v; want region %q", n, p, ok, n)
		}
	}
}

func TestRegionsHaveTheirSwedishAndEnglishNames(t *testing.T) {
	g := DefaultGazetteer()
	for _, c := range []struct{ fi, lang, want string }{
		{"Pirkanmaa", "sv", "Birkaland"},
		{"Pirkanmaan hyvinvointialue", "sv", "Birkalands välfärdsområde"},
		{"Tampere", "sv", "Tammerfors"},
		{"Keski-Suomi", "en", "Central Finland"},
		{"Itä-Uudenmaan hyvinvointialue", "en", "East Uusimaa wellbeing services county"},
		{"Akaa", "en", "Akaa"},
		{National, "sv", "Hela landet"},
		{"Pirkanmaa", "fi", "Pirkanmaa"},
		{"Atlantis", "sv", "Atlantis"},
	} {
		if got := g.Name(c.fi, c.lang); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.fi, c.lang, got, c.want)
		}
	}
}
