package crawler

import "testing"

func FuzzSitemap(f *testing.F) {
	urlset := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://innokyla.fi/fi/toimintamalli/kotikuntoutus</loc><lastmod>2025-02-03</lastmod></url>
  <url><loc>https://www.innokyla.fi/fi/toimintamalli/perhekeskus/?utm_source=x</loc><lastmod>2025-02-10T08:00:00+02:00</lastmod></url>
  <url><loc>https://innokyla.fi/fi/toimintamalli/huono-paiva</loc><lastmod>6.5.2024</lastmod></url>
  <url><loc>https://example.org/fi/toimintamalli/vieras</loc></url>
  <url><loc>https://innokyla.fi/fi/ajankohtaista/uutinen</loc></url>
  <url><loc> https://innokyla.fi/sv/toimintamalli/%68em </loc></url>
</urlset>`
	index := `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://innokyla.fi/sitemaps/1.xml.gz</loc></sitemap>
  <sitemap><loc>https://example.org/sitemap.xml</loc></sitemap>
  <sitemap><loc>javascript:alert(1)</loc></sitemap>
</sitemapindex>`
	for _, s := range []string{
		urlset, index, gzipString(urlset), gzipString(index), gzipString(urlset)[:40],
		`<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc>https://innokyla.fi/fi/toimintamalli/` + "\xe4" + `</loc></url></urlset>`,
		`<urlset><url><loc>https://innokyla.fi/fi/toimintamalli/a</loc><url><loc>x</loc></url></url></urlset>`,
		"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><urlset><url><loc>&a;</loc></url></urlset>",
		"", "\x1f\x8b", "<",
	} {
		f.Add([]byte(s))
	}
	c := testCanonicalizer(f, "https://innokyla.fi")
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := gunzipMaybe(data, sitemapMaxBody)
		if err != nil { // broken gzip, or a bomb (TestSitemaps)
			return
		}
		if len(doc) > sitemapMaxBody {
			t.Fatalf("%d bytes decompressed, over the limit", len(doc))
		}
		sm, err := parseSitemap(doc, c)
		if err != nil {
			return
		}
		if len(sm.models) > maxSitemapURLs || len(sm.children) > maxSitemapURLs {
			t.Fatalf("%d URLs and %d children taken, over %d", len(sm.models), len(sm.children), maxSitemapURLs)
		}
		for _, m := range sm.models {
			if again, ok := c.canon(m.url); !ok || again != m.url || !c.isModel(m.url) {
				t.Fatalf("sitemap gave %q, not a canonical model URL of the site", m.url)
			}
		}
		for _, u := range sm.children {
			if again, ok := c.canon(u); !ok || again != u {
				t.Fatalf("sitemap gave child %q, not a canonical URL of the site", u)
			}
		}
	})
}
