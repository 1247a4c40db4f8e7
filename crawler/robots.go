package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jimsmart/grobotstxt"

	"github.com/mallihaku/mallihaku/store"
)

// robotsToken is the product token robots.txt groups name us by (SPEC §1).
const robotsToken = "mallihaku"

const (
	// robotsMaxBody is how much of a robots.txt is read (RFC 9309 asks for at least 500 KiB).
	robotsMaxBody = 512 << 10
	// robotsMaxAge is how long a robots.txt is reused without asking again (RFC 9309 §2.4).
	robotsMaxAge = 24 * time.Hour
	// robotsAlertAge is how long robots.txt may stay unreachable, the last good copy in use,
	// before the log asks an operator to look (RELIABILITY §1).
	robotsAlertAge = 30 * 24 * time.Hour
)

// ErrRobotsUnavailable means robots.txt could not be read (429, 5xx, timeout, network; RFC
// 9309 calls this "unreachable") and no earlier copy was kept; the site is then treated as
// disallowing everything and the run fetches no pages.
var ErrRobotsUnavailable = errors.New("robots.txt unavailable, so no pages were fetched")

// robotsPolicy is what a site's robots.txt allows us in one run.
type robotsPolicy struct {
	allowAll   bool
	rules      string // the robots.txt with its rule values in RFC 9309 match form
	crawlDelay time.Duration
	sitemaps   []string
}

// allowed reports whether we may fetch the absolute URL u.
func (r *robotsPolicy) allowed(u string) (ok bool) {
	target, isRobots := robotsTarget(u)
	if isRobots || r.allowAll { // RFC 9309 §2.2.2: /robots.txt is implicitly allowed
		return true
	}
	defer func() {
		if recover() != nil { // the parser's own panics: when in doubt, do not fetch
			ok = false
		}
	}()
	return grobotstxt.AgentAllowed(r.rules, robotsToken, target)
}

// robots returns the run's robots.txt policy. A copy under 24 hours old is used as it is;
// otherwise the site is asked: 2xx gives its rules, 4xx other than 429 and more than five
// redirects (RFC 9309 "unavailable") allow everything, and either answer is kept. When the
// site cannot be reached (429, 5xx, timeout, network) the last copy kept is used, however
// old, and without one the run ends with ErrRobotsUnavailable.
func (c *Crawler) robots(ctx context.Context, f *fetcher) (*robotsPolicy, error) {
	key := c.siteURL("")
	now := time.Now()
	kept, haveKept, err := c.cfg.Store.Robots(key)
	if err != nil {
		return nil, fmt.Errorf("read kept robots.txt: %w", err)
	}
	if age := now.Sub(kept.FetchedAt); haveKept && age >= 0 && age < robotsMaxAge {
		c.cfg.Logger.Debug("robots.txt kept from an earlier run", "age", age.Round(time.Second))
		return policyOf(kept), nil
	}

	u := c.siteURL("/robots.txt")
	resp, err := f.getRobots(ctx, u, robotsMaxBody)
	var answer *store.Robots
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, err
	case errors.Is(err, errRedirect):
		c.cfg.Logger.Warn("robots.txt redirects too often or off the web; treated as absent (RFC 9309 §2.3.1.2)", "url", u, "err", err)
		answer = &store.Robots{Site: key, FetchedAt: now}
	case err != nil:
	case resp.Status >= 200 && resp.Status < 300:
		answer = &store.Robots{Site: key, Status: resp.Status, Body: robotsBody(resp), FetchedAt: now}
	case resp.Status >= 400 && resp.Status < 500 && resp.Status != http.StatusTooManyRequests:
		c.cfg.Logger.Info("robots.txt absent, everything allowed", "url", u, "status", resp.Status)
		answer = &store.Robots{Site: key, Status: resp.Status, FetchedAt: now}
	default:
		err = fmt.Errorf("%s answered %w", u, &statusError{resp.Status})
	}
	if answer != nil {
		if err := c.cfg.Store.PutRobots(*answer); err != nil {
			return nil, fmt.Errorf("keep robots.txt: %w", err)
		}
		return policyOf(*answer), nil
	}
	if !haveKept {
		return nil, fmt.Errorf("%w: %w", ErrRobotsUnavailable, err)
	}
	age := now.Sub(kept.FetchedAt).Round(time.Second)
	if age > robotsAlertAge {
		c.cfg.Logger.Error("robots.txt unreachable for more than 30 days; still obeying the last copy, please check the site", "url", u, "copy_age", age, "err", err)
	} else {
		c.cfg.Logger.Warn("robots.txt unreachable; obeying the last copy", "url", u, "copy_age", age, "err", err)
	}
	return policyOf(kept), nil
}

// robotsBody is the text of a robots.txt answer, cut at its last whole line when it was
// longer than robotsMaxBody.
func robotsBody(resp *response) string {
	b := resp.Body
	if resp.Truncated {
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			b = b[:i+1]
		}
	}
	return string(b)
}

func policyOf(r store.Robots) *robotsPolicy {
	if r.Status < 200 || r.Status > 299 {
		return &robotsPolicy{allowAll: true}
	}
	return parseRobots(r.Body)
}

// parseRobots reads a robots.txt body. The library's parser panics on nothing we know of, but
// if it ever does, the site is taken to disallow everything rather than crash the crawl.
func parseRobots(body string) (p *robotsPolicy) {
	defer func() {
		if recover() != nil {
			p = &robotsPolicy{rules: "User-agent: *\nDisallow: /\n"}
		}
	}()
	scan := &robotsScan{rules: map[int]string{}}
	grobotstxt.Parse(body, scan)
	delay := scan.global
	if scan.seenSpecific {
		delay = scan.specific
	}
	return &robotsPolicy{rules: scan.normalised(body), crawlDelay: delay, sitemaps: grobotstxt.Sitemaps(body)}
}

// robotsScan collects, in one parse, the Crawl-delay that applies to us (from groups naming
// our product token when there are any, else from the "*" groups) and every rule line.
type robotsScan struct {
	inSpecific, inGlobal, afterAgent bool
	seenSpecific                     bool
	specific, global                 time.Duration
	rules                            map[int]string // line number → "allow: v" or "disallow: v"
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

func (s *robotsScan) HandleAllow(line int, value string) {
	s.afterAgent = false
	s.rules[line] = "allow: " + robotsMatchForm(value)
}

func (s *robotsScan) HandleDisallow(line int, value string) {
	s.afterAgent = false
	s.rules[line] = "disallow: " + robotsMatchForm(value)
}

func (s *robotsScan) HandleSitemap(int, string) {}

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

// normalised is body with every rule line rewritten with its value in match form, so that
// the library compares what RFC 9309 §2.2.2 compares. Lines are split as the library splits
// them (LF, CR or CRLF, after a BOM), so line numbers agree.
func (s *robotsScan) normalised(body string) string {
	n := 0 // the library skips a BOM, or as much of one as there is
	for n < len(utf8BOM) && n < len(body) && body[n] == utf8BOM[n] {
		n++
	}
	body = body[n:]
	var b strings.Builder
	line, start, lastCR := 0, 0, false
	emit := func(end int) {
		line++
		if line > 1 {
			b.WriteByte('\n')
		}
		if r, ok := s.rules[line]; ok {
			b.WriteString(r)
		} else {
			b.WriteString(body[start:end])
		}
	}
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch != '\n' && ch != '\r' {
			continue
		}
		if !(i == start && lastCR && ch == '\n') {
			emit(i)
		}
		start, lastCR = i+1, ch == '\r'
	}
	emit(len(body))
	return b.String()
}

// robotsTarget is the absolute URL u with its path and query in match form, and whether it is
// the robots.txt itself.
func robotsTarget(u string) (string, bool) {
	p, err := url.Parse(u)
	if err != nil {
		return u, false
	}
	pq := p.EscapedPath()
	if pq == "" {
		pq = "/"
	}
	isRobots := pq == "/robots.txt" && p.RawQuery == "" && !p.ForceQuery
	if p.RawQuery != "" || p.ForceQuery {
		pq += "?" + p.RawQuery
	}
	return p.Scheme + "://" + p.Host + robotsMatchForm(pq), isRobots
}

// robotsMatchForm is a path (with its query) as RFC 9309 §2.2.2 compares it: octets outside
// US-ASCII percent-encoded, percent-encoded unreserved characters decoded, other escapes in
// upper case, and within the query the reserved characters that are not its own separators
// (: / ? @ [ ]) percent-encoded, as the RFC's table writes https://foo.bar. The special
// characters * and $ are left alone.
func robotsMatchForm(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	inQuery := false
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			v := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hexDigits[v>>4])
				b.WriteByte(hexDigits[v&15])
			}
			i += 2
		case ch >= 0x80 || inQuery && strings.IndexByte(":/?@[]", ch) >= 0:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&15])
		default:
			if ch == '?' {
				inQuery = true
			}
			b.WriteByte(ch)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
