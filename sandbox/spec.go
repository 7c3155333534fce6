package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// Labels stamped on every pycage container.
const (
	LabelManaged = "io.pycage"       // "1" on every container pycage starts
	LabelOwner   = "io.pycage.owner" // the owning server's instance id
	LabelPID     = "io.pycage.pid"   // the owning server's process id
	LabelHost    = "io.pycage.host"  // the owning server's host name
)

// sandboxUser is nobody:nogroup, present in every Debian-based image.
const sandboxUser = "65534:65534"

// Under gVisor the cgroup pids limit is runscPidsBase + runscPidsPerTask × Config.Pids (see
// containerSpec): 1088 host threads for the default 64 tasks. A fork bomb held at 64 tasks
// was measured at a peak of 618.
const (
	runscPidsBase    = 64
	runscPidsPerTask = 16
)

// CgroupPidsLimit is the cgroup pids limit of a container whose code may run tasks tasks:
// tasks itself, or under gVisor room for the Sentry's threads (see containerSpec).
func CgroupPidsLimit(runtime string, tasks int64) int64 {
	if IsGVisor(runtime) {
		return runscPidsBase + runscPidsPerTask*tasks
	}
	return tasks
}

// IsGVisor reports whether an engine runtime name is gVisor's runsc, by the name it is
// registered under ("runsc", "runsc-kvm", "gvisor", ...).
func IsGVisor(runtime string) bool {
	n := strings.ToLower(runtime)
	return strings.Contains(n, "runsc") || strings.Contains(n, "gvisor")
}

// containerSpec builds the create request for one sandbox container. Nothing here is
// optional: every container pycage starts has the whole lock-down.
func (c Config) containerSpec() (*container.Config, *container.HostConfig) {
	host, _ := os.Hostname()
	env := append([]string{
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"LANG=C.UTF-8",
		"HOME=/tmp",
		"MPLCONFIGDIR=/tmp",
		"MPLBACKEND=module://_pycage_mpl", // the runner's: plt.show() returns figures as PNGs
		"PATH=/usr/local/bin:/usr/bin:/bin",
	}, c.Env...)
	if len(c.WarmImports) > 0 {
		env = append(env, "PYCAGE_WARM_IMPORTS="+strings.Join(c.WarmImports, ","))
	}
	cfg := &container.Config{
		Image:           c.Image,
		User:            sandboxUser,
		Cmd:             runnerCommand(),
		Env:             env,
		WorkingDir:      "/tmp",
		AttachStdin:     true,
		AttachStdout:    true,
		AttachStderr:    true,
		OpenStdin:       true,
		StdinOnce:       true,
		NetworkDisabled: true,
		Labels: map[string]string{
			LabelManaged: "1",
			LabelOwner:   c.Instance,
			LabelPID:     strconv.Itoa(os.Getpid()),
			LabelHost:    host,
		},
	}
	init := true
	ulimits := []*container.Ulimit{
		{Name: "nofile", Soft: c.Nofile, Hard: c.Nofile},
		{Name: "core", Soft: 0, Hard: 0},
	}
	if IsGVisor(c.Runtime) {
		// gVisor's kernel, the Sentry, lives in the container's own cgroup: on its ptrace
		// platform each task of the code costs the host about 6 to 10 threads, the Sentry itself
		// about 40, and a Sentry that the pids limit stops from making a thread dies whole
		// (google/gvisor#2490). So under runsc the code's task limit is RLIMIT_NPROC, which the
		// Sentry enforces inside the sandbox (its own kernel counts its own users), and the
		// cgroup's limit stays as a backstop sized for the Sentry's threads.
		ulimits = append(ulimits, &container.Ulimit{Name: "nproc", Soft: c.Pids, Hard: c.Pids})
	}
	pids := CgroupPidsLimit(c.Runtime, c.Pids)
	hc := &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Init:           &init,
		Tmpfs:          map[string]string{"/tmp": fmt.Sprintf("rw,nosuid,nodev,noexec,size=%d,mode=1777", c.TmpfsSize)},
		Runtime:        c.Runtime,
		Resources: container.Resources{
			Memory:     c.Memory,
			MemorySwap: c.Memory,
			NanoCPUs:   c.NanoCPUs,
			PidsLimit:  &pids,
			Ulimits:    ulimits,
		},
		LogConfig: container.LogConfig{Type: "none"},
	}
	return cfg, hc
}
