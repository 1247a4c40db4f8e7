package busy_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mallihaku/mallihaku/busy"
)

func TestAnErrorMadeByNewSaysItsSentenceAndIsBusy(t *testing.T) {
	err := busy.New("a reindex job is already running")
	if got := err.Error(); got != "a reindex job is already running" {
		t.Errorf("Error() = %q, want the sentence as given", got)
	}
	wrapped := fmt.Errorf("start full: %w", err)
	if !errors.Is(wrapped, busy.ErrBusy) || !errors.Is(wrapped, err) {
		t.Errorf("%v is not ErrBusy and itself", wrapped)
	}
	if errors.Is(errors.New("a reindex job is already running"), busy.ErrBusy) {
		t.Error("an error of the same words is ErrBusy; only New's are")
	}
}
