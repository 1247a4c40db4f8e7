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
}

// Innokyla is the built-in profile of innokyla.fi.
func Innokyla() *Profile {
	return &Profile{
		Name:         "innokyla",
		Hosts:        []string{"innokyla.fi", "www.innokyla.fi"},
		ModelPath:    regexp.MustCompile(`^/(?P<lang>fi|sv|en)/toimintamalli/(?P<slug>[a-z0-9][a-z0-9-]{0,254})/?$`),
		ListingPaths: []string{"/fi/toimintamallit"},
		Labels:       innokylaLabels(),
	}
}
