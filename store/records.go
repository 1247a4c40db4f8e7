package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// reserved are the store's own buckets, which a record list may not be named after.
var reserved = [][]byte{bucketPages, bucketBodies, bucketRobots, bucketMeta}

// PutRecord saves value as record id of the named list (e.g. "jobs"), replacing what it held;
// id 0 takes the list's next number. It returns the record's id. The store does not read
// values: their shape is their owner's.
func (s *Store) PutRecord(list string, id uint64, value []byte) (uint64, error) {
	name, err := listName(list)
	if err != nil {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		if id == 0 {
			if id, err = b.NextSequence(); err != nil {
				return err
			}
		}
		return b.Put(recordKey(id), value)
	})
	return id, err
}

// Records calls fn with up to limit records of the named list (all when limit <= 0), newest
// (highest id) first. value is valid only during the call; fn must not use the store.
func (s *Store) Records(list string, limit int, fn func(id uint64, value []byte) error) error {
	name, err := listName(list)
	if err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		n := 0
		for k, v := c.Last(); k != nil && (limit <= 0 || n < limit); k, v = c.Prev() {
			if err := fn(binary.BigEndian.Uint64(k), v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
}

func listName(list string) ([]byte, error) {
	name := []byte(list)
	if list == "" || slices.ContainsFunc(reserved, func(r []byte) bool { return bytes.Equal(r, name) }) {
		return nil, fmt.Errorf("store: %q cannot name a record list", list)
	}
	return name, nil
}

func recordKey(id uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, id)
	return k
}
