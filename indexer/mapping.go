package indexer

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/mallihaku/mallihaku/finnish"
	"github.com/mallihaku/mallihaku/practice"
)

// The index's field names. Text fields are analysed for Finnish; keyword fields hold facet
// values as written.
const (
	FieldID              = "id"
	FieldLang            = "lang"
	FieldTitle           = "title"
	FieldSummary         = "summary"
	FieldSections        = "sections"
	FieldLocation        = "location"
	FieldRegion          = "region"
	FieldWellbeingCounty = "wellbeing_county"
	FieldMunicipality    = "municipality"
	FieldPhase           = "phase"
	FieldTopics          = "topics"
	FieldPhenomena       = "phenomena"
	FieldTargetGroups    = "target_groups"
	FieldFunders         = "funders"
	FieldAuthors         = "authors"
	FieldProgramme       = "programme"
	// FieldProgrammeFacet holds the programme's name as written, for its facet.
	FieldProgrammeFacet  = "programme_facet"
	FieldDevelopmentPath = "development_path"
	// FieldFacts is the model's classification and places as text (topics, target groups,
	// phenomena, region, wellbeing county, municipalities, funders), so that words find what
	// stands only there: Porissa finds a model whose municipality is Pori.
	FieldFacts     = "facts"
	FieldCreated   = "created"
	FieldModified  = "modified"
	FieldYear      = "year"
	FieldTitleSort = "title_sort"
	// FieldModel stores the whole document as JSON; it is not searchable.
	FieldModel = "_model"
)

// textFields are the analysed fields a free-text query searches, with their weights: title
// and summary weigh more than body text.
var textFields = map[string]float64{
	FieldTitle:     4,
	FieldSummary:   2,
	FieldSections:  1,
	FieldLocation:  1,
	FieldProgramme: 1,
	FieldAuthors:   1,

	// The development path weighs like the sections.
	FieldDevelopmentPath: 1,
	FieldFacts:           1,
}

// The main text fields (formFields) are indexed three ways, so that a query can rank a word
// written as the user wrote it above the same word in another form, and that above a compound
// that merely contains it. The field under its own name (FieldTitle, …) holds every form a
// word stands for: as written, its base forms and its compound parts (see package finnish); it
// is the one phrases and highlights use (its term vectors; the text they mark is the stored
// model's, so no text field is stored a second time). Its base field holds the base forms
// alone, its exact field the words as written (in lower case). The other text fields (names
// of places, programmes and people) have the field holding every form only.

// formFields are the text fields that also have a base field and an exact field.
var formFields = []string{FieldTitle, FieldSummary, FieldSections, FieldDevelopmentPath}

// TextFields returns the names of the analysed fields a free-text query searches, A to Z.
func TextFields() []string { return slices.Sorted(maps.Keys(textFields)) }

// TextWeight is how much a match in text field f weighs: title and summary more than body
// text; 0 for a field that is not a text field.
func TextWeight(f string) float64 { return textFields[f] }

// FormFields returns the text fields that also have a base field and an exact field.
func FormFields() []string { return slices.Clone(formFields) }

// HasForms reports whether text field f also has a base field and an exact field.
func HasForms(f string) bool { return slices.Contains(formFields, f) }

// BaseField is the field holding the base forms of text field f's words.
func BaseField(f string) string { return f + "_base" }

// ExactField is the field holding text field f's words as written, in lower case.
func ExactField(f string) string { return f + "_exact" }

// keywordFields are the fields that filters and facets use.
var keywordFields = []string{FieldRegion, FieldWellbeingCounty, FieldMunicipality, FieldPhase, FieldTopics,
	FieldPhenomena, FieldTargetGroups, FieldFunders, FieldYear, FieldLang, FieldProgrammeFacet}

// MappingVersion changes whenever the mapping below changes in a way that needs a rebuild.
// 2: Finnish analysis by Voikko, and the base and exact fields; 3: those only for FormFields;
// 4: the development path, and the programme as a facet; 5: one tokenizer for texts and
// queries (hyphenated words whole, coordinated compounds), and FieldFacts.
const MappingVersion = 5

// textAnalyzer is the analyzer of the text fields themselves (every form of every word), which
// Index.Terms uses.
func textAnalyzer(analysisName string) analysis.Analyzer {
	_, _, all := finnish.AnalyzerNames(analysisName)
	return newMapping(analysisName).AnalyzerNamed(all)
}

// Option changes how Open sets up an index.
type Option func(*Index)

// WithAnalyzer makes new generations with the Finnish analysis a (finnish.Default() unless
// given): tests use it to compare Voikko with Snowball in one process.
func WithAnalyzer(a *finnish.Analyzer) Option { return func(ix *Index) { ix.analyzer = a } }

// WithFailpoint calls f at each step of a generation switch and before an incremental write
// (StepBuild, …, StepApply): crash tests stop the process at a chosen one.
func WithFailpoint(f func(step string)) Option { return func(ix *Index) { ix.failpoint = f } }

// defaultAnalyzer is the Finnish analysis of an index opened without WithAnalyzer: Voikko
// when libvoikko loads, else Snowball.
func defaultAnalyzer() *finnish.Analyzer {
	a, _ := finnish.Default()
	return a
}

// Analyzer is the Finnish analysis that the live generation was built with, which is what a
// query must be analysed with to match it (Snowball for an index built before Voikko was
// installed, until it is rebuilt).
func (ix *Index) Analyzer() *finnish.Analyzer {
	ix.mu.RLock()
	idx := ix.idx
	ix.mu.RUnlock()
	if idx == nil {
		return ix.analyzer
	}
	name, err := idx.GetInternal([]byte(metaAnalyzer))
	if err != nil || string(name) == ix.analyzer.Name() {
		return ix.analyzer
	}
	a, _ := finnish.Named(string(name))
	return a
}

// checkMeta says, at start-up, when the live generation was built by another mapping version
// or another analysis than new ones would be, and what rebuilds it.
func (ix *Index) checkMeta(idx bleve.Index) {
	v, _ := idx.GetInternal([]byte(metaMapping))
	a, _ := idx.GetInternal([]byte(metaAnalyzer))
	if string(v) != strconv.Itoa(MappingVersion) || string(a) != ix.analyzer.Name() {
		data := filepath.Dir(ix.dir)
		ix.log.Warn(fmt.Sprintf("the index was built with mapping %s and analyzer %s, this mallihaku uses mapping %d and analyzer %s: "+
			"search works but misses what the new analysis finds until the index is rebuilt with `mallihaku crawl --reparse --data %s` (or a full reindex)",
			orNone(v), orNone(a), MappingVersion, ix.analyzer.Name(), data),
			"index_mapping", string(v), "index_analyzer", string(a), "want_mapping", MappingVersion, "want_analyzer", ix.analyzer.Name(),
			"fix", "mallihaku crawl --reparse --data "+data)
	}
}

func orNone(b []byte) string {
	if len(b) == 0 {
		return "(none)"
	}
	return string(b)
}

// newMapping is the index mapping for a Finnish analysis (finnish.NameVoikko or
// finnish.NameSnowball).
func newMapping(analysisName string) mapping.IndexMapping {
	exactAnalyzer, baseAnalyzer, allAnalyzer := finnish.AnalyzerNames(analysisName)
	text := func(name, analyzer string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = vectors // positions for phrases, offsets for highlights
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}

	keyword := bleve.NewKeywordFieldMapping()
	keyword.Store = false
	keyword.DocValues = true

	date := bleve.NewDateTimeFieldMapping()
	date.Store = false

	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	for f := range textFields {
		fields := []*mapping.FieldMapping{text(f, allAnalyzer, true)}
		if HasForms(f) {
			fields = append(fields, text(BaseField(f), baseAnalyzer, false), text(ExactField(f), exactAnalyzer, true))
		}
		doc.AddFieldMappingsAt(f, fields...)
	}
	for _, f := range append([]string{FieldID, FieldTitleSort}, keywordFields...) {
		if f != FieldProgrammeFacet {
			doc.AddFieldMappingsAt(f, keyword)
		}
	}
	// The programme's name is searchable text and, as written, a facet value.
	programmeFacet := *keyword
	programmeFacet.Name = FieldProgrammeFacet
	doc.AddFieldMappingsAt(FieldProgramme, &programmeFacet)
	doc.AddFieldMappingsAt(FieldCreated, date)
	doc.AddFieldMappingsAt(FieldModified, date)
	doc.AddFieldMappingsAt(FieldModel, stored)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = allAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// document turns a model into what the index stores under the field names above.
func document(m practice.Model) (map[string]any, error) {
	m = m.WithEmptyLists()
	js, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	sections := make([]string, len(m.Sections))
	for i, s := range m.Sections {
		sections[i] = s.Text
	}
	path := make([]string, len(m.DevelopmentPath))
	for i, s := range m.DevelopmentPath {
		path[i] = s.Text
	}
	d := map[string]any{
		FieldID:              m.ID,
		FieldTitle:           m.Title,
		FieldSummary:         m.Summary,
		FieldSections:        sections,
		FieldDevelopmentPath: path,
		FieldLocation:        m.Location,
		FieldRegion:          m.Region,
		FieldWellbeingCounty: m.WellbeingCounty,
		FieldMunicipality:    m.Municipality,
		FieldTopics:          m.Topics,
		FieldPhenomena:       m.Phenomena,
		FieldTargetGroups:    m.TargetGroups,
		FieldFunders:         m.Funders,
		FieldAuthors:         m.Authors,
		FieldFacts:           facts(m),
		FieldTitleSort:       SortKey(m.Title),
		FieldModel:           string(js),
	}
	// Empty single values are left out, so that facets never list "".
	for field, v := range map[string]string{FieldLang: m.Lang, FieldPhase: m.Phase, FieldProgramme: m.Programme.Name} {
		if v != "" {
			d[field] = v
		}
	}
	if !m.Created.IsZero() {
		d[FieldCreated] = m.Created.Time()
	}
	if !m.Modified.IsZero() {
		d[FieldModified] = m.Modified.Time()
		d[FieldYear] = strconv.Itoa(m.Modified.Year())
	}
	return d, nil
}

// facts is what FieldFacts holds of a model: each value an element, so that no phrase
// runs from one into the next.
func facts(m practice.Model) []string {
	var values []string
	for _, l := range [][]string{m.Topics, m.TargetGroups, m.Phenomena, m.Region, m.WellbeingCounty, m.Municipality, m.Funders} {
		values = append(values, l...)
	}
	return values
}

// SortKey orders titles A to Ö the Finnish way: case-insensitive, with å, ä and ö after z
// (they become the bytes that follow "z" in ASCII).
func SortKey(s string) string {
	return strings.NewReplacer("å", "{", "ä", "|", "ö", "}").Replace(strings.ToLower(s))
}
