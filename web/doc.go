// Package web is mallihaku's HTTP face: the JSON API, the search pages (Finnish, Swedish,
// English), model and programme pages, the feed, the export of a result set, the admin routes
// that start and list reindex jobs, health checks and metrics. It is the only package that
// knows gin. Routes are listed in routes.go; handlers and middleware return or hand their
// errors to fail (errors.go), the one place an error becomes a response: JSON under /api/, a
// page in the reader's language elsewhere, 5xx causes logged once and never shown.
//
// It reaches the index only through search, and jobs only through the small interfaces it
// defines over reindex's types (Config): it imports neither store nor indexer.
package web
