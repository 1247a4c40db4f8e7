package extract

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mallihaku/mallihaku/practice"
)

// ErrNotAModel means a page does not carry a practice model's labels. A page is read as a
// model only when it has at least one core label (Toimintamallin nimi, the short description
// or the region field), at least minModelLabels of the profile's content labels (tab headers and
// Kansikuva do not count) and a title. Anything less is never indexed, not even half-empty.
var ErrNotAModel = errors.New("not a practice-model page")

const minModelLabels = 3

// maxValues bounds a list field (Finland has 308 municipalities), so a hostile page cannot make
// normalisation or indexing slow; the rest is reported as not understood.
const maxValues = 1000

// Report tells what extraction found on a page, for the inspect command and crawl logs.
type Report struct {
	// Found are the labels found, as the page wrote them, in page order.
	Found []string
	// Missing are the profile's labels not on the page, optional ones included.
	Missing []string
	// NotUnderstood are values that could not be read, as "label: value".
	NotUnderstood []string
	// UnknownRegions are region values the gazetteer does not know; they stay in RegionsRaw.
	UnknownRegions []string
	// Values are the raw values of every field found, in page order.
	Values []FieldValues

	optional map[string]bool
}

// FieldValues are the value blocks found under one label or section heading.
type FieldValues struct {
	Label  string
	Field  Field
	Values []string
}

// Extract reads a practice model from an HTML page (UTF-8) at pageURL using the profile's
// labels. A nil profile means Innokyla(). When the page is not a model the error wraps
// ErrNotAModel; the report is filled in either case.
func HTML(pageURL string, body []byte, p *Profile) (practice.Model, Report, error) {
	return read(pageURL, htmlBlocks(body), p, false)
}

// ExtractText is Extract for a plain-text rendering of a page: one text block a line, the
// title first, section headings ending in "**".
func Text(pageURL, text string, p *Profile) (practice.Model, Report, error) {
	return read(pageURL, textBlocks(text), p, true)
}

// labelField is a label found on the page and the blocks that followed it.
type labelField struct {
	label   *Label
	name    string // the label's name as matched, or the heading of an unlabelled section
	heading string // the heading as the page wrote it, for sections
	blocks  []block
}

// unlabelledSection is the label of a heading that is not in the profile but stands among the
// sections.
var unlabelledSection = &Label{Field: FieldSections, Kind: KindSection}

func read(pageURL string, blocks []block, p *Profile, plain bool) (practice.Model, Report, error) {
	if p == nil {
		p = Innokyla()
	}
	lookup := labelLookup(p.Labels)
	blocks = splitLabelLines(blocks, lookup)
	fields := readFields(blocks, lookup)
	m, rep := buildModel(fields, plain)
	resolveLinks(pageURL, m.Links)
	if href := m.Programme.URL; href != "" {
		m.Programme.URL = ""
		if ref, ok := ProgrammeRef(pageURL, href, m.Programme.Name, p); ok {
			m.Programme = ref
		}
	}
	m.URL = pageURL
	m.ID, m.Lang = identity(pageURL, p.ModelPath)
	if m.ID == "" {
		rep.NotUnderstood = append(rep.NotUnderstood, "URL: "+pageURL+" is not a model page of "+p.Name)
	}
	// A rendering that follows Toimintamallin nimi straight with the short description has
	// the name in its h1 only.
	if h1 := pageTitle(blocks, lookup); m.Title == "" || h1 != "" && isParagraph(m.Title) && m.Title != h1 {
		if m.Title != "" && m.Summary == "" {
			m.Summary = m.Title
		}
		m.Title = h1
	}

	rep.optional = map[string]bool{}
	found := map[*Label]bool{}
	core := false
	for _, f := range fields {
		found[f.label] = true
		core = core || f.label.Core
	}
	content, total := 0, 0
	for i := range p.Labels {
		l := &p.Labels[i]
		if !l.content() {
			continue
		}
		total++
		if found[l] {
			content++
			continue
		}
		rep.Missing = append(rep.Missing, l.Names[0])
		if l.Optional {
			rep.optional[l.Names[0]] = true
		}
	}
	if !core || content < minModelLabels || m.Title == "" {
		return m, rep, fmt.Errorf("extract %s: %w (%d of %d labels found)", pageURL, ErrNotAModel, content, total)
	}
	return m, rep, nil
}

// readFields walks the blocks: a block that is a label starts a field and the blocks up to the
// next label are its values. Headings among the sections (after the first section, before the
// phase and taxonomy block) start sections of their own; elsewhere a heading ends the field
// before it unless it is that field's first value.
func readFields(blocks []block, lookup func(block) (*Label, string)) []*labelField {
	var fields []*labelField
	var cur *labelField
	inSections, pastSections := false, false
	for _, b := range blocks {
		if l, name := lookup(b); l != nil {
			// newer renderings repeat a label in a visually hidden copy
			if cur != nil && cur.label == l && len(cur.blocks) == 0 {
				continue
			}
			switch l.Kind {
			case KindSection:
				inSections = true
			case KindPhase, KindTaxonomy:
				pastSections = pastSections || inSections
			}
			cur = &labelField{label: l, name: name, heading: strings.TrimSuffix(headingText(b.Text), ":")}
			fields = append(fields, cur)
			continue
		}
		if b.Level > 0 {
			if inSections && !pastSections {
				h := headingText(b.Text)
				cur = &labelField{label: unlabelledSection, name: h, heading: h}
				fields = append(fields, cur)
				continue
			}
			if cur != nil && len(cur.blocks) > 0 {
				cur = nil
				continue
			}
		}
		if cur != nil {
			cur.blocks = append(cur.blocks, b)
		}
	}
	return fields
}

// datePattern finds a date within a value such as "6.6.2023 klo 12.00".
var datePattern = regexp.MustCompile(`\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{4}-\d{2}-\d{2}`)

func buildModel(fields []*labelField, plain bool) (practice.Model, Report) {
	var m practice.Model
	var rep Report
	filled := map[Field]bool{}
	notUnderstood := func(f *labelField, v string) {
		rep.NotUnderstood = append(rep.NotUnderstood, f.name+": "+v)
	}
	capValues := func(f *labelField, values []string) []string {
		if len(values) > maxValues {
			notUnderstood(f, fmt.Sprintf("%d more values ignored", len(values)-maxValues))
			values = values[:maxValues]
		}
		return values
	}
	for _, f := range fields {
		l := f.label
		if l != unlabelledSection && !slices.Contains(rep.Found, f.name) {
			rep.Found = append(rep.Found, f.name)
		}
		fv := FieldValues{Label: f.name, Field: l.Field}
		for _, b := range f.blocks {
			fv.Values = append(fv.Values, b.Text)
		}
		rep.Values = append(rep.Values, fv)
		if l.Kind == KindTab && len(f.blocks) > 0 {
			// A tab header with text of its own is a section of that name: a rendering that
			// writes "Toimintamallin kuvaus" as a heading among the sections.
			m.Sections = append(m.Sections, practice.Section{Heading: f.heading, Text: joinBlocks(f.blocks)})
			continue
		}
		if !l.content() || len(f.blocks) == 0 {
			continue
		}
		if l.Kind == KindSection {
			m.Sections = append(m.Sections, practice.Section{Heading: f.heading, Text: joinBlocks(f.blocks)})
			continue
		}
		if filled[l.Field] { // the first occurrence of a field wins
			continue
		}
		filled[l.Field] = true

		switch l.Kind {
		case KindText:
			setText(&m, l.Field, joinBlocks(f.blocks))
			if l.Field == FieldProgramme {
				m.Programme.URL = firstHref(f.blocks) // resolved by read
			}
		case KindList:
			setList(&m, l.Field, capValues(f, listValues(f.blocks, l)))
		case KindDate:
			d, text, ok := readDate(f.blocks)
			if !ok {
				notUnderstood(f, text)
				break
			}
			if l.Field == FieldCreated {
				m.Created = d
			} else if l.Field == FieldModified {
				m.Modified = d
			}
		case KindPhase:
			phase, ok := "", false
			for _, b := range f.blocks {
				if phase, ok = practice.CanonicalPhase(b.Text); ok {
					break
				}
			}
			if !ok {
				phase, _ = practice.CanonicalPhase(oneLine(f.blocks[0].Text))
				notUnderstood(f, phase)
			}
			m.Phase = phase
		case KindTaxonomy:
			var values []string
			for _, v := range listValues(f.blocks, l) {
				if plain {
					split, ok := practice.SplitByVocabulary(v, l.Vocabulary)
					if !ok {
						notUnderstood(f, v)
					}
					values = append(values, split...)
				} else {
					values = append(values, v)
				}
			}
			setList(&m, l.Field, capValues(f, dedupe(values)))
		case KindLinks:
			m.Links, m.Images = readLinks(f.blocks, l)
			if len(m.Links) > maxValues {
				notUnderstood(f, fmt.Sprintf("%d more links ignored", len(m.Links)-maxValues))
				m.Links = m.Links[:maxValues]
			}
		}
	}
	if len(m.RegionsRaw) > 0 {
		r := practice.DefaultGazetteer().Normalize(m.RegionsRaw)
		m.Region, m.WellbeingCounty, m.Municipality = r.Region, r.WellbeingCounty, r.Municipality
		rep.UnknownRegions = r.Unknown
	}
	for _, s := range []*[]string{&m.RegionsRaw, &m.Region, &m.WellbeingCounty, &m.Municipality,
		&m.Funders, &m.Authors, &m.Topics, &m.Phenomena, &m.TargetGroups} {
		if *s == nil {
			*s = []string{}
		}
	}
	return m.WithEmptyLists(), rep
}

func joinBlocks(blocks []block) string {
	texts := make([]string, len(blocks))
	for i, b := range blocks {
		texts[i] = b.Text
	}
	return strings.Join(texts, "\n\n")
}

// listValues returns each paragraph of each block as a value, without the label's
// not-content and none values.
func listValues(blocks []block, l *Label) []string {
	var values []string
	for _, b := range blocks {
		for _, v := range strings.Split(b.Text, "\n\n") {
			v = oneLine(v)
			if v == "" || isOneOf(v, l.NotContent) || (l.None != "" && strings.EqualFold(v, l.None)) {
				continue
			}
			values = append(values, v)
		}
	}
	return dedupe(values)
}

// readLinks reads the attachments: every <a> is a link, else each value is a link's title;
// an image, written "Kuva", its alt text, "Kuvateksti" and its caption (either may be
// missing), is one image with its caption, not links.
func readLinks(blocks []block, l *Label) ([]practice.Link, []practice.Image) {
	var links []practice.Link
	var images []practice.Image
	seen := map[practice.Link]bool{}
	add := func(title, href string) {
		link := practice.Link{Title: title, URL: href}
		if title == "" || isOneOf(title, l.NotContent) || seen[link] {
			return
		}
		seen[link] = true
		links = append(links, link)
	}
	// next is what the value after a marker is: the image's alt text after "Kuva", its
	// caption after "Kuvateksti"; open says the last image may still get a caption.
	const (
		none = iota
		alt
		caption
	)
	next, open := none, false
	for _, b := range blocks {
		for _, v := range strings.Split(b.Text, "\n\n") {
			v = oneLine(v)
			switch {
			case v == "":
				continue
			case strings.EqualFold(v, imageMarker):
				images = append(images, practice.Image{})
				next, open = alt, true
				continue
			case strings.EqualFold(v, captionMarker):
				if !open {
					images = append(images, practice.Image{})
				}
				next, open = caption, false
				continue
			}
			if next != none && !isAnchor(b, v) {
				img := &images[len(images)-1]
				if next == alt {
					img.Alt = v
				} else {
					img.Caption = v
				}
				next = none
				continue
			}
			next, open = none, false
			if len(b.Anchors) == 0 {
				add(v, "")
			}
		}
		for _, a := range b.Anchors {
			add(a.Text, a.Href)
		}
	}
	return links, images
}

// isAnchor reports whether text v is the text of one of the block's links.
func isAnchor(b block, v string) bool {
	for _, a := range b.Anchors {
		if a.Text == v {
			return true
		}
	}
	return false
}

// firstHref is the address of the first link among the blocks.
func firstHref(blocks []block) string {
	for _, b := range blocks {
		for _, a := range b.Anchors {
			if a.Href != "" {
				return a.Href
			}
		}
	}
	return ""
}

// readDate reads a date value such as "6.6.2023 klo 12.00"; text is the value as one line.
func readDate(blocks []block) (d practice.Date, text string, ok bool) {
	text = oneLine(joinBlocks(blocks))
	s := datePattern.FindString(text)
	if s == "" {
		s = text
	}
	d, err := practice.ParseDate(s)
	return d, text, err == nil
}

// labelLookup returns the function that tells which of labels a block is, by its text.
func labelLookup(labels []Label) func(block) (*Label, string) {
	type match struct {
		label *Label
		name  string
	}
	byKey := map[string]match{}
	for i := range labels {
		for _, n := range labels[i].Names {
			byKey[labelKey(n)] = match{&labels[i], n}
		}
	}
	return func(b block) (*Label, string) {
		if strings.Contains(b.Text, "\n") {
			return nil, ""
		}
		m := byKey[labelKey(b.Text)]
		return m.label, m.name
	}
}

// splitLabelLines breaks a block holding labels among its lines (a rendering with single line
// breaks between everything, as <br>s in one element) into a block a line, so that its
// labels stand on lines of their own as elsewhere.
func splitLabelLines(blocks []block, lookup func(block) (*Label, string)) []block {
	var out []block
	for _, b := range blocks {
		if !strings.Contains(b.Text, "\n") {
			out = append(out, b)
			continue
		}
		lines := strings.Split(b.Text, "\n")
		labelled := false
		for _, line := range lines {
			if l, _ := lookup(block{Text: line}); l != nil {
				labelled = true
				break
			}
		}
		if !labelled {
			out = append(out, b)
			continue
		}
		for _, line := range lines {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, block{Text: line, Anchors: anchorsIn(b.Anchors, line)})
			}
		}
	}
	return out
}

// anchorsIn are those of anchors whose text stands in line.
func anchorsIn(anchors []anchor, line string) []anchor {
	var out []anchor
	for _, a := range anchors {
		if strings.Contains(line, a.Text) {
			out = append(out, a)
		}
	}
	return out
}

// pageTitle is the page's first level 1 heading that is not a label, "" when it has none.
func pageTitle(blocks []block, lookup func(block) (*Label, string)) string {
	for _, b := range blocks {
		if l, _ := lookup(b); b.Level == 1 && l == nil {
			return oneLine(b.Text)
		}
	}
	return ""
}

// isParagraph reports whether a title value is in fact running text: several sentences, or
// one sentence longer than a name is.
func isParagraph(s string) bool {
	sentences := strings.Count(s, ". ") + strings.Count(s, "! ") + strings.Count(s, "? ")
	return sentences >= 1 && strings.HasSuffix(s, ".") || utf8.RuneCountInString(s) > 200
}

func setText(m *practice.Model, f Field, s string) {
	switch f {
	case FieldTitle:
		m.Title = oneLine(s)
	case FieldSummary:
		m.Summary = s
	case FieldLocation:
		m.Location = s
	case FieldProgramme:
		m.Programme = practice.ProgrammeRef{Name: s}
	}
}

func setList(m *practice.Model, f Field, values []string) {
	switch f {
	case FieldRegions:
		m.RegionsRaw = values
	case FieldFunders:
		m.Funders = values
	case FieldAuthors:
		m.Authors = values
	case FieldTopics:
		m.Topics = values
	case FieldPhenomena:
		m.Phenomena = values
	case FieldTargetGroups:
		m.TargetGroups = values
	}
}

// resolveLinks makes the links' URLs absolute against the page; a URL that is not http(s) is
// dropped, its title kept.
func resolveLinks(pageURL string, links []practice.Link) {
	base, baseErr := url.Parse(pageURL)
	for i := range links {
		href := links[i].URL
		links[i].URL = ""
		if href == "" || baseErr != nil {
			continue
		}
		u, err := base.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		if s := u.String(); utf8.ValidString(s) {
			links[i].URL = s
		}
	}
}

// labelKey is how blocks are matched against labels: "**" and a trailing colon dropped, case
// and spacing ignored.
func labelKey(s string) string {
	s = strings.TrimSuffix(headingText(s), ":")
	return strings.ToLower(oneLine(headingText(s)))
}

func isOneOf(v string, list []string) bool {
	for _, s := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// dedupe drops empty and repeated values, keeping the first of each.
func dedupe(values []string) []string {
	seen := make(map[string]bool, len(values))
	out := values[:0]
	for _, v := range values {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// WriteTo prints the report field by field, as the inspect command shows it.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "found (%d):\n", len(r.Found))
	for _, f := range r.Values {
		field := string(f.Field)
		if field == "" {
			field = "not content"
		}
		fmt.Fprintf(&b, "  %s [%s]:", f.Label, field)
		switch len(f.Values) {
		case 0:
			b.WriteString(" (empty)\n")
		case 1:
			fmt.Fprintf(&b, " %s\n", shorten(f.Values[0]))
		default:
			b.WriteString("\n")
			for _, v := range f.Values {
				fmt.Fprintf(&b, "    %s\n", shorten(v))
			}
		}
	}
	missing := make([]string, len(r.Missing))
	for i, m := range r.Missing {
		missing[i] = m
		if r.optional[m] {
			missing[i] += " (optional)"
		}
	}
	for _, l := range []struct {
		name   string
		values []string
	}{{"missing", missing}, {"not understood", r.NotUnderstood}, {"unknown regions", r.UnknownRegions}} {
		fmt.Fprintf(&b, "%s (%d):", l.name, len(l.values))
		if len(l.values) == 0 {
			b.WriteString(" none\n")
			continue
		}
		b.WriteString("\n")
		for _, v := range l.values {
			fmt.Fprintf(&b, "  %s\n", v)
		}
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// String returns the report as WriteTo prints it.
func (r Report) String() string {
	var b strings.Builder
	r.WriteTo(&b)
	return b.String()
}

// shorten folds a value to one line of at most 160 characters.
func shorten(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= 160 {
		return s
	}
	r := []rune(s)
	return string(r[:159]) + "…"
}

// Stable are the fields every practice model has and no edit of a model takes away: when a
// page that had one no longer yields it, the page's layout has changed (see StableFields).
var stable = []Field{FieldTitle, FieldSummary, FieldRegions, FieldCreated, FieldModified, FieldPhase}

// StableFields returns the stable fields m has values for, in a fixed order: title, summary,
// regions_raw, created, modified, phase. A page that yielded one of them before and not now
// is no longer read as it was.
func StableFields(m practice.Model) []Field {
	var out []Field
	for _, f := range stable {
		has := false
		switch f {
		case FieldTitle:
			has = m.Title != ""
		case FieldSummary:
			has = m.Summary != ""
		case FieldRegions:
			has = len(m.RegionsRaw) > 0
		case FieldCreated:
			has = !m.Created.IsZero()
		case FieldModified:
			has = !m.Modified.IsZero()
		case FieldPhase:
			has = m.Phase != ""
		}
		if has {
			out = append(out, f)
		}
	}
	return out
}
