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
		got := g.Normalize(c.in)
		if !slices.Equal(got.Region, c.region) || !slices.Equal(got.WellbeingCounty, c.county) ||
			!slices.Equal(got.Municipality, c.kunta) || !slices.Equal(got.Unknown, c.unknown) {
			t.Errorf("Normalize(%q) = %+v, want region %q county %q kunta %q unknown %q",
				c.in, got, c.region, c.county, c.kunta, c.unknown)
		}
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
