package practice

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// ProgrammeRef is the programme (Toimintamallin kokonaisuus) a model belongs to: the name its
// page gives and, once the programme's page is known, that page's ID and URL. In JSON it is
// {"id","name","url"} when the page is known and the name alone otherwise (SPEC §6).
type ProgrammeRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// IsZero reports whether the model names no programme.
func (p ProgrammeRef) IsZero() bool { return p == ProgrammeRef{} }

// MarshalJSON writes the name alone while the programme's page is not known.
func (p ProgrammeRef) MarshalJSON() ([]byte, error) {
	if p.ID == "" && p.URL == "" {
		return json.Marshal(p.Name)
	}
	type plain ProgrammeRef
	return json.Marshal(plain(p))
}

// UnmarshalJSON reads either form MarshalJSON writes.
func (p *ProgrammeRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*p = ProgrammeRef{}
		return json.Unmarshal(b, &p.Name)
	}
	type plain ProgrammeRef
	return json.Unmarshal(b, (*plain)(p))
}

// Programme is an umbrella of practice models (toimintamallin kokonaisuus), such as a wellbeing
// services county's programme of the Sustainable Growth Programme, as its own page describes
// it. It is a document of its own kind: never counted as a model. It holds no personal
// contact details: the contact person's name and e-mail addresses are left out.
type Programme struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	Lang    string `json:"lang"`
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Purpose is Kokonaisuuden tarkoitus ja tavoitteet.
	Purpose string `json:"purpose"`
	// Period is Toimiaika as written, e.g. "1.1.2022–31.12.2025".
	Period  string   `json:"period"`
	Actors  []string `json:"actors"`
	Funders []string `json:"funders"`
	// Organisation is Yhteyshenkilön organisaatio: who to contact, without the person.
	Organisation string `json:"organisation"`
	Created      Date   `json:"created"`
	Modified     Date   `json:"modified"`
	// Models are the IDs of the programme's models: those its listing names and those whose
	// pages link to it.
	Models    []string  `json:"models"`
	FetchedAt time.Time `json:"fetched_at"`
}

// WithEmptyLists returns p with every absent list as an empty one.
func (p Programme) WithEmptyLists() Programme {
	for _, l := range []*[]string{&p.Actors, &p.Funders, &p.Models} {
		if *l == nil {
			*l = []string{}
		}
	}
	return p
}

// Ref is how a model refers to the programme.
func (p Programme) Ref() ProgrammeRef { return ProgrammeRef{ID: p.ID, Name: p.Name, URL: p.URL} }

// emailPattern finds an e-mail address, also one written "etunimi.sukunimi(at)alue.fi".
var emailPattern = regexp.MustCompile(`(?i)[\p{L}\p{N}._%+-]+(?:@|\s?\(at\)\s?|\s?\[at\]\s?)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)

// WithoutEmails removes e-mail addresses from a text, so that none is stored or shown, and
// folds the space they leave.
func WithoutEmails(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(strings.ToLower(s), "at)") && !strings.Contains(strings.ToLower(s), "at]") {
		return s
	}
	s = emailPattern.ReplaceAllString(s, "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}
