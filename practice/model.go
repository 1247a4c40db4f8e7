package practice

import "time"

// Model is one practice model, normalised. Its JSON field names are the contract of SPEC §3.
type Model struct {
	ID              string    `json:"id"`
	URL             string    `json:"url"`
	Lang            string    `json:"lang"`
	Title           string    `json:"title"`
	Summary         string    `json:"summary"`
	Location        string    `json:"location,omitempty"`
	RegionsRaw      []string  `json:"regions_raw"`
	Region          []string  `json:"region"`
	WellbeingCounty []string  `json:"wellbeing_county"`
	Municipality    []string  `json:"municipality"`
	Funders         []string  `json:"funders"`
	Authors         []string  `json:"authors"`
	Created         Date      `json:"created"`
	Modified        Date      `json:"modified"`
	Phase           string    `json:"phase"`
	Topics          []string  `json:"topics"`
	Phenomena       []string  `json:"phenomena"`
	TargetGroups    []string  `json:"target_groups"`
	Sections        []Section `json:"sections"`
	// DevelopmentPath is the sections of the model's development-path sub-page
	// (<model>/kehittamisen-polku): how the model came about. Empty when it has none.
	DevelopmentPath []Section    `json:"development_path"`
	Links           []Link       `json:"links"`
	Images          []Image      `json:"images,omitempty"`
	Programme       ProgrammeRef `json:"programme,omitzero"`
	FetchedAt       time.Time    `json:"fetched_at"`
}

// Section is one long text section of a model, under the heading the page gave it.
type Section struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// Link is an attachment or link listed under "Liitteet ja linkit".
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// Image is a picture listed among the attachments ("Kuva"): its caption (Kuvateksti) and the
// alt text it was given. It is not a link.
type Image struct {
	Caption string `json:"caption,omitempty"`
	Alt     string `json:"alt,omitempty"`
}

// National is the region value of models that cover the whole country.
const National = "Valtakunnallinen"

// WithEmptyLists returns m with every absent list as an empty one, so that documents read the
// same whether a page left a field out or left it empty.
func (m Model) WithEmptyLists() Model {
	for _, l := range []*[]string{&m.RegionsRaw, &m.Region, &m.WellbeingCounty, &m.Municipality, &m.Funders,
		&m.Authors, &m.Topics, &m.Phenomena, &m.TargetGroups} {
		if *l == nil {
			*l = []string{}
		}
	}
	if m.Sections == nil {
		m.Sections = []Section{}
	}
	if m.DevelopmentPath == nil {
		m.DevelopmentPath = []Section{}
	}
	if m.Links == nil {
		m.Links = []Link{}
	}
	return m
}
