package indexer

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/mapping"

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
	FieldCreated         = "created"
	FieldModified        = "modified"
	FieldYear            = "year"
	FieldTitleSort       = "title_sort"
	// FieldModel stores the whole document as JSON; it is not searchable.
	FieldModel = "_model"
)

// TextFields are the analysed fields a free-text query searches, with their weights.
var TextFields = map[string]float64{
	FieldTitle:     4,
	FieldSummary:   2,
	FieldSections:  1,
	FieldLocation:  1,
	FieldProgramme: 1,
	FieldAuthors:   1,
}

// KeywordFields are the fields that filters and facets use.
var KeywordFields = []string{FieldRegion, FieldWellbeingCounty, FieldMunicipality, FieldPhase, FieldTopics,
	FieldPhenomena, FieldTargetGroups, FieldFunders, FieldYear, FieldLang}

// MappingVersion changes whenever the mapping below changes in a way that needs a rebuild.
const MappingVersion = 1

// TextAnalyzer is the analyzer of the text fields.
const TextAnalyzer = "fi"

func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = TextAnalyzer
	text.Store = true
	text.IncludeTermVectors = true

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
	for f := range TextFields {
		doc.AddFieldMappingsAt(f, text)
	}
	for _, f := range append([]string{FieldID, FieldTitleSort}, KeywordFields...) {
		doc.AddFieldMappingsAt(f, keyword)
	}
	doc.AddFieldMappingsAt(FieldCreated, date)
	doc.AddFieldMappingsAt(FieldModified, date)
	doc.AddFieldMappingsAt(FieldModel, stored)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = TextAnalyzer
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
	d := map[string]any{
		FieldID:              m.ID,
		FieldTitle:           m.Title,
		FieldSummary:         m.Summary,
		FieldSections:        sections,
		FieldLocation:        m.Location,
		FieldRegion:          m.Region,
		FieldWellbeingCounty: m.WellbeingCounty,
		FieldMunicipality:    m.Municipality,
		FieldTopics:          m.Topics,
		FieldPhenomena:       m.Phenomena,
		FieldTargetGroups:    m.TargetGroups,
		FieldFunders:         m.Funders,
		FieldAuthors:         m.Authors,
		FieldProgramme:       m.Programme,
		FieldTitleSort:       SortKey(m.Title),
		FieldModel:           string(js),
	}
	// Empty single values are left out, so that facets never list "".
	for field, v := range map[string]string{FieldLang: m.Lang, FieldPhase: m.Phase} {
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

// SortKey orders titles A to Ö the Finnish way: case-insensitive, with å, ä and ö after z
// (they become the bytes that follow "z" in ASCII).
func SortKey(s string) string {
	return strings.NewReplacer("å", "{", "ä", "|", "ö", "}").Replace(strings.ToLower(s))
}
