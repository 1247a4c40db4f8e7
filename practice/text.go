package practice

import (
	"regexp"
	"strings"
)

// iconNoise matches the titles of inline SVG icons that text renderings of a page carry,
// such as "icon/chevron-down Created with Sketch.".
var iconNoise = regexp.MustCompile(`icon/[\w-]+\s+Created with Sketch\.?`)

// CleanText makes crawled text what a reader sees: it removes icon noise, control characters
// (C0, DEL, C1) and bidirectional formatting characters (see IsControl), turns tabs, no-break
// and other odd spaces into plain ones and folds runs of white space within a line. Line
// breaks stay; paragraph breaks ("\n\n") are kept. Every visible character is kept.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\n':
			return r
		case '\u00a0', '\u2007', '\u202f', '\t', '\r', '\v', '\f', '\u0085', '\u200b':
			return ' '
		}
		if IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = iconNoise.ReplaceAllString(s, " ") // after the controls, which could split its words
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

// IsControl reports whether r must not stand in text shown to a person: a C0 control
// character (line breaks and tabs included), DEL, a C1 control character, or a bidirectional
// formatting character (marks, embeddings, overrides and isolates, U+061C, U+200E-U+200F,
// U+202A-U+202E, U+2066-U+2069), with which a page could reorder or hide what a reader or a
// terminal shows.
func IsControl(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == '\u061c', r == '\u200e', r == '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
