package practice

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanTextRemovesControlAndBidiCharacters(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain text stays", "Kotihoidon digiluotsit", "Kotihoidon digiluotsit"},
		{"C0 control inside a word", "koti\x01hoito", "kotihoito"},
		{"terminal escape sequence", "\x1b[31mPunainen\x1b[0m teksti", "[31mPunainen[0m teksti"},
		{"NUL and DEL", "a\x00b\x7fc", "abc"},
		{"C1 controls", "Perhe\u0085työ \u009bX\u0080", "Perhe työ X"},
		{"right-to-left override", "Lasku \u202etxt.exe\u202c", "Lasku txt.exe"},
		{"embeddings and marks", "\u202aA\u202b B\u200e\u200f\u061c", "A B"},
		{"isolates", "\u2066vasen\u2069 \u2067oikea\u2069 \u2068ensimmäinen\u2069", "vasen oikea ensimmäinen"},
		{"tabs, vertical tabs and form feeds are spaces", "a\tb\vc\fd", "a b c d"},
		{"paragraph breaks stay", "Ensimmäinen.\r\n\r\nToinen.", "Ensimmäinen.\n\nToinen."},
		{"visible look-alikes stay", "␀ ␛ ‹› ⁄", "␀ ␛ ‹› ⁄"},
		{"Arabic and Hebrew letters stay", "مرحبا שלום", "مرحبا שלום"},
		{"a text of controls only is empty", "\x01\u202e\x1b", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CleanText(c.in); got != c.want {
				t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// FuzzCleanText: clean text has no control or bidi formatting character but its line breaks,
// keeps every other character of the input in order, and cleaning it again changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"koti\x01hoito", "\x1b[2J\u202eabc", "a\u0085b\u2066c\u2069", "p1\n\n\np2\t", "Kuva\u00a0x", "icon/x\x01 Created with Sketch."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "")
		}
		got := CleanText(s)
		for _, r := range got {
			if r != '\n' && IsControl(r) {
				t.Fatalf("CleanText(%q) = %q keeps %U", s, got, r)
			}
		}
		if again := CleanText(got); again != got {
			t.Fatalf("cleaning twice differs: %q then %q", got, again)
		}
		// Every visible character of the input is kept, in order.
		visible := strings.Map(func(r rune) rune {
			if strings.ContainsRune("\t\r\v\f\u00a0\u2007\u202f\u200b\u0085", r) {
				return ' '
			}
			if r != '\n' && IsControl(r) {
				return -1
			}
			return r
		}, s)
		want := []rune{}
		for _, r := range iconNoise.ReplaceAllString(visible, " ") {
			if !isSpace(r) {
				want = append(want, r)
			}
		}
		have := []rune{}
		for _, r := range got {
			if !isSpace(r) {
				have = append(have, r)
			}
		}
		if string(have) != string(want) {
			t.Fatalf("CleanText(%q) = %q lost visible characters: %q, want %q", s, got, string(have), string(want))
		}
	})
}

func isSpace(r rune) bool { return strings.TrimSpace(string(r)) == "" }
