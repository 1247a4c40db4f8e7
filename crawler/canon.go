package crawler

import (
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/mallihaku/mallihaku/extract"
)

const (
	// maxURLLength is the longest URL the crawler follows (Scrapy's URLLENGTH_LIMIT); longer
	// ones are traps or junk.
	maxURLLength = 2083
	// maxPathSegments and maxRepeats bound a path's depth and how often one segment may follow
	// itself (Heritrix's TooManyPathSegments and PathologicalPath rules): /a/a/a/… is a trap.
	maxPathSegments = 20
	maxRepeats      = 2
)

// canonicalizer turns the URLs a site links to into the one form the crawler and the store
// use: the site's scheme and host, no fragment, no userinfo, dot segments resolved, and for
// practice-model pages no query and no trailing slash, because their path is their identity.
// URLs on other hosts or with other schemes are rejected.
type canonicalizer struct {
	scheme string          // the site's scheme
	host   string          // the site's host[:port], lower case, default port dropped
	hosts  map[string]bool // allowed hosts as hostKey gives them
	model  *regexp.Regexp  // the profile's practice-model path
	// programme is the profile's programme path; nil when the profile has none.
	programme *regexp.Regexp
}

func newCanonicalizer(site *url.URL, p *extract.Profile) *canonicalizer {
	c := &canonicalizer{
		scheme: site.Scheme,
		host:   normalHost(site.Scheme, site.Host),
		hosts:  map[string]bool{hostKey(site.Scheme, site.Host): true},
		model:  p.ModelPath,

		programme: p.ProgrammePath,
	}
	for _, h := range p.Hosts {
		c.hosts[hostKey("", h)] = true
	}
	return c
}

// canon returns the canonical form of the absolute URL raw; ok is false when the crawler
// must not follow it.
func (c *canonicalizer) canon(raw string) (string, bool) {
	if len(raw) > maxURLLength {
		return "", false
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	return c.canonURL(u)
}

// resolve resolves ref (as written in an href) against the page URL base and canonicalises it.
func (c *canonicalizer) resolve(base, ref string) (string, bool) {
	if len(ref) > maxURLLength {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", false
	}
	return c.canonURL(b.ResolveReference(r))
}

func (c *canonicalizer) canonURL(u *url.URL) (string, bool) {
	if !c.allowed(u) {
		return "", false
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	trailing := strings.HasSuffix(p, "/")
	p = path.Clean("/" + dropSessionParams(p))
	if trailing && p != "/" {
		p += "/"
	}
	if trapPath(p) {
		return "", false
	}
	out := url.URL{Scheme: c.scheme, Host: c.host, Path: p}
	if c.model.MatchString(p) {
		out.Path = strings.TrimSuffix(p, "/")
	} else {
		out.RawQuery = cleanQuery(u.RawQuery)
	}
	s := out.String()
	if len(s) > maxURLLength {
		return "", false
	}
	return s, true
}

// dropSessionParams removes session IDs written into the path (/x;jsessionid=…).
func dropSessionParams(p string) string {
	if !strings.Contains(p, ";") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if j := strings.IndexByte(seg, ';'); j >= 0 {
			k, _, _ := strings.Cut(seg[j+1:], "=")
			if isTrackingParam(k) {
				segs[i] = seg[:j]
			}
		}
	}
	return strings.Join(segs, "/")
}

// trapPath reports whether a clean path is too deep or repeats a segment like a trap.
func trapPath(p string) bool {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) > maxPathSegments {
		return true
	}
	run := 1
	for i := 1; i < len(segs); i++ {
		if segs[i] != segs[i-1] {
			run = 1
			continue
		}
		if run++; run > maxRepeats {
			return true
		}
	}
	return false
}

// allowed reports whether u is an http(s) URL on one of the site's hosts; the HTTP client
// checks every redirect with it too.
func (c *canonicalizer) allowed(u *url.URL) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	if u.Opaque != "" || u.Host == "" {
		return false
	}
	return c.hosts[hostKey(u.Scheme, u.Host)]
}

// isModel reports whether the canonical URL cu is a practice-model page.
func (c *canonicalizer) isModel(cu string) bool {
	u, err := url.Parse(cu)
	return err == nil && c.model.MatchString(u.Path)
}

// isProgramme reports whether the canonical URL cu is a programme's page.
func (c *canonicalizer) isProgramme(cu string) bool {
	u, err := url.Parse(cu)
	return err == nil && c.programme != nil && c.programme.MatchString(u.Path)
}

// normalHost lower-cases host, drops a trailing dot and the scheme's default port.
func normalHost(scheme, host string) string {
	host = strings.ToLower(host)
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ""
	}
	name = strings.TrimSuffix(name, ".")
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		return net.JoinHostPort(name, port)
	}
	if strings.Contains(name, ":") {
		return "[" + name + "]"
	}
	return name
}

// hostKey is normalHost without a leading "www.", so that both variants of a host match.
func hostKey(scheme, host string) string {
	return strings.TrimPrefix(normalHost(scheme, host), "www.")
}

// cleanQuery sorts the query's parameters and drops tracking and session ones, so that one
// page has one URL.
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, _ := url.ParseQuery(raw) // malformed pairs are dropped
	for k := range q {
		if isTrackingParam(k) {
			delete(q, k)
		}
	}
	return q.Encode()
}

func isTrackingParam(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "phpsessid", "jsessionid", "sessionid", "session_id", "sid", "aspsessionid", "cfid", "cftoken":
		return true
	}
	return strings.HasPrefix(k, "utm_")
}
