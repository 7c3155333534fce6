package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/containerd/errdefs"

	"github.com/pycage/pycage/redact"
	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/image"
	"github.com/pycage/pycage/sandbox/policy"
	"github.com/pycage/pycage/tools"
)

// probeCode checks from inside a sandbox container that its limits hold. Each line it prints
// is "name ok" or "name FAIL detail". It is run with GVISOR = True or False prepended.
const probeCode = `
import os, socket
def check(name, ok, detail=""):
    print(name, "ok" if ok else "FAIL " + detail)
check("non-root", os.getuid() != 0, "uid %d" % os.getuid())
status = open("/proc/self/status").read()
cap = [l.split()[1] for l in status.splitlines() if l.startswith("CapEff")][0]
check("no-capabilities", int(cap, 16) == 0, "CapEff " + cap)
import ctypes  # prctl, not /proc/self/status: gVisor's has no NoNewPrivs line
nnp = ctypes.CDLL(None).prctl(39, 0, 0, 0, 0)  # PR_GET_NO_NEW_PRIVS
check("no-new-privileges", nnp == 1, "PR_GET_NO_NEW_PRIVS %d" % nnp)
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
        if GVISOR:  # no cgroup files inside; its kernel sizes MemTotal to the sandbox's limit
            mem = [l.split() for l in open("/proc/meminfo") if l.startswith("MemTotal:")]
            limit = int(mem[0][1]) * 1024 if mem else -1
check("memory-limit", 0 < limit < 1 << 50, "limit %d" % limit)
try:
    pids = open("/sys/fs/cgroup/pids.max").read().strip()
except OSError:
    try:
        pids = open("/sys/fs/cgroup/pids/pids.max").read().strip()
    except OSError:
        pids = "unknown"
        if GVISOR:  # the task limit is RLIMIT_NPROC, which its kernel enforces in the sandbox
            import resource
            nproc = resource.getrlimit(resource.RLIMIT_NPROC)[0]
            pids = str(nproc) if nproc != resource.RLIM_INFINITY else "unlimited"
check("pids-limit", pids.isdigit(), "pids.max " + pids)
import importlib
for name in WARM:  # PYCAGE_WARM_IMPORTS: the runner skips a module it cannot import, silently
    try:
        importlib.import_module(name); check("warm-import:" + name, True)
    except Exception as exc:
        check("warm-import:" + name, False, "%s: %s" % (type(exc).__name__, exc))
`

// probeHeader tells the probe whether it runs under gVisor, whose kernel shows the sandbox's
// limits in other places than cgroup files, and which warm imports to try.
func probeHeader(runtime string, warm []string) string {
	names, _ := json.Marshal(warm) // a JSON list of strings is a Python list
	if warm == nil {
		names = []byte("[]")
	}
	return fmt.Sprintf("GVISOR = %s\nWARM = %s\n", map[bool]string{true: "True", false: "False"}[sandbox.IsGVisor(runtime)], names)
}

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
		what := "image " + cfg.Image + ": " + err.Error()
		if errdefs.IsNotFound(err) {
			what = "image " + cfg.Image + ": not found"
		}
		report(false, what, image.BuildHint(cfg.Image))
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
	rt := cfg.Runtime // the runtime the probe runs under: this, or the engine's default
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	einfo, ierr := a.docker.Info(rctx)
	cancel()
	if ierr != nil {
		report(false, "engine info: "+ierr.Error(), "check that the Docker engine answers `docker info`")
	} else {
		names := make([]string, 0, len(einfo.Runtimes))
		for name := range einfo.Runtimes {
			names = append(names, name)
		}
		sort.Strings(names)
		if rt == "" {
			rt = einfo.DefaultRuntime
		}
		_, known := einfo.Runtimes[rt]
		what := fmt.Sprintf("runtime %s (the engine has: %s)", rt, strings.Join(names, ", "))
		report(known, what, "register it in the engine's daemon.json under \"runtimes\" and reload the engine (README: gVisor), or unset PYCAGE_RUNTIME")
		if !known {
			err = fmt.Errorf("runtime %s is not registered", rt) // no probe: it could only fail
		}
	}

	rules := a.pipeline.Policy.Rules()
	report(true, fmt.Sprintf("policy %s: %d rule(s)", a.pipeline.Policy.Name(), len(rules)), "")

	if err == nil {
		// The probe is pycage's own code: the user's policy (an import allow-list, say) is not
		// applied to it, and it leaves no audit record.
		probe := &tools.Pipeline{Runner: a.pipeline.Runner, Policy: policy.Off(), Redactor: a.pipeline.Redactor,
			DefaultTimeout: 30 * time.Second, MaxTimeout: 30 * time.Second, MaxCode: len(probeCode) + 64,
			OutputLimit: a.pipeline.OutputLimit, Log: a.pipeline.Log, Limits: a.pipeline.Limits}
		out, perr := probe.Execute(ctx, tools.Args{Code: probeHeader(rt, cfg.WarmImports) + probeCode, Timeout: 30 * time.Second})
		switch {
		case perr != nil:
			report(false, "probe container: "+perr.Error(), "see the error above")
		case out.Status != string(sandbox.StatusOK):
			report(false, "probe container: "+out.Status+": "+strings.TrimSpace(out.Stderr), "see `pycage run -c 'print(1)'`")
		default:
			for _, line := range strings.Split(strings.TrimSpace(out.Stdout), "\n") {
				name, rest, _ := strings.Cut(line, " ")
				fix := "the engine does not enforce this limit; check its cgroup and security configuration"
				if strings.HasPrefix(name, "warm-import:") {
					fix = "the image cannot import it: drop it from PYCAGE_WARM_IMPORTS or use an image that has it"
				}
				report(rest == "ok", "probe: "+name+" "+rest, fix)
			}
			fmt.Fprintf(stdout, "      probe ran in %d ms\n", out.DurationMS)
		}
	}

	fmt.Fprintf(stdout, "      %d host secret(s) will be redacted\n", len(a.secrets.all))
	for _, s := range a.secrets.all {
		fmt.Fprintf(stdout, "        %s\n", s)
	}
	for _, s := range a.secrets.inject {
		note := ""
		if len(s.Value) < redact.MinSecretLen {
			note = fmt.Sprintf(" (shorter than %d characters: NOT redacted from output)", redact.MinSecretLen)
		}
		fmt.Fprintf(stdout, "      injected into the sandbox: %s%s\n", s, note)
	}
	if failed > 0 {
		return &exitError{code: exitInfra, err: fmt.Errorf("%d check(s) failed", failed)}
	}
	return nil
}
