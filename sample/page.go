package sample

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed pages/*.json programmes/*.json manifest.json programmes-manifest.json
var content embed.FS

// Page is the content of one sample practice-model page, as its author wrote it. How it is
// marked up is chosen by Markup and the label variants; the values are written as a person
// would type them into the site (dates as d.m.yyyy, regions as any name a person uses).
type Page struct {
	Slug string `json:"slug"`
	// Markup is "drupal" (.field__label/.field__item) or "dl" (dl/dt/dd).
	Markup string `json:"markup"`
	// RegionLabel is "old" (Paikkakunta tai maakunta) or "new" (Paikkakunta, maakunta tai
	// hyvinvointialue).
	RegionLabel string `json:"region_label"`
	// SummaryLabel is "" (Toimintamallin lyhyt kuvaus) or "lyhyesti" (Toimintamalli lyhyesti).
	SummaryLabel string `json:"summary_label,omitempty"`
	// HiddenLabels repeats every label as a visually hidden copy, as newer renderings do.
	HiddenLabels bool     `json:"hidden_labels,omitempty"`
	Title        string   `json:"title"`
	Summary      string   `json:"summary"`
	Location     string   `json:"location,omitempty"`
	Regions      []string `json:"regions"`
	Funders      []string `json:"funders"`
	Programme    string   `json:"programme,omitempty"`
	// ProgrammeSlug is the programme page the model's page links its programme to; without
	// it the page gives the programme's name alone, and only the programme's listing tells
	// which programme it is.
	ProgrammeSlug string    `json:"programme_slug,omitempty"`
	Links         []Link    `json:"links,omitempty"`
	Authors       []string  `json:"authors,omitempty"`
	Created       string    `json:"created"`
	Modified      string    `json:"modified"`
	Sections      []Section `json:"sections"`
	// DevelopmentPath is served at <model>/kehittamisen-polku; a model without one has no
	// such page (404).
	DevelopmentPath []Section `json:"development_path,omitempty"`
	Phase           string    `json:"phase"`
	Topics          []string  `json:"topics"`
	Phenomena       []string  `json:"phenomena"`
	TargetGroups    []string  `json:"target_groups"`
}

// Section is a long text section; Text has paragraphs separated by blank lines.
type Section struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// Link is an attachment or a link.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// Expected is what the crawler must make of one sample model page, written by hand.
type Expected struct {
	ID              string   `json:"id"`
	Path            string   `json:"path"`
	Title           string   `json:"title"`
	Region          []string `json:"region"`
	WellbeingCounty []string `json:"wellbeing_county"`
	Municipality    []string `json:"municipality"`
	Phase           string   `json:"phase"`
	Topics          []string `json:"topics"`
	Created         string   `json:"created"`
	Modified        string   `json:"modified"`
	// Programme is the ID of the programme the model is linked to, by its page's link or by
	// the programme's listing.
	Programme string `json:"programme,omitempty"`
	// DevelopmentPath are the headings of its development path's sections.
	DevelopmentPath []string `json:"development_path,omitempty"`
}

// Programme is one sample programme page (toimintamallin kokonaisuus), as its author wrote
// it: with a contact person and e-mail address that the crawler must not keep.
type Programme struct {
	Slug                string   `json:"slug"`
	Name                string   `json:"name"`
	Summary             string   `json:"summary"`
	Purpose             string   `json:"purpose"`
	Period              string   `json:"period"`
	Actors              []string `json:"actors"`
	Funders             []string `json:"funders"`
	ContactName         string   `json:"contact_name"`
	ContactEmail        string   `json:"contact_email"`
	ContactOrganisation string   `json:"contact_organisation"`
	Created             string   `json:"created"`
	Modified            string   `json:"modified"`
	// Models are the slugs its listing (<programme>/toimintamallit) links to.
	Models []string `json:"models"`
}

// ExpectedProgramme is what the crawler must make of one sample programme, written by hand.
type ExpectedProgramme struct {
	ID           string   `json:"id"`
	Path         string   `json:"path"`
	Name         string   `json:"name"`
	Period       string   `json:"period"`
	Actors       []string `json:"actors"`
	Funders      []string `json:"funders"`
	Organisation string   `json:"organisation"`
	Created      string   `json:"created"`
	Modified     string   `json:"modified"`
	Models       []string `json:"models"`
}

// Pages returns every sample model page, sorted by slug.
func Pages() ([]Page, error) {
	names, err := fs.Glob(content, "pages/*.json")
	if err != nil {
		return nil, err
	}
	var pages []Page
	for _, n := range names {
		b, err := content.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var p Page
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("sample page %s: %w", n, err)
		}
		if want := strings.TrimSuffix(path.Base(n), ".json"); p.Slug != want {
			return nil, fmt.Errorf("sample page %s: slug %q does not match its file name", n, p.Slug)
		}
		pages = append(pages, p)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].Slug < pages[j].Slug })
	return pages, nil
}

// Programmes returns every sample programme page, sorted by slug.
func Programmes() ([]Programme, error) {
	names, err := fs.Glob(content, "programmes/*.json")
	if err != nil {
		return nil, err
	}
	var out []Programme
	for _, n := range names {
		var p Programme
		if err := decodeStrict(n, &p); err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(n), ".json"); p.Slug != want {
			return nil, fmt.Errorf("sample programme %s: slug %q does not match its file name", n, p.Slug)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

// ProgrammeManifest returns the hand-written expectations for every sample programme.
func ProgrammeManifest() ([]ExpectedProgramme, error) {
	var m []ExpectedProgramme
	return m, decodeStrict("programmes-manifest.json", &m)
}

func decodeStrict(name string, v any) error {
	b, err := content.ReadFile(name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sample %s: %w", name, err)
	}
	return nil
}

// Manifest returns the hand-written expectations for every sample model page.
func Manifest() ([]Expected, error) {
	b, err := content.ReadFile("manifest.json")
	if err != nil {
		return nil, err
	}
	var m []Expected
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("sample manifest: %w", err)
	}
	return m, nil
}
