package finnish

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/snowballstem"
	snowballfi "github.com/blevesearch/snowballstem/finnish"
)

// Names of the two analyses; an index records the one it was built with.
const (
	NameVoikko   = "voikko"
	NameSnowball = "snowball"
)

// MinPartLength is the shortest compound part that is indexed on its own: shorter pieces
// (the "ai" of "aivo", "yö" of "yötyö") match far more than they mean.
const MinPartLength = 3

// maxWordLength is the longest word given to Voikko; longer tokens are not Finnish words.
const maxWordLength = 80

// Word is what one written word stands for, in the index and in a query.
type Word struct {
	// Exact is the word as written, in lower case.
	Exact string
	// Bases are its base forms, one per reading Voikko finds (nuorille: nuori, nuora); for a
	// word Voikko does not know, or without Voikko, its Snowball stem.
	Bases []string
	// Parts are the parts of a compound and the contiguous combinations of them, without
	// the whole word (mielenterveyspalveluiden: mieli, terveys, palvelu, mielenterveys,
	// terveyspalvelu); see Analyzer.Word for which readings give parts.
	Parts []string
	// Leaves are the compound's parts alone, in order, from its first reading that has
	// any: a compound query word also matches a text that has all of them.
	Leaves []string
	// Segments are the compound's parts as written in the word and their base forms, in
	// order, from the same reading as Leaves (short parts included): a query for the compound
	// also matches its parts written as consecutive words (mielen terveys, kotihoidon
	// asiakkaat for kotihoitoasiakas).
	Segments []Segment
	// Head is the word as written after its first compound part (palveluiden of
	// terveyspalveluiden): what a coordinated compound's first part shares ("sosiaali- ja
	// terveyspalveluiden" holds sosiaalipalveluiden). "" when the word is not a compound.
	Head string
	// Known says Voikko recognised the word.
	Known bool
	// Stop marks a stop word (ja, on, että, …): it is neither indexed nor searched.
	Stop bool

	proper bool // some reading is a proper noun
}

// Analyzer turns written Finnish into Words: with Voikko, each word's base forms and compound
// parts, and the Snowball stem of words Voikko does not know (names, abbreviations such as
// Kymsote); without Voikko, Snowball stems alone. Results are cached (bounded), so a text's
// repeated words are analysed once. It is safe for concurrent use.
type Analyzer struct {
	voikko *Voikko // nil: Snowball alone
	cache  *cache
	stop   analysis.TokenMap
}

// CacheSize is how many words an Analyzer remembers.
const CacheSize = 200_000

// NewAnalyzer returns an Analyzer on v, or on Snowball alone when v is nil.
func NewAnalyzer(v *Voikko) *Analyzer {
	stop := analysis.NewTokenMap()
	if err := stop.LoadBytes(fi.FinnishStopWords); err != nil {
		panic(err) // the list is compiled in
	}
	return &Analyzer{voikko: v, cache: newCache(CacheSize), stop: stop}
}

// Name is NameVoikko or NameSnowball.
func (a *Analyzer) Name() string {
	if a.voikko != nil {
		return NameVoikko
	}
	return NameSnowball
}

// Voikko is the Voikko the analyzer uses, nil for Snowball alone.
func (a *Analyzer) Voikko() *Voikko { return a.voikko }

// defaultAnalyzers are created on first use and never changed: bleve builds the analyzers of
// an index by name, from the mapping stored in the index, through its process-wide registry,
// so an index's analyzers cannot be handed a Voikko constructed by the caller. Loading
// libvoikko once per process, when first needed, is what the registry allows; everything
// else takes its Analyzer as an argument.
var (
	defaultVoikko = sync.OnceValues(func() (*Analyzer, error) {
		v, err := Open(Config{})
		if err != nil {
			return nil, err
		}
		return NewAnalyzer(v), nil
	})
	defaultSnowball = sync.OnceValue(func() *Analyzer { return NewAnalyzer(nil) })
)

// Default returns the process's Voikko analyzer, loading libvoikko the first time. When
// libvoikko or its Finnish dictionary cannot be loaded it returns the Snowball analyzer and
// an error wrapping ErrUnavailable that says why.
func Default() (*Analyzer, error) {
	a, err := defaultVoikko()
	if err != nil {
		return defaultSnowball(), err
	}
	return a, nil
}

// SnowballAnalyzer returns the process's Snowball analyzer.
func SnowballAnalyzer() *Analyzer { return defaultSnowball() }

// Named returns the process's analyzer of that name (NameVoikko or NameSnowball); Voikko falls back
// to Snowball, with the error, when libvoikko cannot be loaded.
func Named(name string) (*Analyzer, error) {
	if name == NameVoikko {
		return Default()
	}
	return defaultSnowball(), nil
}

// Word analyses one written word (a token: no spaces).
//
// Which readings give what: every reading gives its base form. Compound parts come only from
// common-word readings, and not at all when the word also has a proper-noun reading
// (Pirkanmaalla is the place, not "pirkka" + "maa"; Kymenlaakson is not "kymi" + "laakso"):
// names are searched as names. Parts shorter than MinPartLength letters are left out. The
// figures that decided this rule are in docs/relevance.md.
//
// A word with hyphens (Keski-Uusimaa, covid-19, sote-keskus) stands for itself in its base
// forms, each piece's forms, and the pieces written together (sotekeskus); see hyphenated.
// A word Voikko does not know that ends in one it knows (nepsykoordinaattori) has the
// longest such tail as a part; see knownTail. A hyphen that ends the word (sosiaali- in
// "sosiaali- ja terveyspalvelut") is left out.
func (a *Analyzer) Word(s string) Word {
	lower := strings.TrimRight(strings.ToLower(s), "-")
	if _, stop := a.stop[lower]; stop {
		return Word{Exact: lower, Stop: true}
	}
	if w, ok := a.cache.get(lower); ok {
		return w
	}
	w := a.word(lower)
	a.cache.put(lower, w)
	return w
}

func (a *Analyzer) word(lower string) Word {
	if strings.Contains(lower, "-") {
		return a.hyphenated(lower)
	}
	w := a.voikkoWord(lower)
	if !w.Known {
		w.Bases = []string{stem(lower)}
		if tail, ok := a.knownTail(lower); ok {
			w.Parts = append(w.Parts, tail.Bases...)
		}
	}
	return w
}

// voikkoWord is what Voikko makes of a lower-case word; Known is false when it does not
// know it (or there is no Voikko).
func (a *Analyzer) voikkoWord(lower string) Word {
	if a.voikko != nil && voikkoMayKnow(lower) {
		if as := a.voikko.analyses(lower); len(as) > 0 {
			return wordFromAnalyses(lower, as)
		}
	}
	return Word{Exact: lower}
}

// Shortest tail knownTail accepts, and the shortest head it leaves before it.
const (
	minTailLength = 5
	minTailHead   = 2
)

// knownTail returns the longest tail of a word Voikko does not know that Voikko knows as a
// common word (nepsykoordinaattori: koordinaattori), so that the tail finds it; the tail is
// indexed as a part, which ranks below the word itself. When what comes before that tail is
// a word Voikko knows too (päihde + neuvona), the word is more likely a typo of a compound
// (päihdeneuvonta) than a new one, and it gets no tail: the spelling suggestion is its cue.
func (a *Analyzer) knownTail(lower string) (Word, bool) {
	if a.voikko == nil || !voikkoMayKnow(lower) {
		return Word{}, false
	}
	rs := []rune(lower)
	for i := minTailHead; len(rs)-i >= minTailLength; i++ {
		if w := a.voikkoWord(string(rs[i:])); w.Known && !w.proper {
			return w, !a.voikkoWord(string(rs[:i])).Known
		}
	}
	return Word{}, false
}

// hyphenated analyses a word with hyphens inside: its base forms are Voikko's when it knows
// the whole word, else the word with its last piece in base form (Etelä-Pohjanmaalla:
// etelä-pohjanmaa); its parts are every piece's forms, runs of pieces inside it and the
// bases written without hyphens (sotekeskus); its Leaves and Segments are the pieces.
func (a *Analyzer) hyphenated(lower string) Word {
	var pieces []string
	for _, p := range strings.Split(lower, "-") {
		if p != "" {
			pieces = append(pieces, p)
		}
	}
	w := a.voikkoWord(lower)
	w.Exact = lower
	if len(pieces) < 2 {
		return w
	}
	last := a.Word(pieces[len(pieces)-1])
	if !w.Known {
		prefix := strings.Join(pieces[:len(pieces)-1], "-") + "-"
		for _, b := range last.Bases {
			w.Bases = append(w.Bases, prefix+b)
		}
		if last.Stop {
			w.Bases = []string{lower}
		}
	}
	seen := map[string]bool{lower: true}
	for _, b := range w.Bases {
		seen[b] = true
	}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			w.Parts = append(w.Parts, t)
		}
	}
	for _, b := range w.Bases {
		add(strings.ReplaceAll(b, "-", ""))
	}
	w.Leaves, w.Segments, w.Head = nil, nil, ""
	known := true
	for _, p := range pieces {
		pw := a.Word(p)
		base := p
		if len(pw.Bases) > 0 {
			base = pw.Bases[0]
		}
		known = known && (pw.Known || !voikkoMayKnow(p))
		for _, t := range append(append([]string{p}, pw.Bases...), pw.Parts...) {
			add(t)
		}
		w.Leaves = append(w.Leaves, base)
		w.Segments = append(w.Segments, Segment{Surface: p, Base: base})
	}
	// Runs of pieces inside the word (covid-19 and 19-pandemia in covid-19-pandemian).
	for i := range pieces {
		for j := i + 1; j < len(pieces) && j-i < 4; j++ {
			if i == 0 && j == len(pieces)-1 {
				continue
			}
			add(strings.Join(pieces[i:j], "-") + "-" + w.Segments[j].Base)
		}
	}
	w.Head = lower[len(pieces[0])+1:]
	w.Known = w.Known || known && a.voikko != nil
	return w
}

// voikkoMayKnow filters out tokens that cannot be dictionary words, to spare Voikko calls:
// numbers, codes with digits and very long strings.
func voikkoMayKnow(s string) bool {
	if utf8.RuneCountInString(s) > maxWordLength {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}

// stem is the Snowball stem of a lower-case word.
func stem(lower string) string {
	env := snowballstem.NewEnv(lower)
	snowballfi.Stem(env)
	return env.Current()
}

// Suggest returns spelling suggestions for a word, best first: Voikko's, none without it.
func (a *Analyzer) Suggest(s string) []string {
	if a.voikko == nil || !voikkoMayKnow(strings.ToLower(s)) {
		return nil
	}
	return a.voikko.Suggest(s)
}

// properClasses are the CLASS values of proper-noun readings.
var properClasses = map[string]bool{"nimi": true, "etunimi": true, "sukunimi": true, "paikannimi": true}

// wordFromAnalyses applies the rule documented on Analyzer.Word to Voikko's readings of one
// lower-case word.
func wordFromAnalyses(lower string, as []reading) Word {
	w := Word{Exact: lower, Known: true}
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	proper := false
	for _, a := range as {
		add(&w.Bases, strings.ToLower(a.Baseform))
		proper = proper || properClasses[a.Class]
	}
	if proper {
		w.proper = true
		return w
	}
	for _, a := range as {
		parts := compoundParts(lower, a)
		if len(parts) < 2 {
			continue
		}
		leaves, combos := partForms(parts)
		if w.Leaves == nil {
			for _, l := range leaves {
				if utf8.RuneCountInString(l) >= MinPartLength {
					w.Leaves = append(w.Leaves, l)
				}
			}
			for _, p := range parts {
				w.Segments = append(w.Segments, Segment{Surface: p.surface, Base: p.base})
			}
			if strings.HasPrefix(lower, parts[0].surface) {
				w.Head = strings.TrimLeft(lower[len(parts[0].surface):], "-")
			}
		}
		for _, p := range append(leaves, combos...) {
			if utf8.RuneCountInString(p) >= MinPartLength {
				add(&w.Parts, p)
			}
		}
	}
	return w
}

// Segment is one part of a compound: as written in the word (mielen) and its base form
// (mieli).
type Segment struct{ Surface, Base string }

// part is one part of a compound: how it is written in the word (its surface, e.g. mielen)
// and its base form (mieli).
type part struct{ surface, base string }

// partForms returns the base of each part, and every contiguous run of two or more parts
// that is shorter than the whole word, written as the surfaces of its leading parts followed
// by the base of its last (mielen + terveys = mielenterveys, terveys + palvelu =
// terveyspalvelu).
func partForms(parts []part) (leaves, combos []string) {
	for _, p := range parts {
		leaves = append(leaves, p.base)
	}
	for i := range parts {
		for j := i + 1; j < len(parts); j++ {
			if i == 0 && j == len(parts)-1 {
				continue // the whole word: that is its base form
			}
			var b strings.Builder
			for _, p := range parts[i:j] {
				b.WriteString(p.surface)
			}
			b.WriteString(parts[j].base)
			combos = append(combos, b.String())
		}
	}
	return leaves, combos
}

// piece is one morpheme of WORDBASES: +surface(base), base may be missing.
type piece struct {
	surface, base string
	hasBase       bool
}

// parseWordbases reads Voikko's WORDBASES, e.g. +mielen(mieli)+terve(terve)+ys(+ys). Pieces
// without a base, such as +etä or the hyphen +-, have hasBase false.
func parseWordbases(s string) []piece {
	var ps []piece
	for len(s) > 0 && s[0] == '+' {
		s = s[1:]
		end := strings.IndexAny(s, "(+")
		if end < 0 {
			end = len(s)
		}
		// A piece's surface is never empty except for "+" itself, which cannot occur.
		p := piece{surface: s[:end]}
		s = s[end:]
		if len(s) > 0 && s[0] == '(' {
			close := strings.IndexByte(s, ')')
			if close < 0 {
				return nil
			}
			p.base, p.hasBase = s[1:close], true
			s = s[close+1:]
		}
		ps = append(ps, p)
	}
	return ps
}

// compoundParts splits one reading of a word into its compound parts. STRUCTURE says where
// the parts begin ("=" before each, one letter per character of the word); WORDBASES says
// what each morpheme is. A morpheme whose base begins with "+" is a derivational suffix and
// belongs to the part before it (terve + ys = terveys, palvel + u = palvelu); a part that is
// a single morpheme uses that morpheme's base (mielen: mieli); a part of several morphemes is
// their surfaces joined. A lexicalised compound given as one morpheme (maahanmuuttaja with
// base maahan=muuttaja) is split where its base's "=" marks agree with STRUCTURE.
func compoundParts(word string, a reading) []part {
	starts := partStarts(a.Structure)
	if len(starts) < 2 {
		return nil
	}
	pieces := splitLexicalised(parseWordbases(a.Wordbases), starts)
	if len(pieces) == 0 {
		return nil
	}
	groups := make([][]piece, len(starts))
	offset, k := 0, 0
	for _, p := range pieces {
		for k+1 < len(starts) && offset >= starts[k+1] {
			k++
		}
		if p.surface != "-" {
			groups[k] = append(groups[k], p)
		}
		offset += utf8.RuneCountInString(p.surface)
	}
	var parts []part
	for _, g := range groups {
		if len(g) == 0 {
			return nil // STRUCTURE and WORDBASES disagree: no parts rather than wrong ones
		}
		var surface strings.Builder
		for _, p := range g {
			surface.WriteString(p.surface)
		}
		pt := part{surface: strings.ToLower(surface.String())}
		pt.base = pt.surface
		if len(g) == 1 && g[0].hasBase && !strings.HasPrefix(g[0].base, "+") {
			pt.base = strings.ToLower(strings.ReplaceAll(g[0].base, "=", ""))
		}
		parts = append(parts, pt)
	}
	return parts
}

// partStarts returns the character offsets at which STRUCTURE starts a compound part.
func partStarts(structure string) []int {
	var starts []int
	n := 0
	for _, r := range structure {
		if r == '=' {
			if len(starts) == 0 || starts[len(starts)-1] != n {
				starts = append(starts, n)
			}
			continue
		}
		n++
	}
	return starts
}

// splitLexicalised splits a morpheme that spans part boundaries and whose base marks the same
// boundaries with "=" (+työhönvalmennus(työhön=valmennus)) into one morpheme per part, each
// its own base.
func splitLexicalised(pieces []piece, starts []int) []piece {
	var out []piece
	offset := 0
	for _, p := range pieces {
		n := utf8.RuneCountInString(p.surface)
		chunks := strings.Split(p.base, "=")
		if !p.hasBase || len(chunks) < 2 || !strings.EqualFold(strings.Join(chunks, ""), p.surface) {
			out = append(out, p)
			offset += n
			continue
		}
		at := offset
		agree := true
		for _, c := range chunks[:len(chunks)-1] {
			at += utf8.RuneCountInString(c)
			if !contains(starts, at) {
				agree = false
			}
		}
		if !agree {
			out = append(out, p)
		} else {
			for _, c := range chunks {
				out = append(out, piece{surface: c, base: c, hasBase: true})
			}
		}
		offset += n
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
