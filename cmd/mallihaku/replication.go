package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mallihaku/mallihaku/indexer"
	"github.com/mallihaku/mallihaku/reindex/objstore"
	"github.com/mallihaku/mallihaku/reindex/publish"
	"github.com/mallihaku/mallihaku/web"
)

// replication is a server's part in a one-writer, N-replicas layout: the writer publishes
// its generations (--publish), a replica serves those the manifest names (--replica-of).
type replication struct {
	role     string // "writer" or "replica"
	storage  string
	interval time.Duration
	pub      *publish.Publisher
	rep      *publish.Replica
	tmp      string // the writer's folder for copies of the live generation
}

// newReplication sets up publishing or replicating as cfg asks, or returns nil for neither.
// target is what a replica switches to a downloaded generation.
func newReplication(cfg config, log *slog.Logger, target publish.Target, failpoint func(string)) (*replication, error) {
	switch {
	case cfg.Publish != "" && cfg.ReplicaOf != "":
		return nil, fmt.Errorf("%w: --publish and --replica-of exclude each other: a server is the writer or a replica", errUsage)
	case cfg.ReplicaOf != "" && cfg.Site != "":
		return nil, fmt.Errorf("%w: --replica-of takes no --site: a replica serves what the writer crawled", errUsage)
	case cfg.Publish != "" && cfg.Site == "":
		return nil, fmt.Errorf("%w: --publish needs --site: the writer is the server that crawls", errUsage)
	case cfg.Publish == "" && cfg.ReplicaOf == "":
		return nil, nil
	}
	where := cfg.Publish + cfg.ReplicaOf
	loc, err := objstore.ParseURL(where)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := objstore.New(cfg.S3, loc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	r := &replication{storage: loc.String(), interval: cfg.ReplicaInterval}
	if cfg.Publish != "" {
		host, _ := os.Hostname()
		data, _ := filepath.Abs(cfg.Data)
		r.role, r.tmp = "writer", filepath.Join(cfg.Data, "publish")
		os.RemoveAll(r.tmp) // copies left by a writer that stopped while publishing
		r.pub, err = publish.NewPublisher(publish.PublisherConfig{Store: st, Writer: host + ":" + data, Logger: log})
		return r, err
	}
	r.role = "replica"
	r.rep, err = publish.NewReplica(publish.ReplicaConfig{Store: st, Index: target, Dir: filepath.Join(cfg.Data, "replica"),
		Logger: log, Failpoint: failpoint})
	return r, err
}

// run publishes or replicates until ctx ends.
func (r *replication) run(ctx context.Context, ix *indexer.Index) {
	if r.pub != nil {
		r.pub.Run(ctx, ix, r.tmp, r.interval)
		return
	}
	r.rep.Run(ctx, r.interval)
}

// switched tells the writer a new generation is live.
func (r *replication) switched() {
	if r.pub != nil {
		r.pub.Notify()
	}
}

// ready is false for a replica until it serves a generation from storage.
func (r *replication) ready() bool { return r.rep == nil || r.rep.Status().Ready }

func (r *replication) status() *web.Replication {
	var s publish.Status
	if r.pub != nil {
		s = r.pub.Status()
	} else {
		s = r.rep.Status()
	}
	return web.NewReplication(r.role, r.storage, s.Served, s.Manifest, s.Agreed, s.Checked, s.Error)
}
