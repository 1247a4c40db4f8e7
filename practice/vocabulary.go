package practice

import (
	"slices"
	"sort"
	"strings"
)

// Topics returns the topic (Aihealueet) values mallihaku knows before it has indexed
// anything. Plain-text renderings of a page put a model's topics on one line, space-joined;
// they are split by this vocabulary together with the topics the index has already seen.
func Topics() []string { return slices.Clone(topics) }

// TargetGroups returns the known Kohderyhmä values.
func TargetGroups() []string { return slices.Clone(targetGroups) }

// Phenomena returns the known Ilmiöt values. NoPhenomenon means the model has none.
func Phenomena() []string { return slices.Clone(phenomena) }

// The vocabularies, read only; callers get copies.
var topics = []string{
	"Asumispalvelut",
	"Digitaaliset palvelut",
	"Hyvinvoinnin ja terveyden edistäminen",
	"Ikääntyneiden palvelut",
	"Kotiin annettavat palvelut",
	"Kuntoutus",
	"Lastensuojelu",
	"Lapset, nuoret ja perheet",
	"Mielenterveyspalvelut",
	"Monialaisuus",
	"Omaishoito",
	"Osallisuus",
	"Palveluohjaus",
	"Perhekeskukset",
	"Perusterveydenhuolto",
	"Päihteet ja riippuvuudet",
	"Sosiaalityö",
	"Työllisyys",
	"Vammaispalvelut",
	"Väkivallan ehkäisy",
}

var targetGroups = []string{
	"Aikuiset",
	"Ammattilaiset",
	"Ikääntyneet",
	"Järjestöt",
	"Lapset",
	"Maahan muuttaneet",
	"Nuoret",
	"Omaishoitajat",
	"Perheet",
	"Päättäjät",
	"Työttömät",
	"Vammaiset henkilöt",
}

var phenomena = []string{
	"Digitalisaatio",
	"Eriarvoistuminen",
	"Koronapandemia",
	"Syrjäytyminen",
	"Väestön ikääntyminen",
	"Yksinäisyys",
}

// NoPhenomenon ("not linked to a phenomenon") is written where a model has no phenomena.
const NoPhenomenon = "Ei liity ilmiöön"

// SplitByVocabulary splits a line of space-joined values ("Päihteet ja riippuvuudet
// Mielenterveyspalvelut Monialaisuus") into the known values it consists of, trying the
// longest known value first at each point. ok is false when some of the line matched no
// known value; the line is then returned whole as the only value, so nothing is lost.
func SplitByVocabulary(line string, vocabulary []string) (values []string, ok bool) {
	line = strings.Join(strings.Fields(line), " ")
	if line == "" {
		return nil, true
	}
	known := append([]string(nil), vocabulary...)
	sort.Slice(known, func(i, j int) bool { return len(known[i]) > len(known[j]) })
	rest := line
	for rest != "" {
		matched := false
		for _, v := range known {
			if len(rest) >= len(v) && strings.EqualFold(rest[:len(v)], v) &&
				(len(rest) == len(v) || rest[len(v)] == ' ') {
				values = append(values, v)
				rest = strings.TrimPrefix(rest[len(v):], " ")
				matched = true
				break
			}
		}
		if !matched {
			return []string{line}, false
		}
	}
	return values, true
}
