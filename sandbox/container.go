package sandbox

import (
	"context"
	"errors"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/pkg/stdcopy"
)

// started is a running sandbox container whose runner waits for its payload on stdin, with its
// output already being demultiplexed into bounded captures. It serves exactly one call.
type started struct {
	id      string
	marker  string // the per-container result marker the runner is told in its payload
	conn    types.HijackedResponse
	waitC   <-chan container.WaitResponse
	waitErr <-chan error
	stop    context.CancelFunc // ends the wait request

	stdout, stderr *capture
	outFrames      *frameSplitter // stdout: the result frame
	errFrames      *frameSplitter // stderr: the runner's end mark
	budget         *budget
	streamDone     chan error
	born           time.Time
}

// start creates, attaches and starts one container. The container is tracked from its
// creation on, so a failure at any later step still removes it.
func (s *Sandbox) start(ctx context.Context) (c *started, err error) {
	id, err := s.create(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			s.teardown(ctx, id) // a panic past this point must not leave the container behind
			panic(r)
		}
	}()
	c, err = s.attachAndStart(ctx, id)
	if err != nil {
		s.teardown(ctx, id)
		return nil, err
	}
	return c, nil
}

func (s *Sandbox) attachAndStart(ctx context.Context, id string) (*started, error) {
	actx, cancelAttach := context.WithTimeout(ctx, s.cfg.EngineTimeout)
	conn, err := s.engine.ContainerAttach(actx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	cancelAttach()
	if err != nil {
		return nil, s.cfg.engineError("attach container", err)
	}
	// The wait request lives as long as the container serves; it is not tied to the ctx of
	// the call that happened to start the container (a pool refill, say).
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	waitC, waitErr := s.engine.ContainerWait(wctx, id, container.WaitConditionNextExit)

	sctx, cancelStart := context.WithTimeout(ctx, s.cfg.EngineTimeout)
	err = s.engine.ContainerStart(sctx, id, container.StartOptions{})
	cancelStart()
	if err != nil {
		stop()
		conn.Close()
		return nil, s.cfg.engineError("start container", err)
	}
	half := s.cfg.OutputLimit/2 + s.cfg.OutputMargin
	c := &started{
		id: id, marker: newMarker(), conn: conn, waitC: waitC, waitErr: waitErr, stop: stop,
		stdout: newCapture(half, half), stderr: newCapture(half, half),
		budget: newBudget(s.cfg.HardOutputLimit), streamDone: make(chan error, 1), born: time.Now(),
	}
	c.outFrames = newFrameSplitter(c.stdout, c.marker, s.cfg.ResultLimit+s.cfg.ImageBudget*4/3+s.cfg.MaxImages*8+256)
	c.errFrames = newFrameSplitter(c.stderr, c.marker, 64)
	go func() {
		_, err := stdcopy.StdCopy(limited{c.outFrames, c.budget}, limited{c.errFrames, c.budget}, conn.Reader)
		c.streamDone <- err
	}()
	return c, nil
}

func (s *Sandbox) create(ctx context.Context) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, s.cfg.EngineTimeout)
	defer cancel()
	spec := s.cfg
	var err error
	if spec.Runtime, err = s.runtime(cctx); err != nil {
		return "", s.cfg.engineError("engine info", err)
	}
	cfg, hc := spec.containerSpec()
	resp, err := s.engine.ContainerCreate(cctx, cfg, hc, nil, nil, "")
	if resp.ID != "" {
		s.track(resp.ID)
	}
	if err != nil {
		if resp.ID != "" {
			s.teardown(ctx, resp.ID)
		}
		return "", s.cfg.engineError("create container", err)
	}
	return resp.ID, nil
}

func (s *Sandbox) track(id string) {
	s.mu.Lock()
	s.live[id] = struct{}{}
	s.mu.Unlock()
}

// release ends a container's call: it closes the streams and removes the container in the
// background, so the caller need not wait for the engine's teardown. Close waits for it.
func (s *Sandbox) release(ctx context.Context, c *started) {
	s.teardowns.Add(1)
	go func() {
		defer s.teardowns.Done()
		c.conn.Close()
		s.teardown(ctx, c.id)
		c.stop()
	}()
}

// teardown force-removes a container (which kills it) on a context that survives ctx's
// cancellation, and forgets it. When someone else's removal is already under way (another
// server's sweep of the same orphan), it waits for that one: on return the container is gone.
func (s *Sandbox) teardown(ctx context.Context, id string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupDeadline)
	defer cancel()
	err := s.engine.ContainerRemove(rctx, id, container.RemoveOptions{Force: true})
	if err != nil && isRemoving(err) {
		err = s.awaitRemoved(rctx, id)
	}
	if err != nil && !errdefs.IsNotFound(err) {
		s.log.Warn("remove container", "container", shortID(id), "err", err)
		return
	}
	s.mu.Lock()
	delete(s.live, id)
	s.mu.Unlock()
}

// awaitRemoved waits until a container another client is removing is gone. Under gVisor that
// removal takes a second or more: the sandbox's kernel and gofer are torn down first.
func (s *Sandbox) awaitRemoved(ctx context.Context, id string) error {
	waitC, errC := s.engine.ContainerWait(ctx, id, container.WaitConditionRemoved)
	select {
	case resp := <-waitC:
		if resp.Error != nil && resp.Error.Message != "" {
			return errors.New(resp.Error.Message) // that removal failed: the container stays
		}
		return nil
	case err := <-errC:
		return err // not found: already gone
	}
}

func (s *Sandbox) kill(ctx context.Context, id string) {
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupDeadline)
	defer cancel()
	if err := s.engine.ContainerKill(kctx, id, "KILL"); err != nil && !isGone(err) && !isNotRunning(err) {
		s.log.Warn("kill container", "container", shortID(id), "err", err)
	}
}

// oomKilled reads the engine's state: exit code 137 alone does not tell OOM from a kill.
// Under gVisor the shim can see the cgroup's OOM only after the sandbox's exit (seen in a third
// of busy runs); the engine then leaves State.OOMKilled false but still emits the "oom"
// event, so a SIGKILLed gVisor sandbox is looked up in the event log, for at most oomSettle.
func (s *Sandbox) oomKilled(ctx context.Context, id string, exitCode int) bool {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), inspectDeadline)
	defer cancel()
	info, err := s.engine.ContainerInspect(ictx, id)
	if err != nil || info.ContainerJSONBase == nil || info.State == nil {
		s.log.Warn("inspect container", "container", shortID(id), "err", err)
		return false
	}
	if rt, _ := s.runtime(ctx); info.State.OOMKilled || exitCode != 137 || !IsGVisor(rt) {
		return info.State.OOMKilled
	}
	ectx, cancel := context.WithTimeout(ctx, oomSettle)
	defer cancel()
	msgs, errs := s.engine.Events(ectx, events.ListOptions{
		Since:   info.State.StartedAt, // the log from the start: the event may already be in it
		Filters: filters.NewArgs(filters.Arg("container", id), filters.Arg("event", "oom")),
	})
	select {
	case <-msgs:
		return true
	case <-errs: // the engine's error, or the deadline as the client reports it
		return false
	case <-ectx.Done(): // an engine (or a client) that reports nothing
		return false
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
