package extract

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mallihaku/mallihaku/practice"
)

func FuzzExtractHTML(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	for _, p := range pages {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(modelPage(basicFields))
	f.Add(modelPage(basicFields + drupalField("Liitteet ja linkit", `<a href="/a b">A</a><a href="javascript:x">B</a>`)))
	f.Add(modelPage(`<dl><dt><span class="visually-hidden">Luotu</span>Luotu</dt><dd>6.6.2023</dd></dl>`))
	f.Add(modelPage(`<h2>Ratkaisun perusidea **</h2><p>a<br>b</p><pre>c
d</pre><a href="x"><div>e</div></a>`))
	f.Add([]byte("<p>\xff\xfe Toimintamallin nimi</p>"))

	p := Innokyla()
	f.Fuzz(func(t *testing.T, body []byte) {
		m, r, err := HTML(modelURL+"fuzz", body, p)
		m2, r2, err2 := HTML(modelURL+"fuzz", body, p)
		if !reflect.DeepEqual(m, m2) || !reflect.DeepEqual(r, r2) || errText(err) != errText(err2) {
			t.Fatalf("extracting twice differs:\n%+v\n%+v", m, m2)
		}
		if s, ok := invalidUTF8(reflect.ValueOf(m)); !ok {
			t.Errorf("model has invalid UTF-8: %q", s)
		}
		if s, ok := invalidUTF8(reflect.ValueOf(r)); !ok {
			t.Errorf("report has invalid UTF-8: %q", s)
		}
		if s, ok := controlText(reflect.ValueOf(m)); !ok {
			t.Errorf("model keeps a control or bidi formatting character: %q", s)
		}
		for _, l := range m.Links {
			if l.URL == "" {
				continue
			}
			u, err := url.Parse(l.URL)
			if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("link URL %q is not absolute http(s)", l.URL)
			}
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// invalidUTF8 returns the first string in v that is not valid UTF-8.
func invalidUTF8(v reflect.Value) (string, bool) {
	return firstString(v, utf8.ValidString)
}

// controlText returns the first string in v with a control or bidi formatting character other
// than a line break (practice.IsControl).
func controlText(v reflect.Value) (string, bool) {
	return firstString(v, func(s string) bool {
		return !strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && practice.IsControl(r) })
	})
}

// firstString returns the first string in v for which ok is false.
func firstString(v reflect.Value, ok func(string) bool) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), ok(v.String())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if s, ok := firstString(v.Index(i), ok); !ok {
				return s, false
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if s, ok := firstString(v.Field(i), ok); !ok {
				return s, false
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if s, ok := firstString(k, ok); !ok {
				return s, false
			}
		}
	}
	return "", true
}
