package busy

import "errors"

// ErrBusy is the one error that says work was refused because what it needs is taken: the
// searches that may run at once are running, or a reindex job already runs. Test for it with
// errors.Is; each package says its own sentence with New.
var ErrBusy = errors.New("busy")

// New returns an error that says msg and is ErrBusy (errors.Is(err, ErrBusy) holds), e.g.
// busy.New("a reindex job is already running").
func New(msg string) error { return &busyError{msg} }

type busyError struct{ msg string }

func (e *busyError) Error() string { return e.msg }
func (e *busyError) Unwrap() error { return ErrBusy }
