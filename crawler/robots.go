package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jimsmart/grobotstxt"
)

// robotsToken is the product token robots.txt groups name us by (SPEC §1).
const robotsToken = "mallihaku"

// robotsMaxBody is how much of a robots.txt is read (RFC 9309 asks for at least 500 KiB).
const robotsMaxBody = 512 << 10

// ErrRobotsUnavailable means robots.txt could not be read (429, 5xx, network); the site is
// then treated as disallowing everything and the run fetches no pages.
var ErrRobotsUnavailable = errors.New("robots.txt unavailable, so no pages were fetched")

// robotsPolicy is what a site's robots.txt allows us in one run.
type robotsPolicy struct {
	allowAll   bool
	body       string // the robots.txt, when rules apply
	crawlDelay time.Duration
	sitemaps   []string
}

// allowed reports whether we may fetch the absolute URL u.
func (r *robotsPolicy) allowed(u string) bool {
	if r.allowAll {
		return true
	}
	return grobotstxt.AgentAllowed(r.body, robotsToken, u)
}

// fetchRobots reads the site's robots.txt: 2xx gives its rules, 4xx other than 429 allows
// everything, anything else (429, 5xx, network errors after retries) is ErrRobotsUnavailable.
func (c *Crawler) fetchRobots(ctx context.Context) (*robotsPolicy, error) {
	u := c.siteURL("/robots.txt")
	resp, err := c.fetch.get(ctx, u, nil, robotsMaxBody)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrRobotsUnavailable, err)
	}
	switch {
	case resp.Status >= 200 && resp.Status < 300:
		return parseRobots(resp.Body, resp.Truncated), nil
	case resp.Status >= 400 && resp.Status < 500 && resp.Status != http.StatusTooManyRequests:
		c.log.Info("robots.txt absent, everything allowed", "url", u, "status", resp.Status)
		return &robotsPolicy{allowAll: true}, nil
	}
	return nil, fmt.Errorf("%w: %s answered %w", ErrRobotsUnavailable, u, &statusError{resp.Status})
}

func parseRobots(body []byte, truncated bool) *robotsPolicy {
	if truncated { // cut at the last whole line
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			body = body[:i+1]
		}
	}
	s := string(body)
	scan := &robotsScan{}
	grobotstxt.Parse(s, scan)
	delay := scan.global
	if scan.seenSpecific {
		delay = scan.specific
	}
	return &robotsPolicy{body: s, crawlDelay: delay, sitemaps: grobotstxt.Sitemaps(s)}
}

// robotsScan collects the Crawl-delay that applies to us: from groups naming our product
// token when there are any, else from the "*" groups.
type robotsScan struct {
	inSpecific, inGlobal, afterAgent bool
	seenSpecific                     bool
	specific, global                 time.Duration
}

func (s *robotsScan) HandleRobotsStart() {}
func (s *robotsScan) HandleRobotsEnd()   {}

func (s *robotsScan) HandleUserAgent(_ int, value string) {
	if !s.afterAgent { // a new group starts
		s.inSpecific, s.inGlobal = false, false
	}
	s.afterAgent = true
	value = strings.TrimSpace(value)
	if value == "*" || strings.HasPrefix(value, "* ") {
		s.inGlobal = true
		return
	}
	end := strings.IndexFunc(value, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-')
	})
	if end >= 0 {
		value = value[:end]
	}
	if strings.EqualFold(value, robotsToken) {
		s.inSpecific, s.seenSpecific = true, true
	}
}

func (s *robotsScan) HandleAllow(int, string)    { s.afterAgent = false }
func (s *robotsScan) HandleDisallow(int, string) { s.afterAgent = false }
func (s *robotsScan) HandleSitemap(int, string)  {}

func (s *robotsScan) HandleUnknownAction(_ int, action, value string) {
	s.afterAgent = false
	if !strings.EqualFold(action, "crawl-delay") {
		return
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || secs <= 0 || secs > 24*3600 {
		return
	}
	d := time.Duration(secs * float64(time.Second))
	if s.inSpecific {
		s.specific = max(s.specific, d)
	}
	if s.inGlobal {
		s.global = max(s.global, d)
	}
}
