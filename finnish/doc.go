// Package finnish is mallihaku's Finnish analysis for bleve: it turns each written word into
// the forms a professional may search it by, with Voikko (libvoikko and its Finnish
// dictionary, the morphology behind Finna.fi), and with Snowball stems where Voikko is missing
// or does not know a word.
//
// At index time a word stands for its base forms (all of Voikko's readings, deduplicated:
// nuorille is nuori and nuora), its compound parts and every contiguous run of them, all at
// the word's position so that phrases still match: mielenterveyspalveluiden stands for
// mielenterveyspalvelu, mieli, terveys, palvelu, mielenterveys and terveyspalvelu. Parts come
// from Voikko's WORDBASES and STRUCTURE (see compoundParts); the rule for ambiguous words is on
// Analyzer.Word, and the figures that decided it are in docs/relevance.md. Words Voikko does
// not know (names, abbreviations such as Kymsote) get their Snowball stem. At query time the
// same Analyzer gives each query word's forms, and Suggest gives Voikko's spelling
// suggestions.
//
// # Binding
//
// libvoikko is loaded at run time with github.com/ebitengine/purego (dlopen without cgo), not
// linked: one mallihaku binary, built with or without cgo, runs on machines with libvoikko
// (Voikko analysis) and without it (Snowball), and building needs no C headers. The cost is
// one small dependency and hand-written signatures of the eleven C functions used, which
// libvoikko has kept stable since 3.x. Where purego cannot load libraries (Windows here),
// Voikko is simply unavailable.
//
// Voikko handles must not be used by two goroutines at once, so Voikko keeps a pool of them
// (at most GOMAXPROCS by default, opened as needed); an Analyzer caches what each word stands
// for (bounded, see cache), since Finnish text repeats its words.
//
// # One Voikko per process
//
// bleve builds an index's analyzers by name, through its process-wide registry, from the
// mapping stored in the index, so they cannot be handed a Voikko that the caller constructed.
// This package therefore registers its analyzers with bleve at init (as bleve requires) and
// loads libvoikko once, lazily, the first time an analyzer or Default needs it; that Analyzer
// is never changed afterwards. Everything outside bleve takes its Analyzer as an argument
// (indexer.WithAnalyzer), so tests can compare Voikko with Snowball in one process.
package finnish
