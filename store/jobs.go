package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Job is one crawl or reindex run as history remembers it.
type Job struct {
	ID       uint64         `json:"id"`
	Mode     string         `json:"mode"`
	Trigger  string         `json:"trigger"`
	State    string         `json:"state"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished,omitzero"`
	Counts   map[string]int `json:"counts,omitempty"`
	Errors   []string       `json:"errors,omitempty"`
}

// PutJob saves a job; a job with ID 0 gets the next ID, which is returned.
func (s *Store) PutJob(j Job) (uint64, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs)
		if j.ID == 0 {
			id, err := b.NextSequence()
			if err != nil {
				return err
			}
			j.ID = id
		}
		v, err := json.Marshal(j)
		if err != nil {
			return err
		}
		return b.Put(jobKey(j.ID), v)
	})
	return j.ID, err
}

// Jobs returns up to limit jobs, newest first.
func (s *Store) Jobs(limit int) ([]Job, error) {
	var jobs []Job
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketJobs).Cursor()
		for k, v := c.Last(); k != nil && len(jobs) < limit; k, v = c.Prev() {
			var j Job
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return nil
	})
	return jobs, err
}

func jobKey(id uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, id)
	return k
}
