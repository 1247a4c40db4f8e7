package practice

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed regions.tsv
var regionsTSV string

// Place is where one region value points in the Finnish hierarchy. Region is a maakunta or
// National; County and Municipality are empty when the value does not name one.
type Place struct {
	Region       string
	County       string
	Municipality string
}

// Regions are the normalised region facets of a model.
type Regions struct {
	Region          []string
	WellbeingCounty []string
	Municipality    []string
	// Unknown holds the values that matched no known name; they stay in regions_raw.
	Unknown []string
}

// Gazetteer maps names of Finnish regions, wellbeing services counties, municipalities and
// their well-known aliases and inflected forms onto Places.
type Gazetteer struct {
	places map[string]Place
	// names holds, by language (sv, en), the other official names of the Finnish names.
	names map[string]map[string]string
}

var (
	defaultGazetteer     *Gazetteer
	defaultGazetteerOnce sync.Once
)

// DefaultGazetteer returns the gazetteer built from the embedded 2025 classification.
func DefaultGazetteer() *Gazetteer {
	defaultGazetteerOnce.Do(func() { defaultGazetteer = parseGazetteer(regionsTSV) })
	return defaultGazetteer
}

func parseGazetteer(tsv string) *Gazetteer {
	g := &Gazetteer{places: map[string]Place{}, names: map[string]map[string]string{
		"sv": {National: "Hela landet"}, "en": {National: "Nationwide"},
	}}
	for _, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			continue
		}
		g.places[regionKey(f[0])] = Place{Region: f[2], County: f[3], Municipality: f[4]}
		// Which Finnish name (column) a Swedish or English name is the translation of.
		switch kind, lang := f[1], f[1][strings.LastIndex(f[1], "_")+1:]; kind {
		case "maakunta_name_sv", "maakunta_name_en":
			g.names[lang][f[2]] = f[0]
		case "official_name_sv", "official_name_en", "official_name_non_hva_sv", "official_name_non_hva_en":
			g.names[lang][f[3]] = f[0]
		case "kunta_sv":
			g.names[lang][f[4]] = f[0]
		}
	}
	return g
}

// hyphenSpace is a hyphen with space around it inside a name ("Pohjois- Pohjanmaa", "Pohjois -
// Pohjanmaa"), the word after it included: a hyphen before "ja" stands for a shared ending
// ("Etelä- ja Pohjois-Savo") and keeps its space.
var hyphenSpace = regexp.MustCompile(`(\pL)(?: - |- | -)(\pL+)`)

func regionKey(s string) string {
	s = strings.NewReplacer("–", "-", "—", "-", "\u00a0", " ").Replace(s)
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = hyphenSpace.ReplaceAllStringFunc(s, func(m string) string {
		sub := hyphenSpace.FindStringSubmatch(m)
		if w := sub[2]; w == "ja" || w == "sekä" || w == "tai" {
			return m
		}
		return sub[1] + "-" + sub[2]
	})
	return strings.Trim(s, " .;:,")
}

// Name returns a maakunta, wellbeing services county or municipality, given by its Finnish
// name, in Swedish ("sv") or English ("en") as the classification names it; the Finnish name
// when it has no other (most municipalities in English).
func (g *Gazetteer) Name(finnish, lang string) string {
	if n, ok := g.names[lang][finnish]; ok {
		return n
	}
	return finnish
}

// Lookup returns the place a single name points to.
func (g *Gazetteer) Lookup(name string) (Place, bool) {
	p, ok := g.places[regionKey(name)]
	return p, ok
}

// splitRegion breaks a free-text value such as "Keusote/ Keski-Uusimaa" or
// "Tampere, Nokia ja Ylöjärvi" into the names it lists.
var splitRegion = strings.NewReplacer("/", "\x00", ",", "\x00", ";", "\x00", " ja ", "\x00", " sekä ", "\x00", "+", "\x00", "&", "\x00", "\n", "\x00")

// Places returns every place a value names: the whole value when it is a known name, else
// each of the names it lists. A name followed by others in parentheses ("Etelä-Karjalan
// hyvinvointialue (Eksote)", "Lappeenranta (Eksote)") is one place given twice: it places
// where any of them does, and is unknown only when none does. Names it cannot place are
// returned as unknown.
func (g *Gazetteer) Places(value string) (places []Place, unknown []string) {
	if p, ok := g.Lookup(value); ok {
		return []Place{p}, nil
	}
	for _, group := range parenGroups(value) {
		n := len(places)
		for _, name := range group {
			if p, ok := g.Lookup(name); ok {
				places = append(places, p)
			}
		}
		if len(places) == n {
			unknown = append(unknown, group...)
		}
	}
	return places, unknown
}

// parenGroups breaks a value into the names it lists, each with the names given in
// parentheses after it: "A (B), C" is [[A B] [C]].
func parenGroups(value string) [][]string {
	var groups [][]string
	for value != "" {
		head, inner, paren := strings.Cut(value, "(")
		names := splitNames(head)
		for _, n := range names {
			groups = append(groups, []string{n})
		}
		if !paren {
			break
		}
		inner, value, _ = strings.Cut(inner, ")")
		if len(names) == 0 { // "(B)" with nothing before it
			groups = append(groups, nil)
		}
		last := &groups[len(groups)-1]
		*last = append(*last, splitNames(inner)...)
	}
	return groups
}

// splitNames splits on the separators of splitRegion and drops empty names.
func splitNames(s string) []string {
	var names []string
	for _, part := range strings.Split(splitRegion.Replace(s), "\x00") {
		if part = strings.TrimSpace(part); regionKey(part) != "" {
			names = append(names, part)
		}
	}
	return names
}

// Normalize maps the region values of a page onto deduplicated maakunta, hyvinvointialue and
// kunta names, in the order they were first named.
func (g *Gazetteer) Normalize(values []string) Regions {
	var r Regions
	for _, v := range values {
		places, unknown := g.Places(v)
		for _, p := range places {
			r.Region = appendNew(r.Region, p.Region)
			r.WellbeingCounty = appendNew(r.WellbeingCounty, p.County)
			r.Municipality = appendNew(r.Municipality, p.Municipality)
		}
		for _, u := range unknown {
			r.Unknown = appendNew(r.Unknown, u)
		}
	}
	return r
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
