package extract

import "regexp"

// Profile describes one site: which URLs are practice models, where to find them, and the
// labels its pages use. A new site, or a relabelled one, is a new Profile value, not new code.
type Profile struct {
	Name string
	// Hosts are the site's host names; the first is canonical.
	Hosts []string
	// ModelPath matches the path of a practice-model page; its named groups "lang" and "slug"
	// make the model's identity.
	ModelPath *regexp.Regexp
	// ListingPaths are paths of listing pages that link to models (followed with pagination).
	ListingPaths []string
	// Labels is the label table used by extraction.
	Labels []Label
	// ProgrammePath matches the path of a programme's page (toimintamallin kokonaisuus); its
	// named groups "lang" and "slug" make the programme's identity. ProgrammeListing is the
	// path, below a programme's, of the listing of its models. ProgrammeLabels are the labels
	// of a programme's page.
	ProgrammePath    *regexp.Regexp
	ProgrammeListing string
	ProgrammeLabels  []Label
	// PathPage is the path, below a model's, of its development-path sub-page, and
	// PathHeadings the headings its sections are known to have: in a text rendering a line
	// that is one of them starts a section even without "**". PathNoise are lines of such a
	// page that are not content (its tabs).
	PathPage     string
	PathHeadings []string
	PathNoise    []string
}

// Innokyla is the built-in profile of innokyla.fi.
func Innokyla() *Profile {
	return &Profile{
		Name:         "innokyla",
		Hosts:        []string{"innokyla.fi", "www.innokyla.fi"},
		ModelPath:    regexp.MustCompile(`^/(?P<lang>fi|sv|en)/toimintamalli/(?P<slug>[a-z0-9][a-z0-9-]{0,254})/?$`),
		ListingPaths: []string{"/fi/toimintamallit"},
		Labels:       innokylaLabels(),

		ProgrammePath:    regexp.MustCompile(`^/(?P<lang>fi|sv|en)/kokonaisuus/(?P<slug>[a-z0-9][a-z0-9-]{0,254})/?$`),
		ProgrammeListing: "/toimintamallit",
		ProgrammeLabels:  innokylaProgrammeLabels(),

		PathPage: "/kehittamisen-polku",
		PathHeadings: []string{"Lähtötilanne ja strategiset liittymäkohdat", "Kehitystyön lähtökohtana olevat tarpeet",
			"Kehittäjäjoukon kokoaminen ja yhteiskehittäminen", "Tavoiteltu muutos", "Muutoksen mittaaminen",
			"Toimintaympäristö", "Ratkaisun perusidea"},
		PathNoise: []string{"Kehittämisen polku", "Toimintamallin kuvaus", "Perustiedot"},
	}
}
