package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/image"
	"github.com/pycage/pycage/tools"
)

// probeCode checks from inside a sandbox container that its limits hold. Each line it prints
// is "name ok" or "name FAIL detail".
const probeCode = `
import os, socket
def check(name, ok, detail=""):
    print(name, "ok" if ok else "FAIL " + detail)
check("non-root", os.getuid() != 0, "uid %d" % os.getuid())
status = open("/proc/self/status").read()
cap = [l.split()[1] for l in status.splitlines() if l.startswith("CapEff")][0]
check("no-capabilities", int(cap, 16) == 0, "CapEff " + cap)
nnp = [l.split()[1] for l in status.splitlines() if l.startswith("NoNewPrivs")][0]
check("no-new-privileges", nnp == "1", "NoNewPrivs " + nnp)
try:
    open("/usr/pycage-probe", "w"); check("read-only-root", False, "wrote /usr")
except OSError:
    check("read-only-root", True)
try:
    socket.create_connection(("192.0.2.1", 80), timeout=2); check("no-network", False, "connected")
except OSError:
    check("no-network", True)
names = [l.split()[0] for l in open("/proc/net/dev").read().splitlines()[2:]]
check("no-interfaces", names == ["lo:"], " ".join(names))
try:
    limit = int(open("/sys/fs/cgroup/memory.max").read())
except (OSError, ValueError):
    try:
        limit = int(open("/sys/fs/cgroup/memory/memory.limit_in_bytes").read())
    except (OSError, ValueError):
        limit = -1
check("memory-limit", 0 < limit < 1 << 50, "limit %d" % limit)
try:
    pids = open("/sys/fs/cgroup/pids.max").read().strip()
except OSError:
    try:
        pids = open("/sys/fs/cgroup/pids/pids.max").read().strip()
    except OSError:
        pids = "unknown"
check("pids-limit", pids.isdigit(), "pids.max " + pids)
`

func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pycage doctor", flag.ContinueOnError)
	cfg, rest, err := parseConfig(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("%s takes no arguments, got %q", fs.Name(), rest)
	}
	cfg.Pool = 0 // one call: a pool would only start containers nobody uses
	a, err := newApp(cfg, stderr, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer a.close()
	failed := 0
	report := func(ok bool, what, fix string) {
		if ok {
			fmt.Fprintf(stdout, "ok    %s\n", what)
			return
		}
		failed++
		fmt.Fprintf(stdout, "FAIL  %s\n      fix: %s\n", what, fix)
	}

	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	v, err := a.docker.ServerVersion(pctx)
	cancel()
	if err != nil {
		report(false, "Docker engine: "+err.Error(), "start the Docker engine or set DOCKER_HOST to a running one")
		return &exitError{code: exitInfra}
	}
	report(true, fmt.Sprintf("Docker engine %s (API %s) at %s", v.Version, v.APIVersion, a.docker.DaemonHost()), "")

	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	info, err := a.docker.ImageInspect(ictx, cfg.Image)
	cancel()
	if err != nil {
		report(false, "image "+cfg.Image+": "+err.Error(), "run `pycage image build` (or `make image`)")
	} else {
		label := ""
		if info.Config != nil {
			label = info.Config.Labels[image.LabelRecipe]
		}
		note := ""
		if r, ok := image.Flavors["python"]; ok && cfg.Image == r.Ref && label != r.Hash() {
			note = " (built from an older recipe; `pycage image build` refreshes it)"
		}
		report(true, fmt.Sprintf("image %s, %d MB%s", cfg.Image, info.Size/1e6, note), "")
	}
	rt := cfg.Runtime
	if rt == "" {
		rt = "engine default"
	}
	report(true, "runtime: "+rt, "")

	if err == nil {
		out, perr := a.pipeline.Execute(ctx, tools.Args{Code: probeCode, Timeout: 30 * time.Second})
		switch {
		case perr != nil:
			report(false, "probe container: "+perr.Error(), "see the error above")
		case out.Status != string(sandbox.StatusOK):
			report(false, "probe container: "+out.Status+": "+strings.TrimSpace(out.Stderr), "see `pycage run -c 'print(1)'`")
		default:
			for _, line := range strings.Split(strings.TrimSpace(out.Stdout), "\n") {
				name, rest, _ := strings.Cut(line, " ")
				report(rest == "ok", "probe: "+name+" "+rest, "the engine does not enforce this limit; check its cgroup and security configuration")
			}
			fmt.Fprintf(stdout, "      probe ran in %d ms\n", out.DurationMS)
		}
	}

	fmt.Fprintf(stdout, "      %d host secret(s) will be redacted\n", len(a.secrets.all))
	for _, s := range a.secrets.all {
		fmt.Fprintf(stdout, "        %s\n", s)
	}
	for _, s := range a.secrets.inject {
		fmt.Fprintf(stdout, "      injected into the sandbox: %s\n", s)
	}
	if failed > 0 {
		return &exitError{code: exitInfra, err: fmt.Errorf("%d check(s) failed", failed)}
	}
	return nil
}
