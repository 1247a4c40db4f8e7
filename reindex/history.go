package reindex

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mallihaku/mallihaku/store"
)

// jobList is the store's record list that holds the job history.
const jobList = "jobs"

// history is the job history in the store.
type history struct{ st *store.Store }

// put records j, giving a new job its ID.
func (h history) put(j Job) (Job, error) {
	v, err := json.Marshal(j)
	if err != nil {
		return j, err
	}
	id, err := h.st.PutRecord(jobList, j.ID, v)
	if err != nil {
		return j, fmt.Errorf("record job: %w", err)
	}
	if j.ID == 0 {
		// The ID is part of the record: write it again with it.
		j.ID = id
		return h.put(j)
	}
	return j, nil
}

// recent returns up to limit jobs (all when limit <= 0), newest first.
func (h history) recent(limit int) ([]Job, error) {
	var jobs []Job
	err := h.st.Records(jobList, limit, func(id uint64, v []byte) error {
		var j Job
		if err := json.Unmarshal(v, &j); err != nil {
			return fmt.Errorf("job %d: %w", id, err)
		}
		j.ID = id
		jobs = append(jobs, j)
		return nil
	})
	return jobs, err
}

var errFound = errors.New("found")

// lastSuccess returns the newest job that ended Done.
func (h history) lastSuccess() (Job, bool, error) {
	var (
		last  Job
		found bool
	)
	err := h.st.Records(jobList, 0, func(id uint64, v []byte) error {
		var j Job
		if err := json.Unmarshal(v, &j); err != nil {
			return fmt.Errorf("job %d: %w", id, err)
		}
		if j.State == Done {
			last, found = j, true
			return errFound
		}
		return nil
	})
	if errors.Is(err, errFound) {
		err = nil
	}
	return last, found, err
}

// interruptRunning marks the jobs recorded as running as Interrupted, noticed now. The caller
// holds the store, which one process at a time can open: a job recorded as running was left
// by a process that is gone.
func (h history) interruptRunning(now time.Time) ([]Job, error) {
	all, err := h.recent(0)
	if err != nil {
		return nil, err
	}
	var fixed []Job
	for _, j := range all {
		if j.State != Running {
			continue
		}
		j.State, j.Noticed = Interrupted, now
		j.Errors = append(j.Errors, "the process ended while the job ran")
		if _, err := h.put(j); err != nil {
			return fixed, err
		}
		fixed = append(fixed, j)
	}
	return fixed, nil
}
