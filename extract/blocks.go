package extract

import (
	"bytes"
	"strings"

	"github.com/mallihaku/mallihaku/practice"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// block is one piece of text a person reads as a unit: a heading, a paragraph, a list item, a
// field's label or one of its values.
type block struct {
	Text    string   // cleaned; paragraphs separated by "\n\n"
	Level   int      // 1-6 for headings, 0 otherwise
	Anchors []anchor // the links in the block with visible text, in order
}

type anchor struct{ Text, Href string }

// htmlBlocks returns the visible text blocks of an HTML page in reading order.
func htmlBlocks(body []byte) []block {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil { // only a failing reader makes Parse fail
		return nil
	}
	var w blockWriter
	w.walk(doc, 0)
	w.flush(0)
	return w.blocks
}

// textBlocks returns the blocks of a plain-text rendering of a page: one per non-empty line.
// The first line is the page's title (a level 1 heading); a line ending in "**" is a section
// heading.
func textBlocks(text string) []block {
	var blocks []block
	for _, line := range strings.Split(text, "\n") {
		line = cleanBlock(line)
		if line == "" {
			continue
		}
		b := block{Text: line}
		switch {
		case strings.HasSuffix(line, "**") && len(line) > 2:
			b.Text, b.Level = headingText(line), 2
		case len(blocks) == 0:
			b.Level = 1
		}
		if b.Text != "" {
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// headingText drops the "**" that text renderings put around headings.
func headingText(s string) string { return strings.Trim(s, " *") }

// cleanBlock makes a block's text what a reader sees: valid UTF-8, no soft hyphens, icon
// noise or odd spaces, white space folded within paragraphs.
func cleanBlock(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = invisible.Replace(s)
	return practice.CleanText(s)
}

var (
	invisible = strings.NewReplacer("\u00ad", "", "\ufeff", "")
	newlines  = strings.NewReplacer("\n", " ", "\r", " ")
)

// oneLine folds a text to one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

type blockWriter struct {
	blocks  []block
	text    strings.Builder
	anchors []anchor
	inA     bool
	aText   strings.Builder // text of the open <a> since the last flush
	aHref   string
	pre     int // depth of <pre> elements
}

// blockElems start and end a block; value-carrying elements (li, dd, dt) are among them.
var blockElems = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Button: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Legend: true, atom.Li: true, atom.Main: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true, atom.Ul: true,
	atom.Body: true, atom.Html: true,
}

// blockClasses make an element a block whatever its tag. Visually hidden label copies are
// blocks of their own so that the reader can collapse them with the visible label.
var blockClasses = []string{"field__item", "field__label", "visually-hidden", "sr-only", "element-invisible", "screen-reader-text"}

// skipElems are never read: not visible, not content, or page chrome.
var skipElems = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Nav: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Img: true,
	atom.Audio: true, atom.Video: true,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

func (w *blockWriter) walk(n *html.Node, level int) {
	switch n.Type {
	case html.TextNode:
		s := n.Data
		if w.pre == 0 {
			s = newlines.Replace(s)
		}
		w.text.WriteString(s)
		if w.inA {
			w.aText.WriteString(s)
		}
		return
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, level)
		}
		return
	case html.ElementNode:
	default:
		return
	}
	if skipElement(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.text.WriteString("\n\n")
		return
	case atom.A:
		if !w.inA {
			w.inA, w.aHref = true, strings.TrimSpace(htmlAttr(n, "href"))
			w.aText.Reset()
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				w.walk(c, level)
			}
			w.endAnchor()
			w.inA = false
			return
		}
	case atom.Pre:
		w.pre++
		defer func() { w.pre-- }()
	}
	outer := level
	isBlock := blockElems[n.DataAtom] || hasClass(n, blockClasses...)
	if h := headingLevels[n.DataAtom]; h > 0 {
		level, isBlock = h, true
	}
	if isBlock {
		w.flush(outer)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, level)
	}
	if isBlock {
		w.flush(level)
	}
}

// endAnchor records the open <a>'s text since the last flush as an anchor of the block.
func (w *blockWriter) endAnchor() {
	if t := oneLine(cleanBlock(w.aText.String())); t != "" {
		w.anchors = append(w.anchors, anchor{Text: t, Href: w.aHref})
	}
	w.aText.Reset()
}

func (w *blockWriter) flush(level int) {
	if w.inA {
		w.endAnchor()
	}
	text := cleanBlock(w.text.String())
	w.text.Reset()
	anchors := w.anchors
	w.anchors = nil
	if text != "" {
		w.blocks = append(w.blocks, block{Text: text, Level: level, Anchors: anchors})
	}
}

func skipElement(n *html.Node) bool {
	if skipElems[n.DataAtom] {
		return true
	}
	if n.DataAtom == atom.Header || n.DataAtom == atom.Footer {
		// a page's header and footer are chrome; an article's own are not (Drupal puts the
		// "submitted" dates in the article footer)
		if !insideContent(n) {
			return true
		}
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "role":
			switch a.Val {
			case "navigation", "banner", "contentinfo", "search":
				return true
			}
		case "style":
			if strings.Contains(strings.ReplaceAll(strings.ToLower(a.Val), " ", ""), "display:none") {
				return true
			}
		}
	}
	return false
}

func insideContent(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article || p.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, classes ...string) bool {
	for _, c := range strings.Fields(htmlAttr(n, "class")) {
		for _, want := range classes {
			if c == want {
				return true
			}
		}
	}
	return false
}
