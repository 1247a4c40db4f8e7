package crawler

import (
	"testing"
	"unicode/utf8"
)

func FuzzDecodeCharset(f *testing.F) {
	latin, _ := latin1Bytes("<p>Innokylä</p>")
	for _, s := range []struct {
		body        []byte
		contentType string
	}{
		{nil, "text/html"},
		{[]byte("<p>Innokylä</p>"), "text/html; charset=utf-8"},
		{latin, "text/html; charset=utf-8"},
		{latin, "text/html"},
		{append([]byte(`<meta charset="windows-1252">`), latin...), ""},
		{[]byte("\xef\xbb\xbf<p>Innokylä</p>"), "text/html; charset=iso-8859-1"},
		{[]byte("\xff\xfe<\x00p\x00>\x00\xe4\x00"), "text/html"},
		{[]byte("\xfe\xff\x00<\x00p\x00>\xd8\x00"), "text/html"},
		{[]byte("<\x00p\x00>\x00"), "text/html; charset=utf-16le"},
		{[]byte(`<meta charset="shift_jis"><p>` + "\x82\xa0\x82" + `</p>`), ""},
		{[]byte(`<meta charset="iso-2022-jp"><p>` + "\x1b$B$\"\x1b(B" + `</p>`), ""},
		{[]byte("<p>a\xffb\xc3\xa4</p>"), "text/html; charset=UTF-8"},
		{[]byte("<p>\xed\xa0\x80</p>"), "text/html; charset=bogus"},
	} {
		f.Add(s.body, s.contentType)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, err := decodeHTML(body, contentType)
		if err != nil {
			t.Fatalf("decodeHTML(%q, %q): %v", body, contentType, err)
		}
		if !utf8.Valid(out) {
			t.Fatalf("decodeHTML(%q, %q) = %q: not UTF-8", body, contentType, out)
		}
		if len(body) == 0 && len(out) != 0 {
			t.Fatalf("an empty body gave %q", out)
		}
	})
}
