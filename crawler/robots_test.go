package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRobotsRFC9309 is RELIABILITY test 1: the cases of RELIABILITY §1 on which robots
// libraries disagree, a few more from RFC 9309, and the percent-encoding table of its §2.2.2.
// Every answer is the RFC's.
func TestRobotsRFC9309(t *testing.T) {
	tests := []struct {
		name, body, path string
		allowed          bool
	}{
		// RELIABILITY §1, the differential table.
		{"equal length: allow wins over an earlier disallow", "User-agent: *\ndisallow: /x\nallow: /x\n", "/x", true},
		{"equal length: allow wins over a later disallow", "User-agent: *\nallow: /x\ndisallow: /x\n", "/x", true},
		{"longest match: the longer disallow wins", "User-agent: *\nallow: /x\ndisallow: /x/y\n", "/x/y/z", false},
		{"a rule before any user-agent does not void the file", "disallow: /a\nuser-agent: *\ndisallow: /b\n", "/b", false},
		{"a rule before any user-agent belongs to no group", "disallow: /a\nuser-agent: *\ndisallow: /b\n", "/a", true},
		{"two groups for us are merged (first)", "user-agent: mallihaku\ndisallow: /a\n\nuser-agent: muu\ndisallow: /c\n\nuser-agent: mallihaku\ndisallow: /b\n", "/a", false},
		{"two groups for us are merged (second)", "user-agent: mallihaku\ndisallow: /a\n\nuser-agent: muu\ndisallow: /c\n\nuser-agent: mallihaku\ndisallow: /b\n", "/b", false},
		{"a sitemap line inside a group does not end it", "user-agent: mallihaku\nsitemap: https://innokyla.fi/sitemap.xml\ndisallow: /x\n", "/x", false},
		{"allow /*.html$ beats disallow /", "user-agent: *\ndisallow: /\nallow: /*.html$\n", "/sivu.html", true},
		{"$ ends the match before a query string", "user-agent: *\ndisallow: /*.html$\n", "/sivu.html?x=1", true},
		{"a raw UTF-8 rule matches the percent-encoded URI", "user-agent: *\ndisallow: /foo/bar/ツ\n", "/foo/bar/%E3%83%84", false},
		{"a group for a prefix of our token is not ours", "user-agent: malli\ndisallow: /\n", "/x", true},
		{"group names are case-insensitive", "user-agent: MalliHaku\ndisallow: /x\n", "/x", false},
		{"a missing colon is tolerated", "user-agent: *\ndisallow /x\n", "/x", false},
		{"an unreadable crawl-delay does not void the rules", "user-agent: *\ncrawl-delay: fast\ndisallow: /x\n", "/x", false},
		// More of RFC 9309.
		{"a longer token is not ours", "user-agent: mallihakuplus\ndisallow: /\n", "/x", true},
		{"our group replaces the * group", "user-agent: *\ndisallow: /\n\nuser-agent: mallihaku\nallow: /\n", "/x", true},
		{"our group disallows though * allows", "user-agent: *\nallow: /\n\nuser-agent: mallihaku\ndisallow: /fi/\n", "/fi/x", false},
		{"the * group applies when none names us", "user-agent: googlebot\ndisallow: /\n\nuser-agent: *\ndisallow: /x\n", "/y", true},
		{"a group may name several agents", "user-agent: muu\nuser-agent: mallihaku\ndisallow: /x\n", "/x", false},
		{"an empty disallow allows everything", "user-agent: *\ndisallow:\n", "/x", true},
		{"/robots.txt is implicitly allowed", "user-agent: *\ndisallow: /\n", "/robots.txt", true},
		{"* matches any characters", "user-agent: *\ndisallow: /*?page=\n", "/fi/toimintamallit?page=2", false},
		{"rules are case-sensitive", "user-agent: *\ndisallow: /Fi/\n", "/fi/x", true},
		{"CR line ends", "user-agent: *\rdisallow: /x\r", "/x", false},
		{"CRLF line ends and a BOM", "\ufeffuser-agent: *\r\ndisallow: /x\r\n", "/x", false},
		{"no rules for anyone", "# tyhjä\n", "/x", true},
		// RFC 9309 §2.2.2, table 1: each path as written in a rule and as the URI encodes it
		// compares as the table's "path to match".
		{"2.2.2: /foo/bar?baz=quz", "user-agent: *\ndisallow: /foo/bar?baz=quz\n", "/foo/bar?baz=quz", false},
		{"2.2.2: rule with https://foo.bar, URI encoded", "user-agent: *\ndisallow: /foo/bar?baz=https://foo.bar\n", "/foo/bar?baz=https%3A%2F%2Ffoo.bar", false},
		{"2.2.2: rule encoded, URI with https://foo.bar", "user-agent: *\ndisallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar\n", "/foo/bar?baz=https://foo.bar", false},
		{"2.2.2: rule with ツ, URI encoded", "user-agent: *\ndisallow: /foo/bar/ツ\n", "/foo/bar/%E3%83%84", false},
		{"2.2.2: rule with ツ, URI with ツ", "user-agent: *\ndisallow: /foo/bar/ツ\n", "/foo/bar/ツ", false},
		{"2.2.2: rule %E3%83%84, URI encoded", "user-agent: *\ndisallow: /foo/bar/%E3%83%84\n", "/foo/bar/%E3%83%84", false},
		{"2.2.2: rule %E3%83%84, URI in lower-case hex", "user-agent: *\ndisallow: /foo/bar/%E3%83%84\n", "/foo/bar/%e3%83%84", false},
		{"2.2.2: rule %62%61%7A, URI baz", "user-agent: *\ndisallow: /foo/bar/%62%61%7A\n", "/foo/bar/baz", false},
		{"2.2.2: rule baz, URI %62%61%7A", "user-agent: *\ndisallow: /foo/bar/baz\n", "/foo/bar/%62%61%7A", false},
		{"2.2.2: an encoded reserved character stays encoded", "user-agent: *\ndisallow: /a/b\n", "/a%2Fb", true},
		// The site's own cases.
		{"a disallowed model", "User-agent: *\nDisallow: /fi/toimintamalli/salainen\n", "/fi/toimintamalli/salainen", false},
		{"another model", "User-agent: *\nDisallow: /fi/toimintamalli/salainen\n", "/fi/toimintamalli/julkinen", true},
		{"longest match opens a subtree", "User-agent: *\nDisallow: /fi/\nAllow: /fi/toimintamalli/\n", "/fi/toimintamalli/x", true},
		{"percent-encoded Finnish", "User-agent: *\nDisallow: /fi/hae/ä\n", "/fi/hae/%C3%A4", false},
	}
	for _, tt := range tests {
		p := parseRobots(tt.body)
		if got := p.allowed("https://innokyla.fi" + tt.path); got != tt.allowed {
			t.Errorf("%s: allowed(%s) = %v, want %v", tt.name, tt.path, got, tt.allowed)
		}
	}
}

func TestRobotsCrawlDelayAndSitemaps(t *testing.T) {
	tests := []struct {
		body string
		want time.Duration
	}{
		{"User-agent: *\nCrawl-delay: 5\n", 5 * time.Second},
		{"User-agent: *\nCrawl-delay: 5\n\nUser-agent: mallihaku\nCrawl-delay: 0.5\n", 500 * time.Millisecond},
		{"User-agent: googlebot\nCrawl-delay: 9\n\nUser-agent: *\nDisallow: /admin/\n", 0},
		{"User-agent: googlebot\nUser-agent: *\nCrawl-delay: 2\n", 2 * time.Second},
		{"User-agent: *\nCrawl-delay: fast\nDisallow: /x\n", 0},
	}
	for _, tt := range tests {
		if got := parseRobots(tt.body).crawlDelay; got != tt.want {
			t.Errorf("%q: crawl-delay %v, want %v", tt.body, got, tt.want)
		}
	}
	p := parseRobots("User-agent: *\nCrawl-delay: fast\nDisallow: /x\nSitemap: https://innokyla.fi/sitemap.xml\n")
	if !slices.Equal(p.sitemaps, []string{"https://innokyla.fi/sitemap.xml"}) {
		t.Errorf("sitemaps %q", p.sitemaps)
	}
}

// TestLargeRobotsIsReadTo512KiB is RELIABILITY test 4.
func TestLargeRobotsIsReadTo512KiB(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		body := "User-agent: *\n" + strings.Repeat("# täytettä\n", 400<<10/12) + "Disallow: /fi/toimintamalli/salainen\n" +
			strings.Repeat("# lisää täytettä\n", 200<<10/18) + "Disallow: /fi/toimintamalli/\n"
		if len(body) < 600<<10 {
			t.Fatalf("fixture robots.txt has %d bytes", len(body))
		}
		s := newFixtureSite(t)
		s.set("/robots.txt", &fixturePage{contentType: "text/plain", body: body})
		c, st := newTestCrawler(t, s, nil)
		p, err := c.robots(context.Background(), c.newFetcher(nil))
		if err != nil {
			t.Fatal(err)
		}
		if p.allowed(s.url("/fi/toimintamalli/salainen")) {
			t.Error("the rule at 400 KiB was not honoured")
		}
		if !p.allowed(s.url("/fi/toimintamalli/julkinen")) {
			t.Error("a rule beyond 512 KiB was applied")
		}
		kept, _, _ := st.Robots(s.base)
		if len(kept.Body) > robotsMaxBody || !strings.HasSuffix(kept.Body, "\n") {
			t.Errorf("kept %d bytes of robots.txt, want at most %d, cut at a line end", len(kept.Body), robotsMaxBody)
		}
	})
}

// pageHits counts the requests that were not for robots.txt.
func pageHits(hits []crawlHit) int {
	n := 0
	for _, h := range hits {
		if h.uri != "/robots.txt" {
			n++
		}
	}
	return n
}

// TestRobotsStatusMapping is RELIABILITY test 2: 2xx gives the rules, 4xx other than 429
// allows everything, and 429, 5xx, a timeout, a refused connection or a failed DNS lookup
// mean no page is fetched in the run.
func TestRobotsStatusMapping(t *testing.T) {
	tests := []struct {
		name   string
		status int  // robots.txt's answer
		stall  bool // or it never answers
		added  int  // models indexed; -1 means the run fails with no page fetched
	}{
		{"200", http.StatusOK, false, 4},
		{"401", http.StatusUnauthorized, false, 5}, // no rules: the "secret" model too
		{"403", http.StatusForbidden, false, 5},
		{"404", http.StatusNotFound, false, 5},
		{"410", http.StatusGone, false, 5},
		{"429", http.StatusTooManyRequests, false, -1},
		{"500", http.StatusInternalServerError, false, -1},
		{"503", http.StatusServiceUnavailable, false, -1},
		{"timeout", 0, true, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newFixtureSite(t)
			inTime := fakeTime
			switch {
			case tt.stall: // over the network, where the timeouts are real but short
				s.set("/robots.txt", &fixturePage{stall: true})
				s.serve()
				inTime = func(t *testing.T, f func(t *testing.T)) { f(t) }
			case tt.status != http.StatusOK:
				s.set("/robots.txt", &fixturePage{status: tt.status, body: "ei robots-tiedostoa"})
			}
			inTime(t, func(t *testing.T) {
				c, _ := newTestCrawler(t, s, func(cfg *Config) {
					if tt.stall {
						cfg.Client, cfg.Timeout, cfg.HeaderTimeout = nil, 300*time.Millisecond, 150*time.Millisecond
					}
				})
				k := &sink{}
				counts, err := c.Refresh(context.Background(), false, k.Put, k.Remove)
				hits := s.takeHits()
				if tt.added < 0 {
					if !errors.Is(err, ErrRobotsUnavailable) {
						t.Errorf("Refresh error = %v, want ErrRobotsUnavailable", err)
					}
					if n := pageHits(hits); n != 0 || len(k.put) != 0 {
						t.Errorf("%d pages fetched and %d models put with robots.txt unavailable, want none", n, len(k.put))
					}
					if n := len(hitsFor(hits, "/robots.txt")); n != 1+maxRetries {
						t.Errorf("robots.txt asked %d times, want %d (retried)", n, 1+maxRetries)
					}
					return
				}
				if err != nil {
					t.Fatalf("Refresh: %v", err)
				}
				if counts["added"] != tt.added {
					t.Errorf("added %d models, want %d", counts["added"], tt.added)
				}
			})
		})
	}

	unreachable := []struct {
		name string
		dial func(ctx context.Context, network, addr string) (net.Conn, error)
	}{
		{"connection refused", nil},
		{"DNS failure", func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}},
	}
	for _, tt := range unreachable {
		t.Run(tt.name, func(t *testing.T) {
			s := newFixtureSite(t)
			var (
				mu    sync.Mutex
				tried []string
			)
			c, _ := newTestCrawler(t, s, func(cfg *Config) {
				tr := &http.Transport{DialContext: tt.dial}
				cfg.Client = &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
					mu.Lock()
					tried = append(tried, r.URL.Path)
					mu.Unlock()
					return tr.RoundTrip(r)
				})}
			})
			if tt.dial == nil {
				s.srv.Close()
			}
			counts, err := c.Refresh(context.Background(), false, nil, nil)
			if !errors.Is(err, ErrRobotsUnavailable) {
				t.Errorf("Refresh error = %v, want ErrRobotsUnavailable", err)
			}
			if counts["fetched"] != 0 {
				t.Errorf("fetched %d pages", counts["fetched"])
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range tried {
				if p != "/robots.txt" {
					t.Errorf("%s was tried with robots.txt unreachable", p)
				}
			}
			if len(tried) != 1+maxRetries {
				t.Errorf("robots.txt tried %d times, want %d", len(tried), 1+maxRetries)
			}
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRobotsRedirects is RELIABILITY test 3: five redirects, one of them to another host,
// still give the rules, which apply to the site; six make robots.txt "unavailable" in RFC
// 9309's sense (§2.3.1.2), which like a 404 means no rules.
func TestRobotsRedirects(t *testing.T) {
	for _, hops := range []int{5, 6} {
		t.Run(fmt.Sprint(hops), func(t *testing.T) {
			s := newFixtureSite(t) // over the network, to reach the other host
			s.serve()
			var otherHits []string
			var mu sync.Mutex
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				otherHits = append(otherHits, r.URL.Path)
				mu.Unlock()
				http.Redirect(w, r, s.url("/robots/3"), http.StatusFound)
			}))
			defer other.Close()
			// hops redirects: /robots.txt → /robots/1 → the other host → /robots/3 → … → /robots/final.
			s.set("/robots.txt", &fixturePage{redirect: "{{site}}/robots/1"})
			s.set("/robots/1", &fixturePage{redirect: other.URL + "/siirretty"})
			for i := 3; i < hops-1; i++ {
				s.set(fmt.Sprintf("/robots/%d", i), &fixturePage{redirect: fmt.Sprintf("/robots/%d", i+1)})
			}
			s.set(fmt.Sprintf("/robots/%d", hops-1), &fixturePage{redirect: "/robots/final"})
			s.set("/robots/final", &fixturePage{contentType: "text/plain", body: "User-agent: *\nDisallow: " + pathB + "\n"})
			c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.Client = nil })
			k, counts := refresh(t, c, false)

			hits := s.takeHits()
			mu.Lock()
			if len(otherHits) != 1 {
				t.Errorf("the other host was asked %d times, want once", len(otherHits))
			}
			mu.Unlock()
			if n := len(hitsFor(hits, "/robots/final")); hops == 5 && n != 1 {
				t.Errorf("the final robots.txt was asked %d times, want once", n)
			}
			gotB := slices.Contains(k.urls(), s.url(pathB))
			gotSecret := slices.Contains(k.urls(), s.url(pathSecret))
			switch hops {
			case 5: // the rules of the file found: B disallowed, the "secret" one allowed
				if gotB || !gotSecret || counts["skipped_disallowed"] != 1 || len(hitsFor(hits, pathB)) != 0 {
					t.Errorf("5 redirects: B indexed %v, secret indexed %v, counts %v; want the final file's rules", gotB, gotSecret, counts)
				}
			case 6: // unavailable: no rules at all
				if !gotB || !gotSecret {
					t.Errorf("6 redirects: B indexed %v, secret indexed %v; want everything allowed", gotB, gotSecret)
				}
				if !strings.Contains(s.log(), "robots.txt redirects too often") {
					t.Error("the redirect chain was not logged")
				}
			}
		})
	}
}

// TestRobotsCache is RELIABILITY test 5: robots.txt is kept in the store for 24 hours, then
// asked again; when it cannot be read after that, the last good copy still rules.
func TestRobotsCache(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, nil)
		robotsAsked := func() int { return len(hitsFor(s.takeHits(), "/robots.txt")) }

		_, counts := refresh(t, c, false)
		if n := robotsAsked(); n != 1 {
			t.Errorf("first run asked robots.txt %d times, want 1", n)
		}
		time.Sleep(time.Hour)
		refresh(t, c, false)
		if n := robotsAsked(); n != 0 {
			t.Errorf("a run an hour later asked robots.txt %d times, want 0", n)
		}
		time.Sleep(23*time.Hour + time.Second)
		refresh(t, c, false)
		if n := robotsAsked(); n != 1 {
			t.Errorf("a run 24 h + 1 s after the first asked robots.txt %d times, want 1", n)
		}

		// The site's robots.txt fails now: the copy from the last run still disallows the
		// "secret" model, and the pages are crawled under it.
		s.set("/robots.txt", &fixturePage{status: http.StatusServiceUnavailable, body: "huolto"})
		time.Sleep(25 * time.Hour)
		k, counts2 := refresh(t, c, true)
		if n := robotsAsked(); n != 1+maxRetries {
			t.Errorf("with robots.txt failing it was asked %d times, want %d", n, 1+maxRetries)
		}
		if slices.Contains(k.urls(), s.url(pathSecret)) || counts2["skipped_disallowed"] != counts["skipped_disallowed"] || len(k.put) != 4 {
			t.Errorf("with the last good copy: put %q, counts %v; want the 4 allowed models", k.urls(), counts2)
		}
		if !strings.Contains(s.log(), "robots.txt unreachable; obeying the last copy") {
			t.Error("the failing robots.txt was not logged")
		}

		// A month of failures asks for an operator.
		time.Sleep(31 * 24 * time.Hour)
		refresh(t, c, false)
		if !strings.Contains(s.log(), "unreachable for more than 30 days") {
			t.Error("a month without robots.txt was not logged as an error")
		}
	})
}
