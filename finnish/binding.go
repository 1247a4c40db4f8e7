//go:build (darwin || freebsd || linux || netbsd) && !android

package finnish

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// library is libvoikko's C API, bound at run time with purego: no cgo is needed to build
// mallihaku, and the same binary runs where libvoikko is missing (on Snowball).
type library struct {
	init          func(errp *unsafe.Pointer, lang string, path *byte) unsafe.Pointer
	terminate     func(h unsafe.Pointer)
	setBool       func(h unsafe.Pointer, option int32, value int32) int32
	spell         func(h unsafe.Pointer, word string) int32
	suggest       func(h unsafe.Pointer, word string) unsafe.Pointer
	freeCstrArray func(a unsafe.Pointer)
	analyzeWord   func(h unsafe.Pointer, word string) unsafe.Pointer
	freeAnalysis  func(a unsafe.Pointer)
	analysisValue func(a unsafe.Pointer, key string) unsafe.Pointer
	freeValue     func(v unsafe.Pointer)
	getVersion    func() unsafe.Pointer
}

// libraryNames are tried in order when Config.Library is empty.
var libraryNames = []string{
	"libvoikko.so.1", "libvoikko.so", // Debian, Ubuntu, Fedora
	"libvoikko.1.dylib",                                                       // macOS, on the loader's path
	"/opt/homebrew/lib/libvoikko.1.dylib", "/usr/local/lib/libvoikko.1.dylib", // Homebrew
}

func loadLibrary(name string) (*library, error) {
	names := libraryNames
	if name != "" {
		names = []string{name}
	}
	var errs []error
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return bind(h)
	}
	return nil, fmt.Errorf("load libvoikko: %w", errors.Join(errs...))
}

func bind(h uintptr) (*library, error) {
	l := &library{}
	for _, f := range []struct {
		ptr  any
		name string
	}{
		{&l.init, "voikkoInit"},
		{&l.terminate, "voikkoTerminate"},
		{&l.setBool, "voikkoSetBooleanOption"},
		{&l.spell, "voikkoSpellCstr"},
		{&l.suggest, "voikkoSuggestCstr"},
		{&l.freeCstrArray, "voikkoFreeCstrArray"},
		{&l.analyzeWord, "voikkoAnalyzeWordCstr"},
		{&l.freeAnalysis, "voikko_free_mor_analysis"},
		{&l.analysisValue, "voikko_mor_analysis_value_cstr"},
		{&l.freeValue, "voikko_free_mor_analysis_value_cstr"},
		{&l.getVersion, "voikkoGetVersion"},
	} {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			return nil, fmt.Errorf("libvoikko has no %s: %w", f.name, err)
		}
		purego.RegisterFunc(f.ptr, sym)
	}
	return l, nil
}

func (l *library) version() string { return cString(l.getVersion()) }

// handle is one VoikkoHandle: used by one goroutine at a time.
type handle struct {
	lib *library
	ptr unsafe.Pointer
}

// Options of voikkoSetBooleanOption (voikko_defines.h).
const optIgnoreDot = 0

func (l *library) open(dictPath string) (*handle, error) {
	var path *byte
	if dictPath != "" {
		b := append([]byte(dictPath), 0)
		path = &b[0]
	}
	var errp unsafe.Pointer
	h := l.init(&errp, "fi", path)
	if h == nil {
		msg := "unknown error"
		if errp != nil {
			msg = cString(errp)
		}
		return nil, fmt.Errorf("no Finnish dictionary for libvoikko: %s", msg)
	}
	l.setBool(h, optIgnoreDot, 1)
	return &handle{lib: l, ptr: h}, nil
}

func (h *handle) close() { h.lib.terminate(h.ptr) }

func (h *handle) spell(word string) bool { return h.lib.spell(h.ptr, word) == 1 }

func (h *handle) suggest(word string) []string {
	arr := h.lib.suggest(h.ptr, word)
	if arr == nil {
		return nil
	}
	defer h.lib.freeCstrArray(arr)
	var out []string
	for p := range cArray(arr) {
		out = append(out, cString(p))
	}
	return out
}

func (h *handle) analyze(word string) []reading {
	arr := h.lib.analyzeWord(h.ptr, word)
	if arr == nil {
		return nil
	}
	defer h.lib.freeAnalysis(arr)
	var out []reading
	for a := range cArray(arr) {
		out = append(out, reading{
			Baseform:  h.value(a, "BASEFORM"),
			Class:     h.value(a, "CLASS"),
			Structure: h.value(a, "STRUCTURE"),
			Wordbases: h.value(a, "WORDBASES"),
		})
	}
	return out
}

func (h *handle) value(a unsafe.Pointer, key string) string {
	v := h.lib.analysisValue(a, key)
	if v == nil {
		return ""
	}
	defer h.lib.freeValue(v)
	return cString(v)
}

// cArray yields the elements of a NULL-terminated C array of pointers.
func cArray(arr unsafe.Pointer) func(yield func(unsafe.Pointer) bool) {
	return func(yield func(unsafe.Pointer) bool) {
		for i := 0; ; i++ {
			p := *(*unsafe.Pointer)(unsafe.Add(arr, uintptr(i)*unsafe.Sizeof(arr)))
			if p == nil || !yield(p) {
				return
			}
		}
	}
}

// cString copies a NUL-terminated C string into Go memory.
func cString(p unsafe.Pointer) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return strings.Clone(unsafe.String((*byte)(p), n))
}
