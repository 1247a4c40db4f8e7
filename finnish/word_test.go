package finnish

import (
	"reflect"
	"testing"
)

// Voikko's own output for these words (libvoikko 4.3, voikko-fi 2.5), so that the rules
// are tested on any machine; voikko_test.go checks the same words against libvoikko itself.
var readings = map[string][]reading{
	"mielenterveyspalveluiden": {{Baseform: "mielenterveyspalvelu", Class: "nimisana", Structure: "=pppppp=ppppppp=ppppppppppp",
		Wordbases: "+mielen(mieli)+terve(terve)+ys(+ys)+palvel(palvella)+u(+u)"}},
	"nuorille": {
		{Baseform: "nuori", Class: "nimisana_laatusana", Structure: "=pppppppp", Wordbases: "+nuori(nuori)"},
		{Baseform: "nuora", Class: "nimisana", Structure: "=pppppppp", Wordbases: "+nuora(nuora)"}},
	"pirkanmaalla": {
		{Baseform: "Pirkanmaa", Class: "nimisana", Structure: "=ippppp=pppppp", Wordbases: "+pirkan(Pirkka)+maa(maa)"},
		{Baseform: "Pirkanmaa", Class: "paikannimi", Structure: "=ippppp=pppppp", Wordbases: "+Pirkanmaa(Pirkan=maa)"}},
	"sosiaalityöntekijä": {{Baseform: "sosiaalityöntekijä", Class: "nimisana", Structure: "=pppppppp=pppp=pppppp",
		Wordbases: "+sosiaali+työn(työ)+teki(tehdä)+jä(+jä)"}},
	"maahanmuuttajanainen": {{Baseform: "maahanmuuttajanainen", Class: "nimisana", Structure: "=pppppp=pppppppp=pppppp",
		Wordbases: "+maahanmuuttaja(maahan=muuttaja)+nainen(nainen)"}},
	"muuttaneet": {{Baseform: "muuttanut", Class: "laatusana", Structure: "=pppppppppp", Wordbases: "+muutta(muuttaa)+n+ut(+ut)"}},
	"kotihoidon": {
		{Baseform: "kotihoito", Class: "nimisana", Structure: "=pppp=pppppp", Wordbases: "+koti(koti)+hoito(hoito)"},
		{Baseform: "kotihoito", Class: "nimisana", Structure: "=pppp=pppppp", Wordbases: "+koti(koti)+hoi(hoitaa)+to(+to)"}},
	"yötyö": {{Baseform: "yötyö", Class: "nimisana", Structure: "=pp=ppp", Wordbases: "+yö(yö)+työ(työ)"}},
	"sotekeskus": {{Baseform: "sotekeskus", Class: "nimisana", Structure: "=pppp=pppppp",
		Wordbases: "+sotekesk(keskus)"}}, // STRUCTURE and WORDBASES disagree
}

func TestWordFromAnalyses(t *testing.T) {
	for _, tc := range []struct {
		word                 string
		bases, parts, leaves []string
	}{
		// The example: parts and contiguous runs of them, joined on the surfaces of
		// the leading parts.
		{"mielenterveyspalveluiden", []string{"mielenterveyspalvelu"},
			[]string{"mieli", "terveys", "palvelu", "mielenterveys", "terveyspalvelu"}, []string{"mieli", "terveys", "palvelu"}},
		// Every reading's base form.
		{"nuorille", []string{"nuori", "nuora"}, nil, nil},
		// A proper-noun reading: the place, no "pirkka" + "maa".
		{"pirkanmaalla", []string{"pirkanmaa"}, nil, nil},
		// A piece without a base keeps its surface.
		{"sosiaalityöntekijä", []string{"sosiaalityöntekijä"},
			[]string{"sosiaali", "työ", "tekijä", "sosiaalityö", "työntekijä"}, []string{"sosiaali", "työ", "tekijä"}},
		// A lexicalised compound is split where STRUCTURE agrees.
		{"maahanmuuttajanainen", []string{"maahanmuuttajanainen"},
			[]string{"maahan", "muuttaja", "nainen", "maahanmuuttaja", "muuttajanainen"}, []string{"maahan", "muuttaja", "nainen"}},
		// Morphemes inside one part are not parts.
		{"muuttaneet", []string{"muuttanut"}, nil, nil},
		// Two readings with the same parts: deduplicated.
		{"kotihoidon", []string{"kotihoito"}, []string{"koti", "hoito"}, []string{"koti", "hoito"}},
		// Parts under three letters are left out.
		{"yötyö", []string{"yötyö"}, []string{"työ"}, []string{"työ"}},
		// Readings whose STRUCTURE and WORDBASES disagree give no parts rather than wrong ones.
		{"sotekeskus", []string{"sotekeskus"}, nil, nil},
	} {
		w := wordFromAnalyses(tc.word, readings[tc.word])
		if !w.Known || w.Exact != tc.word || !sameStrings(w.Bases, tc.bases) || !sameStrings(w.Parts, tc.parts) || !sameStrings(w.Leaves, tc.leaves) {
			t.Errorf("%s: %+v\nwant bases %q parts %q leaves %q", tc.word, w, tc.bases, tc.parts, tc.leaves)
		}
	}
}

func TestParseWordbases(t *testing.T) {
	got := parseWordbases("+etä+mielen(mieli)+terve(terve)+ys(+ys)+-+tuki(tuki)")
	want := []piece{{"etä", "", false}, {"mielen", "mieli", true}, {"terve", "terve", true}, {"ys", "+ys", true},
		{"-", "", false}, {"tuki", "tuki", true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := parseWordbases("+broken(base"); got != nil {
		t.Errorf("unclosed base: %+v, want nil", got)
	}
}

func TestSnowballAnalyzerStemsAndDropsStopWords(t *testing.T) {
	a := NewAnalyzer(nil)
	if a.Name() != NameSnowball {
		t.Errorf("name %q", a.Name())
	}
	w := a.Word("Nuorille")
	if w.Exact != "nuorille" || w.Known || len(w.Parts) != 0 || !sameStrings(w.Bases, []string{stem("nuorille")}) {
		t.Errorf("Nuorille: %+v", w)
	}
	if w := a.Word("ja"); !w.Stop {
		t.Errorf("ja: %+v, want a stop word", w)
	}
	if s := a.Suggest("kotihoidno"); s != nil {
		t.Errorf("Snowball suggests %q", s)
	}
}

func TestCacheStaysBounded(t *testing.T) {
	c := newCache(64)
	for i := range 10_000 {
		c.put(string(rune('a'+i%26))+string(rune(i)), Word{})
	}
	n := 0
	for i := range c.shards {
		n += len(c.shards[i].young) + len(c.shards[i].old)
	}
	if n > 2*64+2*len(c.shards)*16 {
		t.Errorf("cache holds %d words", n)
	}
	c.put("kotihoidon", Word{Exact: "kotihoidon"})
	if w, ok := c.get("kotihoidon"); !ok || w.Exact != "kotihoidon" {
		t.Errorf("get after put: %+v %v", w, ok)
	}
}

func sameStrings(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}
