package search

import "strings"

// WorstQueries are inputs that cost bleve seconds to minutes when handed to its own query
// syntax (RELIABILITY test 23), and the costliest kinds a user may still ask for. mallihaku
// refuses or bounds each: the tests check that, and `mallihaku bench` times them.
var WorstQueries = map[string]string{
	"*":               "*",
	"*a*":             "*a*",
	"/.*/":            "/.*/",
	"a~2":             "a~2",
	"5,000 words":     strings.Repeat("sana ", 5000),
	"10 KB of (":      strings.Repeat("(", 10<<10),
	"NUL bytes":       "nuoret\x00\x00päihde\x00",
	"invalid UTF-8":   "nuoret \xff\xfe",
	"prefix kun*":     "kun*",
	"many prefixes":   "kun* per* tuk* pal* las* nuo* ikä* työ*",
	"32 common words": strings.Repeat("ja ", 32),
}
