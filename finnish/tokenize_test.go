package finnish

import (
	"slices"
	"testing"
)

func TestSplitKeepsHyphenatedWordsCodesAndCoordinatedPartsWhole(t *testing.T) {
	for text, want := range map[string][]string{
		"Covid-19-pandemian aikana (covid 19)":           {"Covid-19-pandemian", "aikana", "covid", "19"},
		"Keski-Uusimaa, Etelä‐Pohjanmaa ja sote-keskus.": {"Keski-Uusimaa", "Etelä-Pohjanmaa", "ja", "sote-keskus"},
		"sosiaali-, terveys- ja pelastuspalvelut":        {"sosiaali-", "terveys-", "ja", "pelastuspalvelut"},
		"RRP, P4, I1 -investointi":                       {"RRP", "P4", "I1", "investointi"},
		"STEA:n ja THL:ltä 2020:ssa":                     {"STEA", "ja", "THL", "2020"},
		"vaa’an ja rock'n'roll":                          {"vaa'an", "ja", "rock'n'roll"},
		"2020–2022 --- - * \"\"":                         {"2020", "2022"},
	} {
		if got := Split(text); !slices.Equal(got, want) {
			t.Errorf("Split(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestTokenizerOffsetsCoverTheWordAsWritten(t *testing.T) {
	text := "Rahoittaja STEA:n Keski‐Uusimaa"
	var got []string
	for _, tok := range (Tokenizer{}).Tokenize([]byte(text)) {
		got = append(got, text[tok.Start:tok.End])
	}
	if want := []string{"Rahoittaja", "STEA:n", "Keski‐Uusimaa"}; !slices.Equal(got, want) {
		t.Errorf("offsets cover %q, want %q", got, want)
	}
}
