// Package web is mallihaku's HTTP face: the JSON API, the search pages (Finnish, Swedish,
// English), the feed, health checks and metrics. It is the only package that knows gin. Routes
// are listed in routes.go; handlers and middleware return or hand their errors to fail
// (errors.go), the one place an error becomes a response: JSON under /api/, a page in the
// reader's language elsewhere, 5xx causes logged once and never shown.
package web
