package practice

import (
	"encoding/json"
	"testing"
)

func TestProgrammeRefIsTheNameAloneUntilItsPageIsKnown(t *testing.T) {
	for _, c := range []struct {
		ref  ProgrammeRef
		json string
	}{
		{ProgrammeRef{Name: "Kestävän kasvun ohjelma"}, `"Kestävän kasvun ohjelma"`},
		{ProgrammeRef{ID: "sote", Name: "Sote-keskus", URL: "https://innokyla.fi/fi/kokonaisuus/sote"},
			`{"id":"sote","name":"Sote-keskus","url":"https://innokyla.fi/fi/kokonaisuus/sote"}`},
	} {
		b, err := json.Marshal(c.ref)
		if err != nil || string(b) != c.json {
			t.Errorf("%+v as JSON: %s, %v; want %s", c.ref, b, err, c.json)
		}
		var back ProgrammeRef
		if err := json.Unmarshal(b, &back); err != nil || back != c.ref {
			t.Errorf("%s read back as %+v, %v", b, back, err)
		}
	}
	b, _ := json.Marshal(Model{ID: "a"})
	var m map[string]any
	json.Unmarshal(b, &m)
	if _, ok := m["programme"]; ok {
		t.Errorf("a model without a programme has one in JSON: %s", b)
	}
}

func TestWithoutEmailsLeavesNoAddress(t *testing.T) {
	for in, want := range map[string]string{
		"Ota yhteyttä: maija.meikalainen@pirha.fi tai puh. 040 123":     "Ota yhteyttä: tai puh. 040 123",
		"etunimi.sukunimi(at)hyvaks.fi\nPirkanmaan hyvinvointialue":     "\nPirkanmaan hyvinvointialue",
		"Viestit: kirjaamo [at] eksote.fi.":                             "Viestit: .",
		"Ei osoitteita: 1.1.2022–31.12.2025, tavoitteet (at) 2025 asti": "Ei osoitteita: 1.1.2022–31.12.2025, tavoitteet (at) 2025 asti",
	} {
		if got := WithoutEmails(in); got != want {
			t.Errorf("WithoutEmails(%q) = %q, want %q", in, got, want)
		}
	}
}
