package reindex

import (
	"errors"
	"fmt"
	"time"

	"github.com/mallihaku/mallihaku/busy"
)

// Mode is what a reindex job does.
type Mode string

const (
	// Incremental fetches what changed (conditional GETs) and updates the live index in place.
	Incremental Mode = "incremental"
	// Full fetches every page and builds a new index generation, switched in when complete.
	Full Mode = "full"
	// Reparse builds a new generation from the page cache, without the network.
	Reparse Mode = "reparse"
)

// ParseMode reads a mode's name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Incremental, Full, Reparse:
		return m, nil
	}
	return "", fmt.Errorf("unknown reindex mode %q (want incremental, full or reparse)", s)
}

// State is where a job is in its life.
type State string

const (
	Running   State = "running"
	Done      State = "done"
	Failed    State = "failed"
	Cancelled State = "cancelled" // the process was stopping
	Skipped   State = "skipped"   // a scheduled run found another job running
	// Degraded is a crawl that found many pages which held models no longer read as they
	// were (a changed layout); the index kept their old versions.
	Degraded State = "degraded"
	// Interrupted is a job that was running in a process that ended without recording its
	// end (killed, a power cut); it is noticed at the next start.
	Interrupted State = "interrupted"
)

// Trigger says what started a job.
type Trigger string

const (
	ByCLI      Trigger = "cli"
	ByAdmin    Trigger = "admin"
	BySchedule Trigger = "schedule"
	ByQueue    Trigger = "schedule (queued)" // a scheduled full run that waited for another job
	ByStartUp  Trigger = "start-up"          // the rebuild of an outdated or lost index
)

// Count names one of a job's figures.
type Count string

// The figures of a job. A crawl's counts always have Discovered to Deleted; Indexed is the
// size of a built generation; FailedBecause and SkippedBecause break PagesFailed and
// PagesSkipped down.
const (
	Discovered     Count = "discovered"
	Fetched        Count = "fetched"
	NotModified    Count = "not_modified"
	SkippedLastmod Count = "skipped_lastmod"
	PagesSkipped   Count = "skipped"
	PagesFailed    Count = "failed"
	Added          Count = "added"
	Updated        Count = "updated"
	Deleted        Count = "deleted"
	Unchanged      Count = "unchanged" // fetched, but the model read is the one indexed
	// Pages that held a model and are not read as they were: not as a model at all, or
	// without a stable field they had (their old versions are kept while the run is degraded).
	NotModelNow   Count = "not_model_now"
	FieldsMissing Count = "fields_missing"
	// Programmes (kokonaisuudet) read, failed (old version kept) and gone.
	Programmes        Count = "programmes"
	ProgrammesFailed  Count = "programmes_failed"
	ProgrammesDeleted Count = "programmes_deleted"
	Indexed           Count = "indexed"
)

// FailedBecause is the count of pages failed for reason (e.g. "http_500", "timeout").
func FailedBecause(reason string) Count { return PagesFailed + "_" + Count(reason) }

// SkippedBecause is the count of pages skipped for reason (e.g. "not_a_model", "noindex").
func SkippedBecause(reason string) Count { return PagesSkipped + "_" + Count(reason) }

// Counts are a job's figures.
type Counts map[Count]int

// Job is one reindex run as the history keeps it and the API shows it.
type Job struct {
	ID       uint64    `json:"id"`
	Mode     Mode      `json:"mode"`
	Trigger  Trigger   `json:"trigger"`
	State    State     `json:"state"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Noticed is when a start-up found the job Interrupted.
	Noticed time.Time `json:"noticed,omitzero"`
	Counts  Counts    `json:"counts,omitempty"`
	Errors  []string  `json:"errors,omitempty"`
}

// ErrBusy means a reindex job is already running; it is busy.ErrBusy.
var ErrBusy = busy.New("a reindex job is already running")

// ErrStopped means the Service is not running (Run has not started or has returned), so no
// job can be started in the background.
var ErrStopped = errors.New("the reindex service is not running")
