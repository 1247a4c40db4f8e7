// Package finnishtest helps tests that need Voikko: they fail in CI when libvoikko or its
// Finnish dictionary is missing, and skip on a developer's machine without them.
package finnishtest

import (
	"os"
	"testing"

	"github.com/mallihaku/mallihaku/finnish"
)

// Voikko returns the process's Voikko analyzer. Without libvoikko the test fails when the
// environment says CI=true (CI installs libvoikko1 and voikko-fi, so a missing Voikko there is
// a broken machine, not a reason to test less) and is skipped elsewhere.
func Voikko(t testing.TB) *finnish.Analyzer {
	t.Helper()
	a, err := finnish.Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs Voikko and CI must have it (apt-get install libvoikko1 voikko-fi): %v", err)
		}
		t.Skipf("Voikko is not installed (apt-get install libvoikko1 voikko-fi): %v", err)
	}
	return a
}
