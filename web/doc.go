// Package web is mallihaku's HTTP face: the JSON API, the Finnish search pages, health checks.
// It is the only package that knows gin. Routes are listed in routes.go; handlers return
// errors and one adapter turns them into status codes and clear messages.
package web
