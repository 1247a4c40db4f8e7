package crawler

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/extract"
)

func testCanonicalizer(t testing.TB, site string) *canonicalizer {
	t.Helper()
	u, err := url.Parse(site)
	if err != nil {
		t.Fatal(err)
	}
	return newCanonicalizer(&url.URL{Scheme: u.Scheme, Host: normalHost(u.Scheme, u.Host)}, extract.Innokyla())
}

func TestCanonicalURL(t *testing.T) {
	c := testCanonicalizer(t, "https://innokyla.fi")
	const model = "https://innokyla.fi/fi/toimintamalli/kotikuntoutus"
	tests := []struct {
		in, want string // want "" means rejected
		isModel  bool
	}{
		{model, model, true},
		{"https://WWW.Innokyla.FI/fi/toimintamalli/kotikuntoutus/", model, true},
		{"http://innokyla.fi/fi/toimintamalli/kotikuntoutus?utm_source=uutiskirje#perustiedot", model, true},
		{"https://innokyla.fi:443/fi/toimintamalli/kotikuntoutus", model, true},
		{"https://innokyla.fi./fi/toimintamalli/kotikuntoutus", model, true},
		{"https://kayttaja:salasana@innokyla.fi/fi/toimintamalli/kotikuntoutus", model, true},
		{"https://innokyla.fi/fi/./toimintamalli/../toimintamalli/kotikuntoutus", model, true},
		{"https://innokyla.fi/fi/toimintamalli/%6botikuntoutus", model, true},
		{"https://innokyla.fi//fi/toimintamalli/kotikuntoutus", model, true},
		{"https://innokyla.fi/sv/toimintamalli/hemrehabilitering", "https://innokyla.fi/sv/toimintamalli/hemrehabilitering", true},
		// Not models: kept as pages with their (cleaned) query.
		{"https://innokyla.fi/fi/toimintamalli/kotikuntoutus/kehittamisen-polku", "https://innokyla.fi/fi/toimintamalli/kotikuntoutus/kehittamisen-polku", false},
		{"https://innokyla.fi/fi/toimintamallit?page=2&utm_medium=x&fbclid=1&aihe=paihteet", "https://innokyla.fi/fi/toimintamallit?aihe=paihteet&page=2", false},
		{"https://innokyla.fi/fi/toimintamallit/?page=1#top", "https://innokyla.fi/fi/toimintamallit/?page=1", false},
		{"https://innokyla.fi/fi/kokonaisuus/sote-keskus", "https://innokyla.fi/fi/kokonaisuus/sote-keskus", false},
		{"https://innokyla.fi/fi/toimintamalli/Kotikuntoutus", "https://innokyla.fi/fi/toimintamalli/Kotikuntoutus", false},
		{"https://innokyla.fi", "https://innokyla.fi/", false},
		{"https://innokyla.fi/fi/hae?q=p%C3%A4ihde", "https://innokyla.fi/fi/hae?q=p%C3%A4ihde", false},
		// Session IDs, in the query or the path, are not part of the identity.
		{"https://innokyla.fi/fi/toimintamalli/kotikuntoutus;jsessionid=0123ABCD", model, true},
		{"https://innokyla.fi/fi/toimintamallit;JSESSIONID=x?page=2&PHPSESSID=a&sid=b&session_id=c", "https://innokyla.fi/fi/toimintamallit?page=2", false},
		{"https://innokyla.fi/fi/kokonaisuus;versio=2", "https://innokyla.fi/fi/kokonaisuus;versio=2", false},
		{"https://innokyla.fi/fi/a/a/toimintamallit", "https://innokyla.fi/fi/a/a/toimintamallit", false}, // twice is not a trap
		// Rejected.
		{"https://innokyla.fi/fi/a/a/a/toimintamallit", "", false},
		{"https://innokyla.fi" + strings.Repeat("/x", maxPathSegments+1), "", false},
		{"https://example.org/fi/toimintamalli/kotikuntoutus", "", false},
		{"https://innokyla.fi.example.org/fi/toimintamalli/kotikuntoutus", "", false},
		{"https://innokyla.fi:8443/fi/toimintamalli/kotikuntoutus", "", false},
		{"ftp://innokyla.fi/fi/toimintamalli/kotikuntoutus", "", false},
		{"mailto:info@innokyla.fi", "", false},
		{"javascript:alert(1)", "", false},
		{"http:innokyla.fi/fi/toimintamalli/kotikuntoutus", "", false},
		{"https://innokyla.fi/%zz", "", false},
		{"/fi/toimintamalli/kotikuntoutus", "", false},
		{"https://innokyla.fi/" + string(make([]byte, 3000)), "", false},
	}
	for _, tt := range tests {
		got, ok := c.canon(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("canon(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			continue
		}
		if ok && c.isModel(got) != tt.isModel {
			t.Errorf("isModel(%q) = %v, want %v", got, !tt.isModel, tt.isModel)
		}
	}
}

func TestResolveURL(t *testing.T) {
	c := testCanonicalizer(t, "http://127.0.0.1:41234")
	base := "http://127.0.0.1:41234/fi/toimintamallit?page=1"
	tests := []struct{ ref, want string }{
		{"/fi/toimintamalli/perhekeskus#yhteystiedot", "http://127.0.0.1:41234/fi/toimintamalli/perhekeskus"},
		{"toimintamalli/perhekeskus/", "http://127.0.0.1:41234/fi/toimintamalli/perhekeskus"},
		{"?page=2", "http://127.0.0.1:41234/fi/toimintamallit?page=2"},
		// The real site's absolute links land on the configured site.
		{"https://www.innokyla.fi/fi/toimintamalli/perhekeskus", "http://127.0.0.1:41234/fi/toimintamalli/perhekeskus"},
		{"//innokyla.fi/fi/toimintamalli/perhekeskus", "http://127.0.0.1:41234/fi/toimintamalli/perhekeskus"},
		{"http://127.0.0.1:41235/fi/toimintamalli/perhekeskus", ""},
		{"https://example.org/", ""},
		{"#sisalto", "http://127.0.0.1:41234/fi/toimintamallit?page=1"},
	}
	for _, tt := range tests {
		got, ok := c.resolve(base, tt.ref)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("resolve(%q) = %q, %v; want %q", tt.ref, got, ok, tt.want)
		}
	}
}
