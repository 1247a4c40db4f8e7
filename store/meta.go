package store

import bolt "go.etcd.io/bbolt"

var bucketMeta = []byte("meta")

// SetMark records (on) or clears a named mark, such as "an incremental update of the index
// is under way", that must survive a crash.
func (s *Store) SetMark(name string, on bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if on {
			return b.Put([]byte(name), []byte{1})
		}
		return b.Delete([]byte(name))
	})
}

// Mark reports whether a named mark is set.
func (s *Store) Mark(name string) (on bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			on = b.Get([]byte(name)) != nil
		}
		return nil
	})
	return on, err
}
