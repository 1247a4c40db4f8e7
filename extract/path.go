package extract

import (
	"strings"

	"github.com/mallihaku/mallihaku/practice"
)

// PathHTML reads the sections of a model's development-path sub-page (<model>/kehittamisen-
// polku): every heading below the page's title starts a section, whatever its wording, with
// or without "**"; the text up to the next heading is its text. Headings without text, the
// page's tabs and text before the first heading are left out. A page without sections gives
// none, which is fine: most models have a path, some do not.
func PathHTML(body []byte, p *Profile) ([]practice.Section, Report) {
	return readPath(htmlBlocks(body), profileOf(p))
}

// PathText is PathHTML for a plain-text rendering: a line ending in "**", or one that is a
// heading the profile knows (PathHeadings), starts a section.
func PathText(text string, p *Profile) ([]practice.Section, Report) {
	return readPath(textBlocks(text), profileOf(p))
}

func readPath(blocks []block, p *Profile) ([]practice.Section, Report) {
	known, noise := map[string]bool{}, map[string]bool{}
	for _, h := range p.PathHeadings {
		known[labelKey(h)] = true
	}
	for _, n := range p.PathNoise {
		noise[labelKey(n)] = true
	}
	var sections []practice.Section
	var texts [][]string
	for _, b := range blocks {
		oneBlock := !strings.Contains(b.Text, "\n")
		switch {
		case b.Level == 1:
			continue // the page's title: the model's name
		case oneBlock && noise[labelKey(b.Text)]:
			continue
		case b.Level >= 2 || oneBlock && known[labelKey(b.Text)]:
			if len(sections) >= maxValues {
				continue
			}
			sections = append(sections, practice.Section{Heading: strings.TrimSuffix(headingText(b.Text), ":")})
			texts = append(texts, nil)
			continue
		}
		if n := len(texts); n > 0 {
			texts[n-1] = append(texts[n-1], b.Text)
		}
	}
	var rep Report
	out := []practice.Section{}
	for i, s := range sections {
		rep.Found = append(rep.Found, s.Heading)
		rep.Values = append(rep.Values, FieldValues{Label: s.Heading, Field: "development_path", Values: texts[i]})
		if len(texts[i]) == 0 {
			continue
		}
		s.Text = strings.Join(texts[i], "\n\n")
		out = append(out, s)
	}
	return out, rep
}
