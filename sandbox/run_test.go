package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
)

// These tests drive the real engine. They fail, never skip, when it is missing.
func newTestSandbox(t *testing.T, mod func(*Config)) (*Sandbox, *client.Client) {
	t.Helper()
	cli, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.ImageInspect(ctx, DefaultImage); err != nil {
		t.Fatalf("the Docker engine and the image %s are needed (make image): %v", DefaultImage, err)
	}
	cfg := DefaultConfig()
	cfg.Instance = "test-" + t.Name()
	cfg.Runtime = os.Getenv("PYCAGE_RUNTIME") // CI runs these under runc and again under runsc
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, cli, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close(context.Background())
		cli.Close()
	})
	return s, cli
}

// TestContainerSpecIsLockedDown inspects a live pycage container in the spirit of the CIS
// Docker Benchmark, section 5.
func TestContainerSpecIsLockedDown(t *testing.T) {
	t.Parallel()
	s, cli := newTestSandbox(t, nil)
	ctx := context.Background()
	id, err := s.create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.teardown(ctx, id)
	info, err := cli.ContainerInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hc := info.HostConfig
	nproc := int64(-1)
	for _, u := range hc.Ulimits {
		if u.Name == "nproc" {
			nproc = u.Hard
		}
	}
	tasks := "tasks: PidsLimit == Pids, no nproc ulimit (it counts the uid across the host)"
	tasksOK := hc.PidsLimit != nil && *hc.PidsLimit == s.cfg.Pids && nproc == -1
	if IsGVisor(s.cfg.Runtime) {
		tasks = "tasks under gVisor: nproc == Pids, PidsLimit sized for the Sentry"
		tasksOK = nproc == s.cfg.Pids && hc.PidsLimit != nil && *hc.PidsLimit == runscPidsBase+runscPidsPerTask*s.cfg.Pids
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"NetworkMode none", hc.NetworkMode == "none"},
		{"ReadonlyRootfs", hc.ReadonlyRootfs},
		{"CapDrop ALL", len(hc.CapDrop) == 1 && strings.EqualFold(hc.CapDrop[0], "ALL")},
		{"no CapAdd", len(hc.CapAdd) == 0},
		{"not privileged", !hc.Privileged},
		{"no-new-privileges", len(hc.SecurityOpt) == 1 && hc.SecurityOpt[0] == "no-new-privileges"},
		{"default seccomp (not unconfined)", !strings.Contains(strings.Join(hc.SecurityOpt, ","), "unconfined")},
		{"Memory == MemorySwap > 0", hc.Memory > 0 && hc.Memory == hc.MemorySwap},
		{"NanoCpus > 0", hc.NanoCPUs > 0},
		{"PidsLimit > 0", hc.PidsLimit != nil && *hc.PidsLimit > 0},
		{tasks, tasksOK},
		{"runtime as configured", hc.Runtime == s.cfg.Runtime || s.cfg.Runtime == "" && hc.Runtime == "runc"},
		{"init", hc.Init != nil && *hc.Init},
		{"no mounts", len(info.Mounts) == 0 && len(hc.Binds) == 0 && len(hc.Mounts) == 0},
		{"only the /tmp tmpfs", len(hc.Tmpfs) == 1 && strings.Contains(hc.Tmpfs["/tmp"], "size=")},
		{"non-root user", info.Config.User != "" && !strings.HasPrefix(info.Config.User, "0") && info.Config.User != "root"},
		{"no published ports", len(hc.PortBindings) == 0},
		{"not sharing host namespaces", hc.PidMode == "" && hc.IpcMode != "host" && hc.UTSMode == "" && hc.UsernsMode == ""},
		{"labelled as pycage's", info.Config.Labels[LabelManaged] == "1" && info.Config.Labels[LabelOwner] == s.cfg.Instance},
		{"argv is the runner alone (code goes over stdin)", strings.Join(info.Config.Cmd, "\x00") == strings.Join(runnerCommand(), "\x00")},
		{"no log driver keeps output", hc.LogConfig.Type == "none"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: failed (HostConfig %+v)", c.name, hc)
		}
	}
}

func TestRunAndCancel(t *testing.T) {
	t.Parallel()
	s, cli := newTestSandbox(t, nil)
	t.Run("hello", func(t *testing.T) {
		res, err := s.Run(context.Background(), Request{Code: "print('hi')\nresult = [1, 2]", Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusOK || string(res.Stdout.Head) != "hi\n" || string(res.Result) != "[1, 2]" {
			t.Errorf("%+v stdout %q result %s", res, res.Stdout.Head, res.Result)
		}
	})
	t.Run("cancellation kills the container within a second", func(t *testing.T) {
		ectx, stopEvents := context.WithCancel(context.Background())
		defer stopEvents()
		died, errs := cli.Events(ectx, events.ListOptions{Filters: filters.NewArgs(
			filters.Arg("type", "container"), filters.Arg("event", "die"),
			filters.Arg("label", LabelOwner+"="+s.cfg.Instance))})
		ctx, cancel := context.WithCancel(context.Background())
		var cancelled time.Time
		go func() {
			time.Sleep(1500 * time.Millisecond) // let the code run a while
			cancelled = time.Now()
			cancel()
		}()
		_, err := s.Run(ctx, Request{Code: "import time\nwhile True: time.sleep(1)", Timeout: time.Minute})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		select {
		case <-died:
			if took := time.Since(cancelled); took > killBound(s.cfg.Runtime) {
				t.Errorf("container died %s after the cancellation", took)
			}
		case err := <-errs:
			t.Fatalf("events: %v", err)
		case <-time.After(killBound(s.cfg.Runtime) + 4*time.Second):
			t.Fatalf("container still running %s after the cancellation", killBound(s.cfg.Runtime)+4*time.Second)
		}
	})
}

// killBound is how soon after a kill the engine reports a container's death: a second, or
// under gVisor five, since the engine reports it only once the sandbox's kernel and gofer have
// been torn down (measured at up to 3.2 s with the other container tests running beside).
func killBound(runtime string) time.Duration {
	if IsGVisor(runtime) {
		return 5 * time.Second
	}
	return time.Second
}
