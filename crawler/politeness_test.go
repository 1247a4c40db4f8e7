package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallihaku/mallihaku/extract"
	"github.com/mallihaku/mallihaku/practice"
)

// withFiftyModels adds 45 models to the fixture site's second listing page, for 50 in all.
func withFiftyModels(s *fixtureSite) {
	var links strings.Builder
	for i := range 45 {
		path := fmt.Sprintf("/fi/toimintamalli/malli-%02d", i)
		m := modelA
		m.title = fmt.Sprintf("Kotikuntoutus %d", i)
		s.set(path, &fixturePage{body: modelHTML(m)})
		fmt.Fprintf(&links, `<a href="%s">%s</a>`, path, m.title)
	}
	s.set(pathListing2, &fixturePage{body: `<html><body><a href="` + pathD + `">D</a> <a href="` + pathEmpty + `">E</a>` +
		links.String() + `</body></html>`})
}

// TestPolitenessOnFiftyPages is RELIABILITY test 9. On fake time the site's latency and the
// pacing cost the test nothing, and concurrent requests really overlap.
func TestPolitenessOnFiftyPages(t *testing.T) {
	tests := []struct {
		name        string
		fifty       bool // 50 models rather than the fixture's 6
		rate        float64
		concurrency int
		crawlDelay  string
		gap         time.Duration // least time between request starts
	}{
		{"default 1 request/s, 2 in flight", true, 1, 0, "", time.Second * 95 / 100},
		{"Crawl-delay 2", false, 1, 0, "2", 2 * time.Second},
		{"Crawl-delay 3", true, 1, 0, "3", 3 * time.Second},
		{"rate lifted, 1 in flight", false, 0, 1, "", 0},
		{"rate lifted, 2 in flight", false, 0, 2, "", 0},
		{"rate lifted, 3 in flight", false, 0, 3, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newFixtureSite(t)
			models := 4 // A, B, C, D; the "secret" one is disallowed, one page has no labels
			if tt.fifty {
				withFiftyModels(s)
				models = 49
			}
			if tt.crawlDelay != "" {
				s.set("/robots.txt", &fixturePage{contentType: "text/plain",
					body: "User-agent: *\nCrawl-delay: " + tt.crawlDelay + "\nDisallow: /fi/toimintamalli/salainen-kokeilu\n"})
			}
			fakeTime(t, func(t *testing.T) {
				s.hold = func(string) { time.Sleep(4 * time.Second) } // a slow site: requests overlap
				c, _ := newTestCrawler(t, s, func(cfg *Config) {
					cfg.Rate, cfg.Concurrency = tt.rate, tt.concurrency
				})
				_, counts := refresh(t, c, false)
				if counts["added"] != models {
					t.Errorf("added %d models, want %d (counts %v)", counts["added"], models, counts)
				}
			})
			hits := s.takeHits()
			for i := 1; i < len(hits); i++ {
				if gap := hits[i].at.Sub(hits[i-1].at); gap < tt.gap {
					t.Errorf("%s started %v after %s, want at least %v", hits[i].uri, gap, hits[i-1].uri, tt.gap)
				}
			}
			want := tt.concurrency
			if want == 0 {
				want = 2
			}
			s.mu.Lock()
			got := s.maxInflight
			s.mu.Unlock()
			if got != want {
				t.Errorf("at most %d requests were in flight, want exactly the concurrency %d", got, want)
			}
		})
	}
}

// TestRetryAfterIsHonoured is RELIABILITY test 10: a 429 or 503 with Retry-After (seconds or
// an HTTP date) holds the next request to the host back at least that long.
func TestRetryAfterIsHonoured(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		for _, form := range []string{"seconds", "http-date"} {
			t.Run(fmt.Sprint(status, " ", form), func(t *testing.T) {
				t.Parallel()
				fakeTime(t, func(t *testing.T) {
					s := newFixtureSite(t)
					c, _ := newTestCrawler(t, s, nil)
					ra := "7"
					if form == "http-date" {
						ra = time.Now().Add(7 * time.Second).Format(http.TimeFormat)
					}
					s.set(pathB, &fixturePage{body: modelHTML(modelB), first: []fixtureStep{{status, ra}}})
					k, counts := refresh(t, c, false)

					hits := s.takeHits()
					hb := hitsFor(hits, pathB)
					if len(hb) != 2 || hb[0].status != status || hb[1].status != 200 {
						t.Fatalf("requests for B: %+v; want %d then 200", hb, status)
					}
					// No request to the host at all before the pause is over.
					for _, h := range hits {
						if h.at.After(hb[0].at) && h.at.Sub(hb[0].at) < 7*time.Second {
							t.Errorf("%s requested %v after the Retry-After of 7 s", h.uri, h.at.Sub(hb[0].at))
						}
					}
					if !slices.Contains(k.urls(), s.url(pathB)) {
						t.Error("model B not indexed after the retry")
					}
					wantCounts(t, counts, map[string]int{"failed": 0, "added": 4})
				})
			})
		}
	}
}

func TestRetriesStopAfterTwo(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter string
		requests   int
	}{
		{http.StatusRequestTimeout, "", 3},
		{http.StatusTooManyRequests, "7", 3},
		{http.StatusInternalServerError, "", 3},
		{http.StatusBadGateway, "", 3},
		{http.StatusServiceUnavailable, "7", 3},
		{http.StatusGatewayTimeout, "", 3},
		{http.StatusForbidden, "", 1},
		{http.StatusNotImplemented, "", 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			fakeTime(t, func(t *testing.T) {
				s := newFixtureSite(t)
				c, _ := newTestCrawler(t, s, nil)
				var first []fixtureStep
				for range 5 {
					first = append(first, fixtureStep{tt.status, tt.retryAfter})
				}
				s.set(pathB, &fixturePage{body: modelHTML(modelB), first: first})
				_, counts := refresh(t, c, false)
				hb := hitsFor(s.takeHits(), pathB)
				if len(hb) != tt.requests {
					t.Errorf("B requested %d times, want %d", len(hb), tt.requests)
				}
				for i := 1; i < len(hb) && tt.retryAfter != ""; i++ {
					if gap := hb[i].at.Sub(hb[i-1].at); gap < 7*time.Second {
						t.Errorf("retry %d came %v after a Retry-After of 7 s", i, gap)
					}
				}
				wantCounts(t, counts, map[string]int{"failed": 1, fmt.Sprintf("failed_http_%d", tt.status): 1, "added": 3})
			})
		})
	}
}

// TestLongRetryAfterPausesTheHostForTheRun is the rest of RELIABILITY test 10: a Retry-After
// beyond an hour is not waited for; the host gets no more requests in the run.
func TestLongRetryAfterPausesTheHostForTheRun(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.Concurrency = 1 })
		refresh(t, c, false)
		s.takeHits()

		s.set(pathC, &fixturePage{body: modelHTML(modelC), first: []fixtureStep{{http.StatusTooManyRequests, "86400"}}})
		s.set(pathD, &fixturePage{body: modelHTML(modelD), first: []fixtureStep{{http.StatusTooManyRequests, "86400"}}})
		k := &sink{}
		_, err := c.Refresh(context.Background(), true, k.Put, k.Remove)
		if !errors.Is(err, ErrPaused) {
			t.Fatalf("Refresh = %v, want ErrPaused", err)
		}
		hits := s.takeHits()
		last := hits[len(hits)-1]
		if last.status != http.StatusTooManyRequests || len(hitsFor(hits, last.uri)) != 1 {
			t.Errorf("the run went on after the long Retry-After: %d requests, the last %s → %d", len(hits), last.uri, last.status)
		}
		if len(k.removed) != 0 {
			t.Errorf("removed %q in a paused run", k.removed)
		}
		if n := len(cachedModels(t, c)); n != 4 {
			t.Errorf("cache has %d models after a paused run, want 4", n)
		}
		if !strings.Contains(s.log(), "site asks for a long pause") {
			t.Error("the pause was not logged")
		}
	})
}

// TestCircuitBreakerAbandonsTheRun is RELIABILITY test 11: with the site failing everywhere,
// the run ends after MaxFailures failed requests in a row, having made no change: Refresh
// errs, put and remove are never called, and the store still gives every model.
func TestCircuitBreakerAbandonsTheRun(t *testing.T) {
	const maxFailures = 10
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusInternalServerError} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			fakeTime(t, func(t *testing.T) {
				s := newFixtureSite(t)
				c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.MaxFailures = maxFailures })
				refresh(t, c, false)
				s.takeHits()

				s.mu.Lock()
				s.failAll = status
				s.mu.Unlock()
				calls := 0
				counts, err := c.Refresh(context.Background(), false,
					func(practice.Model) error { calls++; return nil },
					func(string) error { calls++; return nil })
				if !errors.Is(err, ErrTooManyFailures) {
					t.Fatalf("Refresh = %v, want ErrTooManyFailures", err)
				}
				if calls != 0 {
					t.Errorf("put or remove called %d times in an abandoned run", calls)
				}
				n := len(s.takeHits())
				if n < maxFailures || n > maxFailures+maxRetries {
					t.Errorf("%d requests, want between %d and %d", n, maxFailures, maxFailures+maxRetries)
				}
				if counts["deleted"] != 0 {
					t.Errorf("counts %v", counts)
				}
				if m := len(cachedModels(t, c)); m != 4 {
					t.Errorf("store has %d models after the abandoned run, want 4", m)
				}

				// The site is back: the next run works, and nothing was lost.
				s.mu.Lock()
				s.failAll = 0
				s.mu.Unlock()
				k, counts := refresh(t, c, false)
				if len(k.removed) != 0 || counts["failed"] != 0 {
					t.Errorf("next run: removed %q, counts %v", k.removed, counts)
				}
			})
		})
	}
}

// TestEveryRequestIdentifiesUs is RELIABILITY test 13: robots.txt, sitemaps, listings, pages
// and redirect hops all carry the configured User-Agent with the product token and contact URL.
func TestEveryRequestIdentifiesUs(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		s.set(pathD, &fixturePage{redirect: "{{site}}/fi/toimintamalli/ikaihmisten-digituki-uusi"})
		s.set("/fi/toimintamalli/ikaihmisten-digituki-uusi", &fixturePage{body: modelHTML(modelD)})
		c, _ := newTestCrawler(t, s, nil)
		_, counts := refresh(t, c, false)
		if counts["added"] != 4 {
			t.Errorf("counts %v", counts)
		}
		hits := s.takeHits()
		if len(hitsFor(hits, "/fi/toimintamalli/ikaihmisten-digituki-uusi")) != 1 {
			t.Error("the redirect was not followed")
		}
		for _, h := range hits {
			if h.userAgent != testUserAgent {
				t.Errorf("%s: User-Agent %q, want %q", h.uri, h.userAgent, testUserAgent)
			}
		}
		if !strings.HasPrefix(testUserAgent, robotsToken+"/") || !strings.Contains(testUserAgent, "(+https://") {
			t.Errorf("the test's User-Agent %q lacks the product token or the contact URL", testUserAgent)
		}

		// The default names both too, and a User-Agent without the token is refused.
		c, _ = newTestCrawler(t, s, func(cfg *Config) { cfg.UserAgent = "" })
		refresh(t, c, false)
		for _, h := range s.takeHits() {
			if !strings.HasPrefix(h.userAgent, robotsToken+" (+https://github.com/mallihaku/mallihaku)") {
				t.Errorf("%s: default User-Agent %q", h.uri, h.userAgent)
			}
		}
		_, err := New(Config{Site: s.base, Profile: extract.Innokyla(), Store: c.cfg.Store, UserAgent: "Mozilla/5.0"})
		if err == nil || !strings.Contains(err.Error(), "product token") {
			t.Errorf("New with a User-Agent without our token: %v", err)
		}
	})
}

// TestPaceBeyondBudgetIsReported: a Crawl-delay that makes the run longer than its budget
// is obeyed, and the log says so with the estimate.
func TestPaceBeyondBudgetIsReported(t *testing.T) {
	fakeTime(t, func(t *testing.T) {
		s := newFixtureSite(t)
		s.set("/robots.txt", &fixturePage{contentType: "text/plain", body: "User-agent: *\nCrawl-delay: 60\n"})
		c, _ := newTestCrawler(t, s, func(cfg *Config) { cfg.Rate, cfg.Budget = 1, 5*time.Minute })
		start := time.Now()
		refresh(t, c, false)
		log := s.log()
		// Discovery (robots.txt and 4 more requests) and the programme page took 5 minutes; 6
		// model pages at 60 s each remain.
		if !strings.Contains(log, "at this pace the run will outlast its budget") || !strings.Contains(log, "estimate=11m0s") ||
			!strings.Contains(log, "budget=5m0s") || !strings.Contains(log, "crawl_delay=1m0s") {
			t.Errorf("no warning with the estimate in the log:\n%s", log)
		}
		if took := time.Since(start); took < 9*time.Minute { // 10 requests after robots.txt
			t.Errorf("the run took %v; the Crawl-delay of 60 s was not obeyed", took)
		}

		s = newFixtureSite(t)
		c, _ = newTestCrawler(t, s, func(cfg *Config) { cfg.Rate = 1 })
		refresh(t, c, false)
		if strings.Contains(s.log(), "outlast") || !strings.Contains(s.log(), "estimated run time") {
			t.Errorf("a run within its budget: %s", s.log())
		}
	})
}
