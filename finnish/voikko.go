package finnish

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// ErrUnavailable means libvoikko or its Finnish dictionary could not be loaded: the caller
// falls back to Snowball.
var ErrUnavailable = errors.New("voikko is not available")

// errClosed is returned by a Voikko used after Close.
var errClosed = errors.New("voikko is closed")

// Config says where libvoikko and its dictionary are and how much of it to use. The zero
// value is ready to use.
type Config struct {
	// Library is the file name or path of libvoikko; "" tries the usual names (libvoikko.so.1,
	// libvoikko.1.dylib and the Homebrew locations).
	Library string
	// DictionaryPath is a folder searched for the Finnish dictionary before libvoikko's own
	// places (/usr/lib/voikko, /usr/share/voikko, ~/.voikko, $VOIKKO_DICTIONARY_PATH); "" uses
	// those alone.
	DictionaryPath string
	// Handles is how many Voikko handles may exist at once, each used by one goroutine at a
	// time; 0 is GOMAXPROCS.
	Handles int
}

func (c *Config) fill() {
	if c.Handles <= 0 {
		c.Handles = runtime.GOMAXPROCS(0)
	}
}

// Voikko is libvoikko loaded at run time with a Finnish dictionary, and a pool of its handles:
// a handle must not be used by two goroutines at once, so each call takes one from the pool
// (opening another while fewer than Config.Handles exist, else waiting) and gives it back.
// It is safe for concurrent use.
type Voikko struct {
	lib     *library
	cfg     Config
	pool    chan *handle // idle handles
	mu      sync.Mutex   // guards created and closed
	created int
	closed  bool
}

// Open loads libvoikko and opens one handle to check that the Finnish dictionary is there.
// An error wraps ErrUnavailable when either is missing.
func Open(cfg Config) (*Voikko, error) {
	cfg.fill()
	lib, err := loadLibrary(cfg.Library)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	v := &Voikko{lib: lib, cfg: cfg, pool: make(chan *handle, cfg.Handles)}
	h, err := v.lib.open(cfg.DictionaryPath)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	v.created = 1
	v.pool <- h
	return v, nil
}

// Version is libvoikko's version.
func (v *Voikko) Version() string { return v.lib.version() }

// get takes an idle handle, opens a new one while fewer than cfg.Handles exist, or waits.
func (v *Voikko) get() (*handle, error) {
	select {
	case h := <-v.pool:
		return h, nil
	default:
	}
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil, errClosed
	}
	if v.created < v.cfg.Handles {
		v.created++
		v.mu.Unlock()
		h, err := v.lib.open(v.cfg.DictionaryPath)
		if err != nil {
			v.mu.Lock()
			v.created--
			v.mu.Unlock()
			return nil, err
		}
		return h, nil
	}
	v.mu.Unlock()
	h, ok := <-v.pool
	if !ok {
		return nil, errClosed
	}
	return h, nil
}

func (v *Voikko) put(h *handle) { v.pool <- h }

// analyses returns Voikko's analyses of one word: none when Voikko does not know it.
func (v *Voikko) analyses(word string) []reading {
	h, err := v.get()
	if err != nil {
		return nil
	}
	defer v.put(h)
	return h.analyze(word)
}

// Spell reports whether Voikko accepts word as correctly written Finnish.
func (v *Voikko) Spell(word string) bool {
	h, err := v.get()
	if err != nil {
		return false
	}
	defer v.put(h)
	return h.spell(word)
}

// Suggest returns Voikko's spelling suggestions for word, best first.
func (v *Voikko) Suggest(word string) []string {
	h, err := v.get()
	if err != nil {
		return nil
	}
	defer v.put(h)
	return h.suggest(word)
}

// Close terminates every handle, waiting for those in use to be returned. The library stays
// loaded: a process loads it once.
func (v *Voikko) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	n := v.created
	v.mu.Unlock()
	for i := 0; i < n; i++ {
		(<-v.pool).close()
	}
	return nil
}

// reading is what Voikko says of one reading of a word: the keys mallihaku uses.
type reading struct {
	Baseform  string // BASEFORM: the base form, e.g. mielenterveyspalvelu
	Class     string // CLASS: nimisana, laatusana, teonsana, etunimi, sukunimi, paikannimi, nimi, …
	Structure string // STRUCTURE: letters and compound boundaries, e.g. =pppppp=ppppppp
	Wordbases string // WORDBASES: +mielen(mieli)+terve(terve)+ys(+ys)+palvel(palvella)+u(+u)
}
