// Command pycage-bench measures pycage against the reference design in one run on the same
// image and prints one table (make bench):
//
//	(a) pycage warm: run_python through the MCP stdio server, pool on
//	(b) pycage cold: the same with PYCAGE_POOL=0
//	(c) reference: one container per call via create, start, wait, read logs, remove
//	(d) floor: create, attach, start, wait, remove of a container with pycage's spec
//
// with p50/p90 latency, ratios to (c), calls per second with 4 concurrent clients, and the
// server's RSS idle and at peak.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/pycage/pycage/sandbox"
)

func main() {
	bin := flag.String("bin", "./bin/pycage", "the pycage binary")
	n := flag.Int("n", 40, "sequential calls per row")
	par := flag.Int("c", 4, "concurrent clients for the throughput column")
	image := flag.String("image", "pycage/python:3.11", "image")
	runtime := flag.String("runtime", "", "OCI runtime of rows (a) to (d); empty for the engine's default")
	also := flag.String("also-runtime", "", "a second runtime (e.g. runsc) whose warm, cold and reference rows are added")
	flag.Parse()
	if err := run(*bin, *image, *runtime, *also, *n, *par); err != nil {
		fmt.Fprintln(os.Stderr, "pycage-bench:", err)
		os.Exit(1)
	}
}

type row struct {
	name       string
	lat        []time.Duration
	throughput float64
	note       string
}

func run(bin, image, runtime, also string, n, par int) error {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx := context.Background()

	var rows []row
	warm, cold, ref, rss, err := benchRuntime(ctx, cli, bin, image, runtime, "", n, par)
	if err != nil {
		return err
	}
	rows = append(rows, warm, cold, ref)
	floor, err := benchEngine(ctx, "(d) floor: create, attach, start, wait, remove", n, par, func() error { return floorCall(ctx, cli, image, runtime) })
	if err != nil {
		return err
	}
	rows = append(rows, floor)
	if also != "" {
		w, c, r, _, err := benchRuntime(ctx, cli, bin, image, also, " ["+also+"]", n, par)
		if err != nil {
			return err
		}
		rows = append(rows, w, c, r)
	}

	refP50 := pct(ref.lat, 50)
	fmt.Printf("\npycage benchmark: print(1), %d sequential calls per row, throughput with %d concurrent clients, image %s, runtime %s (rows marked [NAME]: that runtime)\n\n", n, par, image, orDefault(runtime))
	fmt.Printf("%-60s %9s %9s %12s %10s %10s\n", "design", "p50 ms", "p90 ms", "p50 vs (c)", "calls/s", "vs (c)")
	for _, r := range rows {
		fmt.Printf("%-60s %9.1f %9.1f %11.2fx %10.1f %9.2fx\n", r.name, ms(pct(r.lat, 50)), ms(pct(r.lat, 90)),
			float64(refP50)/float64(pct(r.lat, 50)), r.throughput, r.throughput/ref.throughput)
	}
	fmt.Printf("\nserver RSS: idle %.1f MiB, peak %.1f MiB\n", float64(rss.idle)/(1<<20), float64(rss.peak)/(1<<20))
	fmt.Printf("cold vs floor (p50): %.2fx\n", float64(pct(cold.lat, 50))/float64(pct(floor.lat, 50)))
	fmt.Printf("(a) is measured with the pool refilled (and %s to warm up) before each call; a call arriving while the pool is empty costs (b).\n", warmUp)
	return nil
}

type rssFigures struct{ idle, peak int64 }

// benchRuntime measures rows (a), (b) and (c) under one runtime, their names marked with mark.
func benchRuntime(ctx context.Context, cli *client.Client, bin, image, runtime, mark string, n, par int) (warm, cold, ref row, rss rssFigures, err error) {
	env := []string{"PYCAGE_IMAGE=" + image, "PYCAGE_RUNTIME=" + runtime, "PYCAGE_ENV_FILE=", "PYCAGE_SECRETS_DIR="}
	if warm, rss, err = benchServer(ctx, cli, bin, append(env, "PYCAGE_POOL=2"), n, par, true); err != nil {
		return warm, cold, ref, rss, fmt.Errorf("warm%s: %w", mark, err)
	}
	if cold, _, err = benchServer(ctx, cli, bin, append(env, "PYCAGE_POOL=0"), n, par, false); err != nil {
		return warm, cold, ref, rss, fmt.Errorf("cold%s: %w", mark, err)
	}
	ref, err = benchEngine(ctx, "(c) reference: create, start, wait, logs, remove", n, par, func() error { return reference(ctx, cli, image, runtime) })
	warm.name += mark
	cold.name += mark
	ref.name += mark
	return warm, cold, ref, rss, err
}

// benchServer starts `pycage serve`, measures n sequential print(1) calls (waiting for the
// pool to refill between calls when warm), then throughput with par clients.
func benchServer(ctx context.Context, cli *client.Client, bin string, env []string, n, par int, warm bool) (row, rssFigures, error) {
	name := "(b) pycage cold, MCP stdio (PYCAGE_POOL=0)"
	if warm {
		name = "(a) pycage warm, MCP stdio (PYCAGE_POOL=2)"
	}
	r := row{name: name}
	var cmd *exec.Cmd
	c, err := mcpclient.NewStdioMCPClientWithOptions(bin, env, []string{"serve"},
		transport.WithCommandStderrWriter(io.Discard),
		transport.WithCommandFunc(func(ctx context.Context, command string, env []string, args []string) (*exec.Cmd, error) {
			cmd = exec.CommandContext(ctx, command, args...)
			cmd.Env = append(os.Environ(), env...)
			return cmd, nil
		}))
	if err != nil {
		return r, rssFigures{}, err
	}
	defer c.Close()
	pid := cmd.Process.Pid
	evctx, stop := context.WithCancel(ctx)
	defer stop()
	starts, _ := cli.Events(evctx, events.ListOptions{Filters: filters.NewArgs(filters.Arg("type", "container"),
		filters.Arg("event", "start"), filters.Arg("label", "io.pycage.pid="+strconv.Itoa(pid)))})
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		return r, rssFigures{}, err
	}
	call := func() error {
		req := mcp.CallToolRequest{}
		req.Params.Name = "run_python"
		req.Params.Arguments = map[string]any{"code": "print(1)"}
		res, err := c.CallTool(ctx, req)
		if err == nil && res.IsError {
			err = fmt.Errorf("call failed: %v", res.Content)
		}
		return err
	}
	if warm {
		waitStarts(starts, 2)
	}
	var fig rssFigures
	fig.idle = rssOf(pid, "VmRSS")
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := call(); err != nil {
			return r, fig, err
		}
		r.lat = append(r.lat, time.Since(t))
		if warm {
			waitStarts(starts, 1) // the refill of the container this call used
		}
	}
	r.throughput, err = throughput(n, par, call)
	fig.peak = rssOf(pid, "VmHWM")
	return r, fig, err
}

// waitStarts waits for k container starts, then for the runners' warm-up imports: a pooled
// container is ready once its runner blocks on stdin, which no event reports.
func waitStarts(ch <-chan events.Message, k int) {
	for i := 0; i < k; i++ {
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			return
		}
	}
	time.Sleep(warmUp)
}

// warmUp is how long after its start a pooled runner has surely finished its imports here.
const warmUp = 400 * time.Millisecond

func benchEngine(ctx context.Context, name string, n, par int, call func() error) (row, error) {
	r := row{name: name}
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := call(); err != nil {
			return r, fmt.Errorf("%s: %w", name, err)
		}
		r.lat = append(r.lat, time.Since(t))
	}
	var err error
	r.throughput, err = throughput(n, par, call)
	return r, err
}

// throughput runs n calls spread over par clients and returns calls per second.
func throughput(n, par int, call func() error) (float64, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		jobs <- struct{}{}
	}
	close(jobs)
	start := time.Now()
	for i := 0; i < par; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if err := call(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), firstErr
}

// spec is pycage's lock-down, for the floor row.
func spec(image, runtime string, cmd []string, attach bool) (*container.Config, *container.HostConfig) {
	pids := sandbox.CgroupPidsLimit(runtime, sandbox.DefaultPids)
	init := true
	cfg := &container.Config{Image: image, User: "65534:65534", Cmd: cmd, NetworkDisabled: true,
		AttachStdout: attach, AttachStderr: attach, Labels: map[string]string{"io.pycage.bench": "1"}}
	hc := &container.HostConfig{NetworkMode: "none", ReadonlyRootfs: true, CapDrop: []string{"ALL"},
		SecurityOpt: []string{"no-new-privileges"}, Init: &init, Runtime: runtime,
		Tmpfs:     map[string]string{"/tmp": "size=64m"},
		Resources: container.Resources{Memory: 256 << 20, MemorySwap: 256 << 20, NanoCPUs: 1e9, PidsLimit: &pids}}
	if attach {
		hc.LogConfig = container.LogConfig{Type: "none"}
	}
	return cfg, hc
}

// reference is the seed's design: the code in argv, logs read after the exit.
func reference(ctx context.Context, cli *client.Client, image, runtime string) error {
	cfg, hc := spec(image, runtime, []string{"python3", "-c", "print(1)"}, false)
	resp, err := cli.ContainerCreate(ctx, cfg, hc, nil, nil, "")
	if err != nil {
		return err
	}
	defer cli.ContainerRemove(context.Background(), resp.ID, container.RemoveOptions{Force: true})
	waitC, errC := cli.ContainerWait(ctx, resp.ID, container.WaitConditionNextExit)
	if err := cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		return err
	}
	select {
	case <-waitC:
	case err := <-errC:
		return err
	}
	logs, err := cli.ContainerLogs(ctx, resp.ID, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return err
	}
	defer logs.Close()
	var out strings.Builder
	stdcopy.StdCopy(&out, io.Discard, logs)
	if out.String() != "1\n" {
		return fmt.Errorf("reference output %q", out.String())
	}
	return nil
}

// floorCall is the least a one-container-per-call design with attached output must do.
func floorCall(ctx context.Context, cli *client.Client, image, runtime string) error {
	cfg, hc := spec(image, runtime, []string{"python3", "-c", "print(1)"}, true)
	resp, err := cli.ContainerCreate(ctx, cfg, hc, nil, nil, "")
	if err != nil {
		return err
	}
	defer cli.ContainerRemove(context.Background(), resp.ID, container.RemoveOptions{Force: true})
	att, err := cli.ContainerAttach(ctx, resp.ID, container.AttachOptions{Stream: true, Stdout: true, Stderr: true})
	if err != nil {
		return err
	}
	defer att.Close()
	waitC, errC := cli.ContainerWait(ctx, resp.ID, container.WaitConditionNextExit)
	if err := cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		return err
	}
	var out strings.Builder
	stdcopy.StdCopy(&out, io.Discard, att.Reader)
	select {
	case <-waitC:
	case err := <-errC:
		return err
	}
	if out.String() != "1\n" {
		return fmt.Errorf("floor output %q", out.String())
	}
	return nil
}

func rssOf(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func orDefault(s string) string {
	if s == "" {
		return "engine default"
	}
	return s
}
