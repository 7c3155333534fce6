package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"
)

// Status is how a run ended.
type Status string

// The statuses a run can end with.
const (
	StatusOK          Status = "ok"           // exit code 0
	StatusError       Status = "error"        // non-zero exit code (an exception, sys.exit(n))
	StatusTimeout     Status = "timeout"      // the wall-clock limit was hit and the container killed
	StatusOOM         Status = "oom"          // the kernel's OOM killer ended the code
	StatusOutputLimit Status = "output_limit" // the hard output limit was hit and the container killed
)

// Request is one snippet to run.
type Request struct {
	Code      string          // Python 3 source
	InputData json.RawMessage // JSON object exposed as INPUT_DATA; nil for None
	Timeout   time.Duration   // wall-clock limit from the container's start
}

// Result is what came out of one run. Output is raw (unredacted) and bounded.
type Result struct {
	Status    Status
	ExitCode  int // -1 when the process never reported one
	Stdout    Output
	Stderr    Output
	Result    json.RawMessage // the `result` global as JSON; nil when unset or not returned
	Duration  time.Duration   // from the container's start to its end
	Container string          // the container's id
}

// Sandbox runs snippets in fresh containers, at most Config.Concurrency at a time.
type Sandbox struct {
	cfg    Config
	engine Engine
	log    *slog.Logger
	sem    chan struct{}

	mu   sync.Mutex
	live map[string]struct{} // containers created and not yet removed
}

// New returns a Sandbox. It does not contact the engine.
func New(cfg Config, engine Engine, log *slog.Logger) (*Sandbox, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("sandbox config: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sandbox{
		cfg:    cfg,
		engine: engine,
		log:    log,
		sem:    make(chan struct{}, cfg.Concurrency),
		live:   map[string]struct{}{},
	}, nil
}

// Config returns the sandbox's configuration.
func (s *Sandbox) Config() Config { return s.cfg }

// Run runs one snippet in a new container and removes the container before returning. A
// cancelled ctx kills the container and returns ctx's error; infrastructure faults return an
// error (often a *HintError); everything the code itself did is in the Result.
func (s *Sandbox) Run(ctx context.Context, req Request) (Result, error) {
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return Result{ExitCode: -1}, fmt.Errorf("wait for a free slot: %w", context.Cause(ctx))
	}

	marker := newMarker()
	in, err := encodePayload(payload{Marker: marker, Code: req.Code, InputData: req.InputData, ResultLimit: s.cfg.ResultLimit})
	if err != nil {
		return Result{ExitCode: -1}, err
	}

	id, err := s.create(ctx)
	if err != nil {
		return Result{ExitCode: -1}, err
	}
	defer s.remove(ctx, id)
	return s.execute(ctx, id, marker, in, req.Timeout)
}

func (s *Sandbox) create(ctx context.Context) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, createDeadline)
	defer cancel()
	cfg, hc := s.cfg.containerSpec()
	resp, err := s.engine.ContainerCreate(cctx, cfg, hc, nil, nil, "")
	if err != nil {
		if resp.ID != "" {
			s.remove(ctx, resp.ID)
		}
		return "", s.cfg.engineError("create container", err)
	}
	s.mu.Lock()
	s.live[resp.ID] = struct{}{}
	s.mu.Unlock()
	return resp.ID, nil
}

// remove kills and force-removes a container on a context that survives ctx's cancellation.
func (s *Sandbox) remove(ctx context.Context, id string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupDeadline)
	defer cancel()
	if err := s.engine.ContainerRemove(rctx, id, container.RemoveOptions{Force: true}); err != nil && !isGone(err) {
		s.log.Warn("remove container", "container", shortID(id), "err", err)
		return
	}
	s.mu.Lock()
	delete(s.live, id)
	s.mu.Unlock()
}

// execute attaches, starts, feeds the payload and waits for the end of the run.
func (s *Sandbox) execute(ctx context.Context, id, marker string, in []byte, timeout time.Duration) (Result, error) {
	res := Result{ExitCode: -1, Container: id}
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()

	actx, cancelAttach := context.WithTimeout(runCtx, startDeadline)
	conn, err := s.engine.ContainerAttach(actx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	cancelAttach()
	if err != nil {
		return res, s.cfg.engineError("attach container", err)
	}
	defer conn.Close()

	waitC, waitErrC := s.engine.ContainerWait(runCtx, id, container.WaitConditionNextExit)

	sctx, cancelStart := context.WithTimeout(runCtx, startDeadline)
	err = s.engine.ContainerStart(sctx, id, container.StartOptions{})
	cancelStart()
	if err != nil {
		return res, s.cfg.engineError("start container", err)
	}
	started := time.Now()

	half := s.cfg.OutputLimit/2 + s.cfg.OutputMargin
	stdout, stderr := newCapture(half, half), newCapture(half, half)
	frames := newFrameSplitter(stdout, marker, s.cfg.ResultLimit+64)
	b := newBudget(s.cfg.HardOutputLimit)
	streamDone := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(limited{frames, b}, limited{stderr, b}, conn.Reader)
		streamDone <- err
	}()
	go func() {
		// The payload is small; a container that dies before reading it makes this fail, and
		// the run's end is then seen on the wait channel.
		if _, err := conn.Conn.Write(in); err == nil {
			conn.CloseWrite()
		}
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()

	var (
		exited, drained bool
		killed          Status
		exitCode        = -1
	)
	for !(exited && drained) {
		select {
		case w := <-waitC:
			exited, exitCode = true, int(w.StatusCode)
		case err := <-waitErrC:
			if ctx.Err() == nil {
				return res, s.cfg.engineError("wait for container", err)
			}
		case <-streamDone:
			drained = true
		case <-b.exceeded:
			b.exceeded = nil // fires once
			if killed == "" {
				killed = StatusOutputLimit
				s.kill(ctx, id)
				timer.Reset(s.cfg.TimeoutGrace)
			}
		case <-timer.C:
			if killed != "" {
				// Killed, and the engine has not reported the end within the grace.
				return res, s.cfg.engineError("stop container", errors.New("container did not stop after kill"))
			}
			killed = StatusTimeout
			s.kill(ctx, id)
			timer.Reset(s.cfg.TimeoutGrace)
		case <-ctx.Done():
			s.kill(ctx, id)
			return res, fmt.Errorf("run cancelled: %w", context.Cause(ctx))
		}
	}
	res.Duration = time.Since(started)
	frames.flush()
	res.Stdout, res.Stderr = stdout.output(), stderr.output()
	res.ExitCode = exitCode
	if fr, ok := frames.last(); ok && len(fr.Result) > 0 && killed == "" {
		res.Result = fr.Result
	}

	switch {
	case killed != "":
		res.Status = killed
	case s.oomKilled(ctx, id):
		res.Status = StatusOOM
	case exitCode == 0:
		res.Status = StatusOK
	default:
		res.Status = StatusError
	}
	return res, nil
}

func (s *Sandbox) kill(ctx context.Context, id string) {
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupDeadline)
	defer cancel()
	if err := s.engine.ContainerKill(kctx, id, "KILL"); err != nil && !isGone(err) && !isNotRunning(err) {
		s.log.Warn("kill container", "container", shortID(id), "err", err)
	}
}

// oomKilled reads the engine's state: exit code 137 alone does not tell OOM from a kill.
func (s *Sandbox) oomKilled(ctx context.Context, id string) bool {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), inspectDeadline)
	defer cancel()
	info, err := s.engine.ContainerInspect(ictx, id)
	if err != nil || info.ContainerJSONBase == nil || info.State == nil {
		s.log.Warn("inspect container", "container", shortID(id), "err", err)
		return false
	}
	return info.State.OOMKilled
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
