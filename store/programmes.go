package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

var bucketProgrammes = []byte("programmes")

// PutProgramme keeps a programme document (JSON, written by the crawler) under its ID,
// replacing the one before. Programmes are documents of their own, kept apart from pages
// and models.
func (s *Store) PutProgramme(id string, doc []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketProgrammes)
		if err != nil {
			return err
		}
		return b.Put([]byte(id), doc)
	})
}

// Programme returns the programme document kept under id, nil when there is none.
func (s *Store) Programme(id string) ([]byte, error) {
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketProgrammes); b != nil {
			doc = bytes.Clone(b.Get([]byte(id)))
		}
		return nil
	})
	return doc, err
}

// DeleteProgramme forgets a programme.
func (s *Store) DeleteProgramme(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketProgrammes); b != nil {
			return b.Delete([]byte(id))
		}
		return nil
	})
}

// Programmes calls fn for every programme document, in ID order. fn must not use the store.
func (s *Store) Programmes(fn func(id string, doc []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProgrammes)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error { return fn(string(k), v) })
	})
}
