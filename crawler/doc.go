// Package crawler fetches a site's practice-model pages politely and incrementally and hands
// each to package extract to read into a practice.Model. Discovery follows robots.txt (RFC
// 9309, through grobotstxt), sitemaps and listing pages; fetching keeps a per-host pace,
// retries with backoff that honours Retry-After, and gives a failing site up without touching
// what was indexed. Each model's development-path sub-page is fetched with it, and the site's
// programme pages and their listings before the models, so that a model carries its path and
// its programme; programmes are kept in the store as documents of their own, never models.
// Crawl state, the robots.txt last read and the last good body of every page are kept in the
// data folder's store.
package crawler
