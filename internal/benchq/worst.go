package benchq

import "strings"

// WorstQueries returns inputs that cost bleve seconds to minutes when handed to its own query
// syntax (RELIABILITY test 23), and the costliest kinds a user may still ask for, by name.
// mallihaku refuses or bounds each: search's tests check that, BenchmarkWorstQueries and
// cmd/mallihaku-bench time them.
func WorstQueries() map[string]string {
	return map[string]string{
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
		// Every word unknown and long, so that each asks for a spelling suggestion (issue 11:
		// about 1 s of CPU before suggestions were bounded).
		"24 misspelled compounds": MisspelledCompounds,
	}
}

// MisspelledCompounds is 24 long compound words, each misspelled (under 500 characters).
const MisspelledCompounds = "perhekeskustoiminöay vammaifpalvelulakiz lasoensuojeluilmoitusj mielenterveyskuntoutujs päihdetyöntekijöidwn ikääntyneidenpalvelz " +
	"kotihoidonasiakasohj työllisyydenhoitopalx omaishoitajavalmennuz nuorisotyöverkostp sosiaalihuoltolakiq terveydenhuoltohenkq " +
	"varhaiskasvatusyksikj maahanmuuttajaperhk kuntoutusohjaajapalm asumisneuvontatoimq velkaneuvontapalvx yksinäisyydenehkäisq " +
	"digituentukihenkilj lapsiperhekotipalvk vertaistukiryhmäz kriisipäivystyspalvo koulukuraattorix perusterveydenhuolot"
