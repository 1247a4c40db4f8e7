package main

import (
	"log/slog"

	"github.com/mallihaku/mallihaku/finnish"
)

// analyzerName is the Finnish analysis in use: voikko when libvoikko and its Finnish
// dictionary load, else snowball.
func analyzerName() string {
	a, _ := finnish.Default()
	return a.Name()
}

// sayAnalyzer says at start-up when Finnish analysis runs on Snowball, why, and what to do.
func sayAnalyzer(log *slog.Logger) {
	if _, err := finnish.Default(); err != nil {
		log.Warn("Voikko is not available, so Finnish analysis runs on Snowball: searches miss base forms "+
			"(lasten for lapsi) and compound parts (päihdepalvelut for päihde). Install libvoikko1 and voikko-fi "+
			"(apt-get) or libvoikko (Homebrew), then rebuild the index with `mallihaku crawl --reparse --data DIR`",
			"analyzer", finnish.NameSnowball, "reason", err.Error())
	}
}
