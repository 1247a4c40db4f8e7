package crawler

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzRobots(f *testing.F) {
	for _, s := range []struct{ body, path string }{
		{"User-agent: *\nDisallow: /fi/toimintamalli/salainen\n", "/fi/toimintamalli/salainen"},
		{"User-agent: mallihaku\nDisallow: /\n\nUser-agent: *\nAllow: /\n", "/robots.txt"},
		{"disallow: /a\nuser-agent: *\ndisallow: /b\n", "/b"},
		{"User-agent: *\ndisallow: /\nallow: /*.html$\n", "/sivu.html?x=1"},
		{"User-agent: *\ndisallow: /foo/bar?baz=https://foo.bar\n", "/foo/bar?baz=https%3A%2F%2Ffoo.bar"},
		{"User-agent: *\ndisallow: /foo/bar/%62%61%7A\n", "/foo/bar/baz"},
		{"User-agent: *\ndisallow: /foo/bar/ツ\n", "/foo/bar/%e3%83%84"},
		{"\ufeffUser-agent: *\r\nCrawl-delay: fast\r\nDisallow /x\r\nSitemap: https://innokyla.fi/s.xml", "/x"},
		{"User-agent: *\rDisallow: /%\rAllow: /%2\r", "/%25"},
		{"user-agent:\nallow:\ndisallow:\n", "/"},
		{"User-agent: malli\nUser-agent: *  \nDisallow: *\n", "?q"},
		{strings.Repeat("Disallow: /a", 3000), "/a"},
	} {
		f.Add(s.body, s.path)
	}
	f.Fuzz(func(t *testing.T, body, path string) {
		u := "https://innokyla.fi/" + strings.TrimPrefix(path, "/")
		p := parseRobots(body)
		got := p.allowed(u)
		if !p.allowed("https://innokyla.fi/robots.txt") {
			t.Fatalf("/robots.txt disallowed by %q", body)
		}
		// Comments change nothing: one at the end, and one after every line.
		if again := parseRobots(body + "\n# kommentti\n").allowed(u); again != got {
			t.Fatalf("a comment at the end changed allowed(%q) from %v to %v", u, got, again)
		}
		commented := strings.ReplaceAll(body, "\n", " # kommentti\n") + " # kommentti"
		if again := parseRobots(commented).allowed(u); again != got {
			t.Fatalf("comments after the lines changed allowed(%q) from %v to %v", u, got, again)
		}
		// An over-long robots.txt is cut at a line end within the limit, not refused.
		if len(body) > 0 {
			long := bytes.Repeat([]byte(body), robotsMaxBody/len(body)+2)[:robotsMaxBody]
			kept := robotsBody(&response{Body: long, Truncated: true})
			if len(kept) > robotsMaxBody || !strings.HasPrefix(string(long), kept) {
				t.Fatalf("kept %d bytes, not a prefix within %d", len(kept), robotsMaxBody)
			}
			if strings.Contains(string(long), "\n") && !strings.HasSuffix(kept, "\n") {
				t.Fatal("the cut is not at a line end")
			}
		}
	})
}
