package practice

import (
	"regexp"
	"strings"
)

// iconNoise matches the titles of inline SVG icons that text renderings of a page carry,
// such as "icon/chevron-down Created with Sketch.".
var iconNoise = regexp.MustCompile(`icon/[\w-]+\s+Created with Sketch\.?`)

// CleanText removes icon noise, turns no-break and other odd spaces into plain ones and folds
// runs of white space within a line. Paragraph breaks ("\n\n") are kept.
func CleanText(s string) string {
	s = iconNoise.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u2007', '\u202f', '\t', '\r', '\u200b':
			return ' '
		}
		return r
	}, s)
	paras := strings.Split(s, "\n")
	out := paras[:0]
	blank := false
	for _, p := range paras {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			if len(out) > 0 && !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		if blank && len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
		blank = false
		out = append(out, p)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
