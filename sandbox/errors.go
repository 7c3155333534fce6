package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/client"

	"github.com/pycage/pycage/sandbox/image"
)

// Sentinel errors for infrastructure faults a caller branches on. Outcomes of the user's code
// (exit codes, timeouts, OOM, the output limit) are not errors: they are a Result's Status.
var (
	ErrEngine       = errors.New("docker engine unavailable")
	ErrImageMissing = errors.New("sandbox image not found")
	// ErrBusy: Concurrency calls run and MaxWaiting wait; the call was refused at once, so
	// no caller can tie up the server's request handling with calls that only wait.
	ErrBusy = errors.New("busy")
)

// HintError is an infrastructure error with the fix a user should apply.
type HintError struct {
	Op   string // what pycage was doing, e.g. "create container"
	Err  error  // the cause
	Hint string // what to do about it
}

func (e *HintError) Error() string {
	if e.Hint == "" {
		return fmt.Sprintf("%s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("%s: %v (fix: %s)", e.Op, e.Err, e.Hint)
}

func (e *HintError) Unwrap() error { return e.Err }

// engineError classifies an error from an engine call and attaches a fix.
func (c Config) engineError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errdefs.IsNotFound(err) && op == "create container":
		return &HintError{Op: op, Err: fmt.Errorf("%w: %s: %v", ErrImageMissing, c.Image, err),
			Hint: image.BuildHint(c.Image)}
	case c.Runtime != "" && strings.Contains(strings.ToLower(err.Error()), "unknown runtime"):
		return &HintError{Op: op, Err: err,
			Hint: fmt.Sprintf("the engine has no runtime %q: register it in its daemon.json and reload it (README, \"gVisor\"), or unset PYCAGE_RUNTIME; `pycage doctor` lists the engine's runtimes", c.Runtime)}
	case client.IsErrConnectionFailed(err):
		return &HintError{Op: op, Err: fmt.Errorf("%w: %v", ErrEngine, err),
			Hint: "start the Docker engine, or point DOCKER_HOST at a running one; `pycage doctor` checks"}
	case errors.Is(err, context.DeadlineExceeded):
		return &HintError{Op: op, Err: fmt.Errorf("%w: no answer in time: %v", ErrEngine, err),
			Hint: "the Docker engine is stalled or overloaded; check `docker info` and restart it if needed"}
	default:
		return &HintError{Op: op, Err: err}
	}
}
