package extract

import "github.com/mallihaku/mallihaku/practice"

// Field names the practice.Model field a label fills; the values are the JSON field names of
// the document (SPEC §3).
type Field string

// The fields labels can fill.
const (
	FieldNone         Field = ""
	FieldTitle        Field = "title"
	FieldSummary      Field = "summary"
	FieldLocation     Field = "location"
	FieldRegions      Field = "regions_raw"
	FieldFunders      Field = "funders"
	FieldAuthors      Field = "authors"
	FieldCreated      Field = "created"
	FieldModified     Field = "modified"
	FieldPhase        Field = "phase"
	FieldTopics       Field = "topics"
	FieldPhenomena    Field = "phenomena"
	FieldTargetGroups Field = "target_groups"
	FieldSections     Field = "sections"
	FieldLinks        Field = "links"
	FieldProgramme    Field = "programme"
	// Fields of a programme's page (practice.Programme).
	FieldName         Field = "name"
	FieldPurpose      Field = "purpose"
	FieldPeriod       Field = "period"
	FieldActors       Field = "actors"
	FieldOrganisation Field = "organisation"
)

// Kind says how a label's values are read.
type Kind int

// The kinds of labels.
const (
	// KindText is one text; several value blocks are paragraphs joined with "\n\n".
	KindText Kind = iota
	// KindList is a list; every value block (and every paragraph of one) is a value.
	KindList
	// KindDate is a date read with practice.ParseDate.
	KindDate
	// KindPhase is a development phase read with practice.CanonicalPhase.
	KindPhase
	// KindSection is a long section; the page's heading is kept with its text.
	KindSection
	// KindTaxonomy is a list of values from a vocabulary. Text renderings put all values on one
	// line, space-joined; it is split by Vocabulary.
	KindTaxonomy
	// KindLinks is a list of links: each <a> is one, else each value block is a title.
	KindLinks
	// KindSkip is a field whose value is not content, such as a cover image's alt text.
	KindSkip
	// KindTab is a tab header: not content, it only ends the field before it.
	KindTab
	// KindPersonal is a person's contact detail (a name, an e-mail address): read past, never
	// kept.
	KindPersonal
)

// Label is one labelled field of a site's pages.
type Label struct {
	// Names are the label as pages write it, all variants; the first is used in reports.
	Names []string
	Field Field
	Kind  Kind
	// Optional labels are often absent; a page without them is complete.
	Optional bool
	// Core labels identify a practice-model page (see ErrNotAModel).
	Core bool
	// Vocabulary holds the known values of a KindTaxonomy label.
	Vocabulary []string
	// None is the value that means "no values" (Ilmiöt: "Ei liity ilmiöön").
	None string
	// NotContent are values that are dropped, such as the "Kuva" type marker of attachments.
	NotContent []string
}

// content reports whether the label's values go into the model.
func (l *Label) content() bool {
	return l.Kind != KindSkip && l.Kind != KindTab && l.Kind != KindPersonal
}

// innokylaLabels returns the labels of Innokylä's practice-model pages (SPEC §2), in page
// order: a new table each time, so that a profile changed by its user changes no other.
func innokylaLabels() []Label {
	return []Label{
		{Names: []string{"Toimintamallin nimi"}, Field: FieldTitle, Kind: KindText, Core: true},
		{Names: []string{"Toimintamallin lyhyt kuvaus", "Toimintamalli lyhyesti"}, Field: FieldSummary, Kind: KindText, Core: true},
		{Names: []string{"Toteutuspaikka"}, Field: FieldLocation, Kind: KindText, Optional: true},
		{Names: []string{"Paikkakunta, maakunta tai hyvinvointialue", "Paikkakunta tai maakunta"}, Field: FieldRegions, Kind: KindList, Core: true},
		{Names: []string{"Toimintamallin rahoittaja"}, Field: FieldFunders, Kind: KindList},
		{Names: []string{"Toimintamallin kokonaisuus"}, Field: FieldProgramme, Kind: KindText, Optional: true},
		{Names: []string{"Liitteet ja linkit"}, Field: FieldLinks, Kind: KindLinks, Optional: true, NotContent: []string{imageMarker, captionMarker}},
		{Names: []string{"Tekijä"}, Field: FieldAuthors, Kind: KindList, Optional: true},
		{Names: []string{"Luotu"}, Field: FieldCreated, Kind: KindDate},
		{Names: []string{"Viimeksi muokattu"}, Field: FieldModified, Kind: KindDate},
		{Names: []string{"Ratkaisun perusidea"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Toimintaympäristö"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Kohderyhmä ja asiakasymmärrys"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Toimivuuden ja käyttöönoton ehdot"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Arvioinnin tulokset tiivistettynä"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Vinkit toimintamallin soveltajille"}, Field: FieldSections, Kind: KindSection, Optional: true},
		{Names: []string{"Kansikuva"}, Kind: KindSkip},
		{Names: []string{"Kehittämisen vaihe"}, Field: FieldPhase, Kind: KindPhase},
		{Names: []string{"Aihealueet"}, Field: FieldTopics, Kind: KindTaxonomy, Vocabulary: practice.Topics()},
		{Names: []string{"Ilmiöt"}, Field: FieldPhenomena, Kind: KindTaxonomy, Vocabulary: practice.Phenomena(), None: practice.NoPhenomenon},
		{Names: []string{"Kohderyhmä"}, Field: FieldTargetGroups, Kind: KindTaxonomy, Vocabulary: practice.TargetGroups()},
		{Names: []string{"Perustiedot"}, Kind: KindTab},
		{Names: []string{"Toimintamallin kuvaus"}, Kind: KindTab},
	}
}

// The markers of an image among a model's attachments: "Kuva", its alt text, then "Kuvateksti"
// and its caption.
const (
	imageMarker   = "Kuva"
	captionMarker = "Kuvateksti"
)

// innokylaProgrammeLabels returns the labels of Innokylä's programme pages, in page order, a
// new table each time. The contact person's name and e-mail are personal and never kept; the
// organisation is.
func innokylaProgrammeLabels() []Label {
	return []Label{
		{Names: []string{"Kokonaisuuden nimi"}, Field: FieldName, Kind: KindText, Core: true},
		{Names: []string{"Lyhyt kuvaus", "Kokonaisuuden lyhyt kuvaus"}, Field: FieldSummary, Kind: KindText, Core: true},
		{Names: []string{"Kokonaisuuden tarkoitus ja tavoitteet"}, Field: FieldPurpose, Kind: KindText, Optional: true},
		{Names: []string{"Toimiaika"}, Field: FieldPeriod, Kind: KindText, Optional: true},
		{Names: []string{"Toimijat"}, Field: FieldActors, Kind: KindList, Optional: true},
		{Names: []string{"Rahoittaja"}, Field: FieldFunders, Kind: KindList, Optional: true},
		{Names: []string{"Yhteyshenkilön nimi"}, Kind: KindPersonal},
		{Names: []string{"Yhteyshenkilön sähköposti", "Sähköposti"}, Kind: KindPersonal},
		{Names: []string{"Yhteyshenkilön organisaatio"}, Field: FieldOrganisation, Kind: KindText, Optional: true},
		{Names: []string{"Luotu"}, Field: FieldCreated, Kind: KindDate},
		{Names: []string{"Viimeksi muokattu"}, Field: FieldModified, Kind: KindDate},
	}
}
