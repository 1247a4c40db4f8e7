package web

import (
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// uiLangs are the interface languages of the pages, Finnish first: the language a page falls
// back to.
var uiLangs = []language.Tag{language.Finnish, language.Swedish, language.English}

var langMatcher = language.NewMatcher(uiLangs)

// finnishNumbers formats counts and durations the Finnish way (1 234, 0,02) in every
// interface language: the service and its readers are Finnish.
var finnishNumbers = message.NewPrinter(language.Finnish)

// pageLang is the interface language of a page: `?lang=` when it names one of uiLangs, else the
// best match of Accept-Language, else Finnish. On the pages `lang` never filters models.
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); catalog[l] != nil {
		return l
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "fi"
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return "fi"
	}
	base, _ := uiLangs[i].Base()
	return base.String()
}

// messages are the interface strings of one language; a format string where the key says so.
type messages map[string]string

// tr formats the message key of lang with args; a key missing in lang falls back to Finnish.
func tr(lang, key string, args ...any) string {
	s, ok := catalog[lang][key]
	if !ok {
		s = catalog["fi"][key]
	}
	if len(args) == 0 {
		return s
	}
	return finnishNumbers.Sprintf(s, args...)
}

var catalog = map[string]messages{
	"fi": {
		"feed_newest":           "mallihaku: uusimmat toimintamallit",
		"feed_newest_sub":       "Uusimmat julkaistut toimintamallit",
		"feed_search_sub":       "Uusimmat hakua vastaavat toimintamallit",
		"lang_name":             "Suomeksi",
		"lang_switch":           "Kieli",
		"tagline":               "Sosiaali- ja terveysalan toimintamallit",
		"skip":                  "Siirry sisältöön",
		"footer":                "mallihaku hakee julkaistuja toimintamalleja. Alkuperäiset kuvaukset ovat julkaisijoidensa sivuilla.",
		"content_lang_note":     "",
		"search_title":          "Haku",
		"search_title_q":        "%s – haku",
		"search_label":          "Hae toimintamalleja",
		"search_placeholder":    "esim. nuorten päihdetyö",
		"search_hint":           "Kaikki sanan muodot löytyvät: päihde löytää myös päihdepalveluiden. Tarkka ilmaus lainausmerkeissä, -sana jättää pois.",
		"search_button":         "Hae",
		"filters":               "Rajaa hakua",
		"filters_chosen":        "Rajaa hakua (%d valittu)",
		"apply":                 "Päivitä rajaukset",
		"apply_sort":            "Järjestä",
		"show_more":             "Näytä lisää (%d)",
		"facet_region":          "Alue",
		"facet_phase":           "Kehittämisen vaihe",
		"facet_topic":           "Aihealue",
		"facet_target_group":    "Kohderyhmä",
		"facet_phenomenon":      "Ilmiö",
		"facet_funder":          "Rahoittaja",
		"facet_year":            "Päivitetty vuonna",
		"facet_created_year":    "Luotu vuonna",
		"chip_region":           "Maakunta",
		"chip_wellbeing_county": "Hyvinvointialue",
		"chip_municipality":     "Kunta",
		"results":               "Hakutulokset",
		"count_one":             "%d toimintamalli",
		"count_many":            "%d toimintamallia",
		"took":                  "haku kesti %.2f s",
		"sort":                  "Järjestys",
		"sort_relevance":        "Osuvin ensin",
		"sort_modified":         "Viimeksi päivitetty ensin",
		"sort_created":          "Uusin ensin",
		"sort_title":            "Nimen mukaan A–Ö",
		"chips":                 "Valitut rajaukset",
		"remove_filter":         "Poista rajaus %s",
		"clear_all":             "Tyhjennä rajaukset",
		"did_you_mean":          "Tarkoititko",
		"applied":               "Haulla ”%s” ei löytynyt mitään. Näytetään tulokset haulle",
		"empty":                 "Hakuehdoilla ei löytynyt toimintamalleja.",
		"empty_tips":            "Tarkista kirjoitusasu, kokeile yleisempää sanaa tai sanan alkua tähdellä (esim. päihde*).",
		"empty_remove":          "Poista rajaus, niin tuloksia voi löytyä:",
		"empty_all":             "Selaa kaikkia toimintamalleja",
		"updated":               "Päivitetty",
		"pager":                 "Sivut",
		"prev":                  "Edellinen",
		"next":                  "Seuraava",
		"page_n":                "Sivu %d",
		"feed":                  "Tilaa hakuvahti (RSS)",
		"feed_title":            "Hakuvahti",
		"back":                  "Takaisin hakuun",
		"facts":                 "Perustiedot",
		"area":                  "Alue",
		"location":              "Toteutuspaikka",
		"phase":                 "Kehittämisen vaihe",
		"topics":                "Aihealueet",
		"target_groups":         "Kohderyhmät",
		"phenomena":             "Ilmiöt",
		"funders":               "Rahoittajat",
		"programme":             "Kokonaisuus",
		"authors":               "Tekijät",
		"created":               "Luotu",
		"modified":              "Viimeksi muokattu",
		"contents":              "Sisältö",
		"links":                 "Liitteet ja linkit",
		"related":               "Samankaltaiset toimintamallit",
		"original":              "Alkuperäinen kuvaus julkaisijan sivulla",
		"not_found":             "Sivua ei löytynyt",
		"bad_query":             "Hakua ei voitu tehdä",
		"error":                 "Virhe",
	},
	"sv": {
		"feed_newest":           "mallihaku: de nyaste verksamhetsmodellerna",
		"feed_newest_sub":       "De senast publicerade verksamhetsmodellerna",
		"feed_search_sub":       "De nyaste verksamhetsmodellerna som motsvarar sökningen",
		"lang_name":             "På svenska",
		"lang_switch":           "Språk",
		"tagline":               "Verksamhetsmodeller inom social- och hälsovården",
		"skip":                  "Hoppa till innehållet",
		"footer":                "mallihaku söker bland publicerade verksamhetsmodeller. De ursprungliga beskrivningarna finns på utgivarnas webbplatser.",
		"content_lang_note":     "Verksamhetsmodellerna är beskrivna på finska; sök med finska ord.",
		"search_title":          "Sök",
		"search_title_q":        "%s – sökning",
		"search_label":          "Sök verksamhetsmodeller",
		"search_placeholder":    "t.ex. nuorten päihdetyö",
		"search_hint":           "Alla böjningsformer hittas: päihde hittar också päihdepalveluiden. Exakt fras inom citattecken, -ord utesluter.",
		"search_button":         "Sök",
		"filters":               "Avgränsa sökningen",
		"filters_chosen":        "Avgränsa sökningen (%d valda)",
		"apply":                 "Uppdatera avgränsningarna",
		"apply_sort":            "Sortera",
		"show_more":             "Visa fler (%d)",
		"facet_region":          "Område",
		"facet_phase":           "Utvecklingsfas",
		"facet_topic":           "Temaområde",
		"facet_target_group":    "Målgrupp",
		"facet_phenomenon":      "Fenomen",
		"facet_funder":          "Finansiär",
		"facet_year":            "Uppdaterad år",
		"facet_created_year":    "Skapad år",
		"chip_region":           "Landskap",
		"chip_wellbeing_county": "Välfärdsområde",
		"chip_municipality":     "Kommun",
		"results":               "Sökresultat",
		"count_one":             "%d verksamhetsmodell",
		"count_many":            "%d verksamhetsmodeller",
		"took":                  "sökningen tog %.2f s",
		"sort":                  "Sortering",
		"sort_relevance":        "Mest relevanta först",
		"sort_modified":         "Senast uppdaterade först",
		"sort_created":          "Nyaste först",
		"sort_title":            "Efter namn A–Ö",
		"chips":                 "Valda avgränsningar",
		"remove_filter":         "Ta bort avgränsningen %s",
		"clear_all":             "Rensa avgränsningarna",
		"did_you_mean":          "Menade du",
		"applied":               "Sökningen ”%s” gav inga träffar. Resultat visas för",
		"empty":                 "Inga verksamhetsmodeller motsvarar sökningen.",
		"empty_tips":            "Kontrollera stavningen, pröva ett allmännare ord eller början av ordet med en asterisk (t.ex. päihde*).",
		"empty_remove":          "Ta bort en avgränsning för att få träffar:",
		"empty_all":             "Bläddra bland alla verksamhetsmodeller",
		"updated":               "Uppdaterad",
		"pager":                 "Sidor",
		"prev":                  "Föregående",
		"next":                  "Nästa",
		"page_n":                "Sida %d",
		"feed":                  "Prenumerera på sökbevakning (RSS)",
		"feed_title":            "Sökbevakning",
		"back":                  "Tillbaka till sökningen",
		"facts":                 "Grunduppgifter",
		"area":                  "Område",
		"location":              "Genomförs i",
		"phase":                 "Utvecklingsfas",
		"topics":                "Temaområden",
		"target_groups":         "Målgrupper",
		"phenomena":             "Fenomen",
		"funders":               "Finansiärer",
		"programme":             "Helhet",
		"authors":               "Författare",
		"created":               "Skapad",
		"modified":              "Senast ändrad",
		"contents":              "Innehåll",
		"links":                 "Bilagor och länkar",
		"related":               "Liknande verksamhetsmodeller",
		"original":              "Ursprunglig beskrivning på utgivarens webbplats",
		"not_found":             "Sidan hittades inte",
		"bad_query":             "Sökningen kunde inte göras",
		"error":                 "Fel",
	},
	"en": {
		"feed_newest":           "mallihaku: newest practice models",
		"feed_newest_sub":       "The practice models published most recently",
		"feed_search_sub":       "The newest practice models matching the search",
		"lang_name":             "In English",
		"lang_switch":           "Language",
		"tagline":               "Practice models in social and health care",
		"skip":                  "Skip to content",
		"footer":                "mallihaku searches published practice models. The original descriptions are on their publishers' sites.",
		"content_lang_note":     "The practice models are written in Finnish; search with Finnish words.",
		"search_title":          "Search",
		"search_title_q":        "%s – search",
		"search_label":          "Search practice models",
		"search_placeholder":    "e.g. nuorten päihdetyö",
		"search_hint":           "Every form of a word is found: päihde also finds päihdepalveluiden. An exact phrase in quotes, -word leaves out.",
		"search_button":         "Search",
		"filters":               "Filter results",
		"filters_chosen":        "Filter results (%d chosen)",
		"apply":                 "Apply filters",
		"apply_sort":            "Sort",
		"show_more":             "Show more (%d)",
		"facet_region":          "Area",
		"facet_phase":           "Development phase",
		"facet_topic":           "Topic",
		"facet_target_group":    "Target group",
		"facet_phenomenon":      "Phenomenon",
		"facet_funder":          "Funder",
		"facet_year":            "Updated in",
		"facet_created_year":    "Created in",
		"chip_region":           "Region",
		"chip_wellbeing_county": "Wellbeing services county",
		"chip_municipality":     "Municipality",
		"results":               "Results",
		"count_one":             "%d practice model",
		"count_many":            "%d practice models",
		"took":                  "search took %.2f s",
		"sort":                  "Sort by",
		"sort_relevance":        "Best match first",
		"sort_modified":         "Recently updated first",
		"sort_created":          "Newest first",
		"sort_title":            "Title A–Ö",
		"chips":                 "Active filters",
		"remove_filter":         "Remove filter %s",
		"clear_all":             "Clear all filters",
		"did_you_mean":          "Did you mean",
		"applied":               "Nothing was found for “%s”. Showing results for",
		"empty":                 "No practice models match your search.",
		"empty_tips":            "Check the spelling, try a more general word, or the start of a word with an asterisk (e.g. päihde*).",
		"empty_remove":          "Remove a filter to find models:",
		"empty_all":             "Browse all practice models",
		"updated":               "Updated",
		"pager":                 "Pages",
		"prev":                  "Previous",
		"next":                  "Next",
		"page_n":                "Page %d",
		"feed":                  "Follow this search (RSS)",
		"feed_title":            "Search alert",
		"back":                  "Back to search",
		"facts":                 "Key facts",
		"area":                  "Area",
		"location":              "Carried out at",
		"phase":                 "Development phase",
		"topics":                "Topics",
		"target_groups":         "Target groups",
		"phenomena":             "Phenomena",
		"funders":               "Funders",
		"programme":             "Programme",
		"authors":               "Authors",
		"created":               "Created",
		"modified":              "Last modified",
		"contents":              "Contents",
		"links":                 "Attachments and links",
		"related":               "Similar practice models",
		"original":              "Original description on the publisher's site",
		"not_found":             "Page not found",
		"bad_query":             "The search could not be run",
		"error":                 "Error",
	},
}
