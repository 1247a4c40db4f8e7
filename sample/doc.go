// Package sample is the built-in sample site: practice-model pages written for mallihaku,
// embedded in the binary and served by an http.Handler the way Innokylä serves its own
// (robots.txt, sitemap.xml, paginated listings, news and sub-pages that are not models), in
// two markups. The demo command crawls it, and tests compare what the crawler makes of it with
// the hand-written manifest.json.
package sample
