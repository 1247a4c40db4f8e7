package finnish

import (
	"hash/maphash"
	"sync"
)

// cache keeps what recently seen words stand for, at most about size of them. Finnish text
// repeats its words, so most lookups while indexing are hits. Each shard keeps two
// generations: words are added to the young one, a hit in the old one moves the word to the
// young one, and when the young one is full the old one is dropped. That bounds memory and
// keeps the words in use, without the bookkeeping of a strict LRU list.
type cache struct {
	seed   maphash.Seed
	shards [16]cacheShard
}

type cacheShard struct {
	mu         sync.Mutex
	young, old map[string]Word
	limit      int // entries per generation
}

func newCache(size int) *cache {
	c := &cache{seed: maphash.MakeSeed()}
	per := max(size/len(c.shards)/2, 16)
	for i := range c.shards {
		c.shards[i] = cacheShard{young: map[string]Word{}, limit: per}
	}
	return c
}

func (c *cache) shard(word string) *cacheShard {
	return &c.shards[maphash.String(c.seed, word)%uint64(len(c.shards))]
}

func (c *cache) get(word string) (Word, bool) {
	s := c.shard(word)
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.young[word]; ok {
		return w, true
	}
	if w, ok := s.old[word]; ok {
		s.add(word, w)
		return w, true
	}
	return Word{}, false
}

func (c *cache) put(word string, w Word) {
	s := c.shard(word)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(word, w)
}

func (s *cacheShard) add(word string, w Word) {
	if len(s.young) >= s.limit {
		s.old, s.young = s.young, make(map[string]Word, s.limit)
	}
	s.young[word] = w
}
