// Package objstore is the small S3 client that publishing and replication use: where the
// bucket is (s3://BUCKET/PREFIX), how to reach it (endpoint, region, credentials, TLS, path-style
// addressing), and the few operations they need: conditional reads and writes of small objects,
// multipart uploads of large ones, resumable downloads to a file, listing and deleting.
//
// It wraps github.com/minio/minio-go/v7, which speaks to AWS S3 and to S3-compatible servers
// (MinIO, Ceph, versitygw, CSC Allas) alike. Keys given to a Store are relative to its prefix.
package objstore
