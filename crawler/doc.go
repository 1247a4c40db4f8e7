// Package crawler fetches a site's practice-model pages politely and incrementally and reads
// each into a practice.Model. Discovery follows robots.txt, sitemaps and listing pages;
// extraction turns a page into the text blocks a person reads and finds the site profile's
// labelled fields among them, so it does not depend on one exact markup. Crawl state and the
// last good body of every page are kept in the data folder's store.
package crawler
