package crawler

import (
	"net/url"
	"testing"
)

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"https://innokyla.fi/fi/toimintamalli/kotikuntoutus",
		"https://WWW.innokyla.fi:443/fi/toimintamalli/a-0/?utm_source=x#y",
		"http://[::1]:8080/fi/toimintamalli/x",
		"http://[fe80::1%25eth0]:8080/",
		"https://user:p%40ss@innokyla.fi/%2e%2e/fi/toimintamallit?page=2&b=%zz",
		"https://innokyla.fi/a%2Fb/%E4?x=1;y=2",
		"//innokyla.fi/fi/toimintamalli/x",
		"../toimintamalli/x",
		"https://innokyla.fi/fi/toimintamalli/x/../y/./",
		"https://innokyla.fi/?%",
		"%",
		"https://innokyla.fi/fi/toimintamalli/x;jsessionid=ABC?PHPSESSID=1&sid=2",
		"https://innokyla.fi/a/a/a/b;sid=1/;sid=2/",
		"https://innokyla.fi/fi/toimintamallit?page=2&date=2025-03-11",
	} {
		f.Add(s)
	}
	sites := []*canonicalizer{
		testCanonicalizer(f, "https://innokyla.fi"),
		testCanonicalizer(f, "http://[::1]:8080"),
	}
	const base = "https://innokyla.fi/fi/toimintamallit?page=1"
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range sites {
			check := func(op, got string) {
				again, ok := c.canon(got)
				if !ok || again != got {
					t.Fatalf("%s(%q) = %q, but canon of that = %q, %v", op, s, got, again, ok)
				}
				u, err := url.Parse(got)
				if err != nil || u.Scheme != c.scheme || u.Host != c.host || u.User != nil || u.Fragment != "" {
					t.Fatalf("%s(%q) = %q: not on the site (%v)", op, s, got, err)
				}
			}
			if got, ok := c.canon(s); ok {
				check("canon", got)
			}
			if got, ok := c.resolve(base, s); ok {
				check("resolve", got)
			}
		}
	})
}
