package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/mallihaku/mallihaku/finnish/finnishtest"
)

func TestVersionSaysVoikkoWhenItIsInstalled(t *testing.T) {
	finnishtest.Voikko(t)
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.Contains(out, "analyzer voikko\n") {
		t.Errorf("version: %v\n%s", err, out)
	}
	var log bytes.Buffer
	sayAnalyzer(slog.New(slog.NewTextHandler(&log, nil)))
	if log.Len() != 0 {
		t.Errorf("with Voikko, start-up says %s", log.String())
	}
}
