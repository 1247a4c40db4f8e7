// Package synthetic makes realistic practice models in any number, for benchmarks and for
// tests that need more models than the sample site has. Text is stitched from the sample
// site's own sentences (a word-pair chain over its titles, summaries and sections, with a
// long tail of made-up compound words), and the fields follow the distributions below; the
// real site's distributions are not published, so these are assumptions:
//
//   - region: one maakunta for 88% of models, two for 10%, three for 2%; skewed to Uusimaa
//     (22%) and Pirkanmaa (13%), then Valtakunnallinen (national, 9%, always alone),
//     Varsinais-Suomi 7%, Pohjois-Pohjanmaa 6%, the rest 1-4% each;
//   - wellbeing_county: the region's county for 85% of the regions named (Uusimaa's split
//     30/25/15/15/15 between Helsinki, Länsi-, Keski-, Itä-Uusimaa and Vantaa-Kerava);
//     municipality: 0-3 of that county's municipalities (15/30/45/10%);
//   - phase: Valmis 55%, Kehitteillä 45%;
//   - topics 1-4, target groups 1-3, phenomena 0-2 (or "Ei liity ilmiöön"), all from the known
//     vocabularies with Zipf-like weights; funders 1-3, weighted like the sample site's eight,
//     with a 5% tail of foundations; programme for 35%;
//   - created between 2015 and 2025, more recent years likelier; modified 0-3 years later
//     (most within a year), never after mid-2026;
//   - lang: fi 94%, sv 4%, en 2%;
//   - text: title 3-7 words, summary 1-2 sentences (about 27 words), 4-6 sections of 2-4
//     sentences (about 320 words in all), like the sample pages.
package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/mallihaku/mallihaku/practice"
	"github.com/mallihaku/mallihaku/sample"
)

type place struct {
	Region, County string
	Municipalities []string
}

// Generator makes models from one seed: the same seed gives the same models.
type Generator struct {
	rng      *rand.Rand
	text     *chain
	titles   *chain
	headings []string
	authors  []string
	compound []string // made-up compound words, the long tail of the vocabulary
	n        int
}

// New returns a generator seeded with seed, its vocabulary read from the sample site.
func New(seed uint64) (*Generator, error) {
	pages, err := sample.Pages()
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	g := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), text: newChain(), titles: newChain()}
	seenHeading, seenAuthor := map[string]bool{}, map[string]bool{}
	var nouns []string
	for _, p := range pages {
		g.titles.add(p.Title + ".")
		g.text.add(p.Summary)
		for _, s := range p.Sections {
			g.text.add(s.Text)
			if !seenHeading[s.Heading] {
				seenHeading[s.Heading] = true
				g.headings = append(g.headings, s.Heading)
			}
		}
		for _, a := range p.Authors {
			if !seenAuthor[a] {
				seenAuthor[a] = true
				g.authors = append(g.authors, a)
			}
		}
		for _, w := range strings.Fields(p.Summary) {
			w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }))
			if len([]rune(w)) >= 5 {
				nouns = append(nouns, w)
			}
		}
	}
	// A long tail of compounds (Finnish makes new words by joining old ones): the real
	// site's vocabulary is far larger than the sample's.
	for i := 0; i < 20000; i++ {
		a, b := nouns[g.rng.IntN(len(nouns))], nouns[g.rng.IntN(len(nouns))]
		g.compound = append(g.compound, a+b)
	}
	return g, nil
}

// Model returns the next model.
func (g *Generator) Model() practice.Model {
	g.n++
	m := practice.Model{Lang: g.pick([]string{"fi", "sv", "en"}, []float64{94, 4, 2})}
	m.Title = strings.TrimSuffix(g.titleText(), ".")
	m.ID = fmt.Sprintf("%s-%d", slug(m.Title), g.n)
	m.URL = "https://innokyla.fi/fi/toimintamalli/" + m.ID
	m.Summary = g.sentences(1 + g.rng.IntN(2))
	g.places(&m)
	m.Phase = g.pick([]string{practice.PhaseReady, practice.PhaseDeveloping}, []float64{55, 45})
	m.Topics = g.some(practice.Topics(), []float64{0, 25, 35, 25, 15})
	m.TargetGroups = g.some(practice.TargetGroups(), []float64{0, 45, 40, 15})
	m.Phenomena = g.some(practice.Phenomena(), []float64{35, 45, 20})
	if len(m.Phenomena) == 0 && g.rng.IntN(2) == 0 {
		m.Phenomena = []string{practice.NoPhenomenon}
	}
	m.Funders = g.funders()
	if g.rng.Float64() < 0.35 {
		m.Programme = practice.ProgrammeRef{Name: g.pick(programmes, nil)}
	}
	for range 1 + g.rng.IntN(3) {
		m.Authors = appendNew(m.Authors, g.authors[g.rng.IntN(len(g.authors))])
	}
	m.Created, m.Modified = g.dates()
	heads := 4 + g.rng.IntN(3)
	for i := 0; i < heads && i < len(g.headings); i++ {
		m.Sections = append(m.Sections, practice.Section{Heading: g.headings[i], Text: g.paragraphs()})
	}
	m.Location = m.Title
	if len(m.Municipality) > 0 {
		m.Location = m.Municipality[0]
	}
	m.FetchedAt = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	return m.WithEmptyLists()
}

// Models returns the generator's next n models.
func (g *Generator) Models(n int) []practice.Model {
	models := make([]practice.Model, n)
	for i := range models {
		models[i] = g.Model()
	}
	return models
}

// Words returns n distinct words of the generated text, common and rare, for queries.
func (g *Generator) Words(n int) []string {
	var out []string
	seen := map[string]bool{}
	for len(out) < n {
		var w string
		if g.rng.IntN(4) == 0 {
			w = g.compound[g.rng.IntN(len(g.compound))]
		} else {
			w = g.text.words[g.rng.IntN(len(g.text.words))]
		}
		w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }))
		if len([]rune(w)) >= 4 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

var regionWeights = map[string]float64{
	"Uusimaa": 22, "Pirkanmaa": 13, practice.National: 9, "Varsinais-Suomi": 7, "Pohjois-Pohjanmaa": 6,
	"Keski-Suomi": 4, "Pohjois-Savo": 4, "Satakunta": 3, "Päijät-Häme": 3, "Kanta-Häme": 3,
	"Etelä-Pohjanmaa": 3, "Lappi": 3, "Pohjois-Karjala": 3, "Pohjanmaa": 3, "Kymenlaakso": 3,
	"Etelä-Savo": 3, "Etelä-Karjala": 2, "Keski-Pohjanmaa": 2, "Kainuu": 2, "Ahvenanmaa": 1,
}

var uusimaa = map[string]float64{
	"Helsingin kaupunki": 30, "Länsi-Uudenmaan hyvinvointialue": 25, "Keski-Uudenmaan hyvinvointialue": 15,
	"Itä-Uudenmaan hyvinvointialue": 15, "Vantaan ja Keravan hyvinvointialue": 15,
}

var funderWeights = map[string]float64{
	"Hyvinvointialue": 12, "Sosiaali- ja terveysministeriö (STM)": 11, "Sosiaali- ja terveysjärjestöjen avustuskeskus (STEA)": 9,
	"Kunta tai kaupunki": 9, "Euroopan unionin elpymisväline (RRF)": 8, "Euroopan sosiaalirahasto (ESR)": 7,
	"Opetus- ja kulttuuriministeriö (OKM)": 2, "Työ- ja elinkeinoministeriö (TEM)": 1,
}

var foundations = []string{"Aalto", "Alli Paasikiven", "Eino Jutikkalan", "Elli Aaltosen", "Emil Aaltosen",
	"Haavisto", "Hanna ja Ilmari Hannulan", "Helsingin Diakonissalaitoksen", "Jenny ja Antti Wihurin", "Kalle Kaihari",
	"Kansan Sivistysrahaston", "Kaupallisten", "Kelan", "Koneen", "Kordelinin", "Lastenlinnan", "Mannerheimin",
	"Niilo Helanderin", "Paulon", "Pohjois-Suomen", "Reino ja Anna-Liisa", "Sakari Alhopuron", "Signe ja Ane Gyllenbergin",
	"Sophie Mannerheimin", "Suomen Kulttuurirahaston", "Svenska kulturfondens", "Tampereen", "Tuulikki ja Väinö",
	"Urheiluopiston", "Vanhustyön", "Varsinais-Suomen", "Väestöliiton"}

var programmes = []string{"Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma", "Suomen kestävän kasvun ohjelma",
	"Kestävän kasvun ohjelma", "Lapsi- ja perhepalveluiden muutosohjelma", "Työllisyyden kuntakokeilu",
	"Uudistuva ja osaava Suomi 2021–2027"}

func (g *Generator) places(m *practice.Model) {
	n := 1 + g.weighted([]float64{88, 10, 2})
	names, weights := keysOf(regionWeights)
	for len(m.Region) < n {
		r := names[g.weighted(weights)]
		if r == practice.National {
			if len(m.Region) == 0 {
				m.Region = []string{r}
				return
			}
			continue
		}
		m.Region = appendNew(m.Region, r)
	}
	for _, r := range m.Region {
		if g.rng.Float64() >= 0.85 {
			continue
		}
		var counties []place
		for _, p := range places {
			if p.Region == r {
				counties = append(counties, p)
			}
		}
		if len(counties) == 0 {
			continue
		}
		p := counties[0]
		if r == "Uusimaa" {
			c := g.pickMap(uusimaa)
			for _, q := range counties {
				if q.County == c {
					p = q
				}
			}
		}
		if p.County != "" {
			m.WellbeingCounty = appendNew(m.WellbeingCounty, p.County)
		}
		for range g.weighted([]float64{15, 30, 45, 10}) {
			m.Municipality = appendNew(m.Municipality, p.Municipalities[g.rng.IntN(len(p.Municipalities))])
		}
	}
	m.RegionsRaw = append(append([]string{}, m.Region...), m.Municipality...)
}

func (g *Generator) funders() []string {
	names, weights := keysOf(funderWeights)
	var out []string
	for range 1 + g.weighted([]float64{65, 30, 5}) {
		out = appendNew(out, names[g.weighted(weights)])
	}
	if g.rng.Float64() < 0.05 {
		out = append(out, foundations[g.rng.IntN(len(foundations))]+" säätiö")
	}
	return out
}

func (g *Generator) dates() (created, modified practice.Date) {
	// Years 2015-2025, the weight growing by year.
	year := 2015 + g.weighted([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	c := start.AddDate(0, 0, g.rng.IntN(365))
	days := int(math.Min(3*365, g.rng.ExpFloat64()*200))
	mod := c.AddDate(0, 0, days)
	if limit := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC); mod.After(limit) {
		mod = limit
	}
	return practice.NewDate(c.Year(), c.Month(), c.Day()), practice.NewDate(mod.Year(), mod.Month(), mod.Day())
}

// some picks k distinct values with Zipf-like weights, k drawn with the weights of counts
// (counts[i] is the weight of picking i values).
func (g *Generator) some(values []string, counts []float64) []string {
	k := g.weighted(counts)
	weights := make([]float64, len(values))
	for i := range values {
		weights[i] = 1 / math.Pow(float64(i+1), 0.8)
	}
	var out []string
	for tries := 0; len(out) < k && tries < 50; tries++ {
		out = appendNew(out, values[g.weighted(weights)])
	}
	return out
}

func (g *Generator) weighted(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *Generator) pick(values []string, weights []float64) string {
	if weights == nil {
		return values[g.rng.IntN(len(values))]
	}
	return values[g.weighted(weights)]
}

func (g *Generator) pickMap(m map[string]float64) string {
	names, weights := keysOf(m)
	return names[g.weighted(weights)]
}

func keysOf(m map[string]float64) ([]string, []float64) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	weights := make([]float64, len(names))
	for i, n := range names {
		weights[i] = m[n]
	}
	return names, weights
}

func (g *Generator) titleText() string {
	for {
		t := g.titles.sentence(g.rng, 8)
		if n := len(strings.Fields(t)); n >= 2 && n <= 8 {
			return t
		}
	}
}

func (g *Generator) sentences(n int) string {
	var parts []string
	for range n {
		parts = append(parts, g.sentence())
	}
	return strings.Join(parts, " ")
}

func (g *Generator) sentence() string {
	words := strings.Fields(g.text.sentence(g.rng, 30))
	for i := 1; i < len(words)-1; i++ {
		if g.rng.IntN(30) == 0 {
			words[i] = g.compound[g.rng.IntN(len(g.compound))]
		}
	}
	return strings.Join(words, " ")
}

func (g *Generator) paragraphs() string {
	var ps []string
	for range 1 + g.rng.IntN(2) {
		ps = append(ps, g.sentences(1+g.rng.IntN(3)))
	}
	return strings.Join(ps, "\n\n")
}

// chain is a word-pair chain: for every word, the words that followed it.
type chain struct {
	starts []string
	next   map[string][]string
	words  []string
}

func newChain() *chain { return &chain{next: map[string][]string{}} }

func (c *chain) add(text string) {
	for _, para := range strings.Split(text, "\n\n") {
		words := strings.Fields(para)
		for i, w := range words {
			c.words = append(c.words, w)
			if i == 0 || strings.HasSuffix(words[i-1], ".") {
				c.starts = append(c.starts, w)
			}
			if i+1 < len(words) && !strings.HasSuffix(w, ".") {
				c.next[w] = append(c.next[w], words[i+1])
			}
		}
	}
}

// sentence walks the chain from a sentence start to a word ending a sentence, at most max
// words (then a full stop is added).
func (c *chain) sentence(rng *rand.Rand, max int) string {
	w := c.starts[rng.IntN(len(c.starts))]
	out := []string{w}
	for len(out) < max && !strings.HasSuffix(w, ".") {
		nexts := c.next[w]
		if len(nexts) == 0 {
			break
		}
		w = nexts[rng.IntN(len(nexts))]
		out = append(out, w)
	}
	s := strings.Join(out, " ")
	if !strings.HasSuffix(s, ".") {
		s = strings.TrimRight(s, ",;:–-") + "."
	}
	return s
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

var slugReplacer = strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "é", "e")

func slug(title string) string {
	s := slugReplacer.Replace(strings.ToLower(title))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
