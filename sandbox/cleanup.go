package sandbox

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
)

// Close stops the pool, waits for background removals, and removes every container this
// sandbox created that still exists, including any the engine lists under this instance's label.
func (s *Sandbox) Close(ctx context.Context) error {
	if s.pool != nil && s.pool.started() {
		s.pool.stop()
	}
	s.teardowns.Wait()
	s.mu.Lock()
	ids := make([]string, 0, len(s.live))
	for id := range s.live {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	lctx, cancel := context.WithTimeout(ctx, cleanupDeadline)
	defer cancel()
	listed, err := s.engine.ContainerList(lctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", LabelOwner+"="+s.cfg.Instance))})
	for _, c := range listed {
		ids = append(ids, c.ID)
	}
	for _, id := range ids {
		s.teardown(ctx, id)
	}
	if err != nil {
		return s.cfg.engineError("list containers", err)
	}
	return nil
}

// SweepOrphans removes pycage containers on this host whose owning server process is gone (a
// server killed with -9 leaves its containers behind). Containers of live servers are kept.
// It returns how many it removed.
func (s *Sandbox) SweepOrphans(ctx context.Context) (int, error) {
	lctx, cancel := context.WithTimeout(ctx, cleanupDeadline)
	defer cancel()
	listed, err := s.engine.ContainerList(lctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", LabelManaged+"=1"))})
	if err != nil {
		return 0, s.cfg.engineError("list containers", err)
	}
	host, _ := os.Hostname()
	n := 0
	for _, c := range listed {
		if c.Labels[LabelOwner] == s.cfg.Instance || c.Labels[LabelHost] != host {
			continue
		}
		pid, err := strconv.Atoi(c.Labels[LabelPID])
		if err != nil || processAlive(pid) {
			continue
		}
		s.teardown(ctx, c.ID)
		n++
	}
	return n, nil
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func isGone(err error) bool {
	return errdefs.IsNotFound(err) || isRemoving(err)
}

// isRemoving: the engine refused a removal because one is already under way.
func isRemoving(err error) bool {
	return strings.Contains(err.Error(), "is already in progress")
}

func isNotRunning(err error) bool {
	return errdefs.IsConflict(err) || strings.Contains(err.Error(), "is not running")
}
