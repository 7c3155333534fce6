// Package sandbox runs untrusted Python in one-shot, locked-down Docker containers.
//
// It trusts the Docker engine and the image's python3, and nothing that comes out of the
// container: output is read through bounded buffers, the result frame is parsed defensively,
// and every container is killed and removed on a context that outlives the call. The
// container, not the policy lint in sandbox/policy, is the security boundary. This package
// knows nothing of MCP; redaction happens in the caller.
package sandbox

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Defaults for Config. Limits carry their units in their names or types.
const (
	DefaultImage           = "pycage/python:3.11"
	DefaultTimeout         = 30 * time.Second
	DefaultMaxTimeout      = 300 * time.Second
	DefaultMemory          = 256 << 20 // bytes; swap is disabled (memory-swap = memory)
	DefaultNanoCPUs        = 1e9       // one CPU
	DefaultPids            = 64
	DefaultNofile          = 256
	DefaultTmpfsSize       = 64 << 20  // bytes
	DefaultOutputLimit     = 128 << 10 // bytes kept per stream
	DefaultHardOutputLimit = 16 << 20  // bytes written in all before the run is stopped
	DefaultResultLimit     = 256 << 10 // bytes of JSON for the result global
	DefaultOutputMargin    = 4 << 10   // extra bytes kept around a cut so redaction sees whole secrets
	DefaultPool            = 2
	DefaultMaxImages       = 4
	DefaultImageBudget     = 384 << 10 // bytes of PNG per call (512 KiB once base64-encoded)
	DefaultPoolMaxAge      = 10 * time.Minute
	DefaultMaxWaiting      = 64 // calls queued behind the running ones; see Config.MaxWaiting
	// DefaultMaxWaitingBytes bounds the payload of the waiting calls: a decoded request holds
	// about 8 times its code and input_data in memory while it waits (seen in a review: 65
	// calls of 7.5 MB took the server to 4 GB).
	DefaultMaxWaitingBytes = 32 << 20
)

// Engine call deadlines: every Docker call has one, so a stalled engine cannot hang a call.
const (
	defaultEngineTimeout = 30 * time.Second // create, attach, start
	inspectDeadline      = 10 * time.Second
	cleanupDeadline      = 15 * time.Second
	oomSettle            = time.Second // under gVisor, see Sandbox.oomKilled
)

// Config is the sandbox's fixed configuration, built once at start-up by the caller.
type Config struct {
	Image           string        // image with python3
	Memory          int64         // memory limit in bytes; memory-swap is set to the same value
	NanoCPUs        int64         // CPU limit in 1e-9 CPUs
	Pids            int64         // pids cgroup limit
	Nofile          int64         // open files ulimit
	TmpfsSize       int64         // size of the writable /tmp in bytes
	OutputLimit     int           // bytes kept per stream (head and tail halves)
	OutputMargin    int           // extra bytes kept on each side of a cut, for the redactor
	HardOutputLimit int64         // bytes written on both streams before the run is stopped
	ResultLimit     int           // largest result JSON in bytes
	Concurrency     int           // containers running at once; more calls wait
	MaxWaiting      int           // calls waiting for a free slot; more are refused with ErrBusy
	MaxWaitingBytes int           // code and input_data bytes of the waiting calls; past it, ErrBusy
	Runtime         string        // OCI runtime ("" for the engine's default)
	Env             []string      // NAME=VALUE pairs injected into every container (secret values: never log)
	Instance        string        // this server's instance id, stamped on its containers' labels
	TimeoutGrace    time.Duration // how long after a kill the run may take to settle
	EngineTimeout   time.Duration // deadline of each create, attach and start call
	Pool            int           // started containers kept ready; 0 starts one per call
	PoolMaxAge      time.Duration // an idle pooled container older than this is replaced
	WarmImports     []string      // modules the runner imports while it waits for a call
	MaxImages       int           // matplotlib figures returned per call; 0 returns none
	ImageBudget     int           // bytes of PNG per call, all figures together
}

// DefaultConfig returns a Config with the documented defaults.
func DefaultConfig() Config {
	return Config{
		Image:           DefaultImage,
		Memory:          DefaultMemory,
		NanoCPUs:        DefaultNanoCPUs,
		Pids:            DefaultPids,
		Nofile:          DefaultNofile,
		TmpfsSize:       DefaultTmpfsSize,
		OutputLimit:     DefaultOutputLimit,
		OutputMargin:    DefaultOutputMargin,
		HardOutputLimit: DefaultHardOutputLimit,
		ResultLimit:     DefaultResultLimit,
		Concurrency:     runtime.NumCPU(),
		MaxWaiting:      DefaultMaxWaiting,
		MaxWaitingBytes: DefaultMaxWaitingBytes,
		TimeoutGrace:    5 * time.Second,
		EngineTimeout:   defaultEngineTimeout,
		PoolMaxAge:      DefaultPoolMaxAge,
		MaxImages:       DefaultMaxImages,
		ImageBudget:     DefaultImageBudget,
	}
}

func (c Config) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Image != "", "image is empty")
	check(c.Memory >= 6<<20, "memory %d is below the engine's minimum of 6 MiB", c.Memory)
	check(c.NanoCPUs > 0, "cpus must be positive")
	check(c.Pids > 0, "pids must be positive")
	check(c.Nofile > 0, "nofile must be positive")
	check(c.TmpfsSize > 0, "tmpfs size must be positive")
	check(c.OutputLimit >= 256, "output limit %d is below 256 bytes", c.OutputLimit)
	check(c.HardOutputLimit >= int64(c.OutputLimit), "hard output limit is below the output limit")
	check(c.ResultLimit > 0, "result limit must be positive")
	check(c.Concurrency > 0, "concurrency must be positive")
	check(c.MaxWaiting >= 0 && c.MaxWaitingBytes >= 0, "max waiting must not be negative")
	check(c.Instance != "", "instance id is empty")
	check(c.EngineTimeout > 0, "engine timeout must be positive")
	check(c.Pool >= 0 && c.Pool <= 64, "pool size %d is outside 0 to 64", c.Pool)
	check(c.MaxImages >= 0 && c.ImageBudget >= 0, "image limits must not be negative")
	return errors.Join(errs...)
}
