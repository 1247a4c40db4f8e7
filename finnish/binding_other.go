//go:build !((darwin || freebsd || linux || netbsd) && !android)

package finnish

import "errors"

// On systems where purego cannot load shared libraries, mallihaku runs on Snowball.

type library struct{}

type handle struct{}

func loadLibrary(string) (*library, error) {
	return nil, errors.New("loading libvoikko is not supported on this system")
}

func (l *library) version() string              { return "" }
func (l *library) open(string) (*handle, error) { return nil, ErrUnavailable }
func (h *handle) close()                        {}
func (h *handle) spell(string) bool             { return false }
func (h *handle) suggest(string) []string       { return nil }
func (h *handle) analyze(string) []reading      { return nil }
