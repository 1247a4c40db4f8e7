package extract

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/mallihaku/mallihaku/practice"
)

// ErrNotAProgramme means a page does not carry a programme's labels: its name and short
// description (Kokonaisuuden nimi, Lyhyt kuvaus), or one of them and a name from the page's
// title, at a programme address.
var ErrNotAProgramme = errors.New("not a programme page")

// ProgrammeHTML reads a programme (toimintamallin kokonaisuus) from its HTML page at pageURL
// using the profile's programme labels; a nil profile means Innokyla(). The contact person's
// name and e-mail are read past, and e-mail addresses are removed from every value: none is
// in the programme or in the report.
func ProgrammeHTML(pageURL string, body []byte, p *Profile) (practice.Programme, Report, error) {
	return readProgramme(pageURL, splitLabelLines(htmlBlocks(body), labelLookup(profileOf(p).ProgrammeLabels)), profileOf(p))
}

// ProgrammeText is ProgrammeHTML for a plain-text rendering of a programme's page.
func ProgrammeText(pageURL, text string, p *Profile) (practice.Programme, Report, error) {
	return readProgramme(pageURL, textBlocks(text), profileOf(p))
}

func profileOf(p *Profile) *Profile {
	if p == nil {
		return Innokyla()
	}
	return p
}

// IsProgrammePage reports whether pageURL is a programme's page for the profile.
func IsProgrammePage(pageURL string, p *Profile) bool { return ProgrammeID(pageURL, p) != "" }

// ProgrammeRef returns the programme a link on a model's page points to, when href (resolved
// against the page) is a programme's page of the profile.
func ProgrammeRef(pageURL, href, name string, p *Profile) (practice.ProgrammeRef, bool) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return practice.ProgrammeRef{}, false
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return practice.ProgrammeRef{}, false
	}
	u.RawQuery, u.Fragment = "", ""
	id, _ := identity(u.String(), profileOf(p).ProgrammePath)
	if id == "" {
		return practice.ProgrammeRef{}, false
	}
	return practice.ProgrammeRef{ID: id, Name: name, URL: u.String()}, true
}

func readProgramme(pageURL string, blocks []block, p *Profile) (practice.Programme, Report, error) {
	lookup := labelLookup(p.ProgrammeLabels)
	fields := readFields(blocks, lookup)
	var pr practice.Programme
	var rep Report
	rep.optional = map[string]bool{}
	filled := map[Field]bool{}
	found := map[*Label]bool{}
	core := 0
	for _, f := range fields {
		l := f.label
		if l == unlabelledSection {
			continue
		}
		if !found[l] && l.Core {
			core++
		}
		found[l] = true
		if !slices.Contains(rep.Found, f.name) {
			rep.Found = append(rep.Found, f.name)
		}
		fv := FieldValues{Label: f.name, Field: l.Field}
		for _, b := range f.blocks {
			v := practice.WithoutEmails(b.Text)
			if l.Kind == KindPersonal {
				v = "(personal, not kept)"
			}
			fv.Values = append(fv.Values, v)
		}
		rep.Values = append(rep.Values, fv)
		if !l.content() || len(f.blocks) == 0 || filled[l.Field] {
			continue
		}
		filled[l.Field] = true
		switch l.Kind {
		case KindText:
			text := practice.WithoutEmails(joinBlocks(f.blocks))
			switch l.Field {
			case FieldName:
				pr.Name = oneLine(text)
			case FieldSummary:
				pr.Summary = text
			case FieldPurpose:
				pr.Purpose = text
			case FieldPeriod:
				pr.Period = oneLine(text)
			case FieldOrganisation:
				pr.Organisation = oneLine(text)
			}
		case KindList:
			var values []string
			for _, v := range listValues(f.blocks, l) {
				if v = practice.WithoutEmails(v); v != "" {
					values = append(values, v)
				}
			}
			if len(values) > maxValues {
				rep.NotUnderstood = append(rep.NotUnderstood, fmt.Sprintf("%s: %d more values ignored", f.name, len(values)-maxValues))
				values = values[:maxValues]
			}
			switch l.Field {
			case FieldActors:
				pr.Actors = values
			case FieldFunders:
				pr.Funders = values
			}
		case KindDate:
			d, text, ok := readDate(f.blocks)
			if !ok {
				rep.NotUnderstood = append(rep.NotUnderstood, f.name+": "+text)
				break
			}
			if l.Field == FieldCreated {
				pr.Created = d
			} else {
				pr.Modified = d
			}
		}
	}
	for i := range p.ProgrammeLabels {
		l := &p.ProgrammeLabels[i]
		if !found[l] && l.content() {
			rep.Missing = append(rep.Missing, l.Names[0])
			rep.optional[l.Names[0]] = l.Optional
		}
	}
	pr.URL = pageURL
	pr.ID, pr.Lang = identity(pageURL, p.ProgrammePath)
	if pr.ID == "" {
		rep.NotUnderstood = append(rep.NotUnderstood, "URL: "+pageURL+" is not a programme page of "+p.Name)
	}
	if pr.Name == "" {
		for _, b := range blocks {
			if l, _ := lookup(b); b.Level == 1 && l == nil {
				pr.Name = oneLine(practice.WithoutEmails(b.Text))
				break
			}
		}
	}
	pr = pr.WithEmptyLists()
	if pr.ID == "" || pr.Name == "" || core == 0 || (core < 2 && len(rep.Found) < minModelLabels) {
		return pr, rep, fmt.Errorf("extract %s: %w (%d labels found)", pageURL, ErrNotAProgramme, len(rep.Found))
	}
	return pr, rep, nil
}

// identity returns the ID and language of a page from its URL path and the path pattern of
// its kind: the slug for Finnish pages, "<slug>--<lang>" for others. The ID is empty when the
// path does not match.
func identity(pageURL string, path *regexp.Regexp) (id, lang string) {
	lang = "fi"
	u, err := url.Parse(pageURL)
	if err != nil || path == nil {
		return "", lang
	}
	match := path.FindStringSubmatch(u.Path)
	if match == nil {
		return "", lang
	}
	slug := ""
	if i := path.SubexpIndex("slug"); i >= 0 {
		slug = match[i]
	}
	if i := path.SubexpIndex("lang"); i >= 0 && match[i] != "" {
		lang = match[i]
	}
	if slug == "" || lang == "fi" {
		return slug, lang
	}
	return slug + "--" + lang, lang
}

// ProgrammeID is the ID of the programme whose page is at pageURL, "" when it is not one.
func ProgrammeID(pageURL string, p *Profile) string {
	id, _ := identity(pageURL, profileOf(p).ProgrammePath)
	return id
}

// ModelID is the ID of the model whose page is at pageURL, "" when it is not one.
func ModelID(pageURL string, p *Profile) string {
	id, _ := identity(pageURL, profileOf(p).ModelPath)
	return id
}
