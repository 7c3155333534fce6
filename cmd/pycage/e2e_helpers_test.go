package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	dclient "github.com/docker/docker/client"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/tools"
)

// The integration tests run the real binary as an MCP server over stdio, with a real MCP
// client, against the real Docker engine. Without an engine or the image they fail: they
// never skip.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error

	dockerOnce sync.Once
	dockerCli  *dclient.Client
	dockerErr  error

	serversMu sync.Mutex
	serverPID []int                  // every server the tests started, for the leftover check
	servers   = map[int]*mcpServer{} // by pid, to show the log of one that left a container
)

// pycageBinary builds the binary once for all tests.
func pycageBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pycage-test-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "pycage")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// requireDocker fails the test (never skips) when the engine or the image is missing.
func requireDocker(t testing.TB) *dclient.Client {
	t.Helper()
	dockerOnce.Do(func() {
		dockerCli, dockerErr = sandbox.NewClient()
		if dockerErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := dockerCli.Ping(ctx); err != nil {
			dockerErr = fmt.Errorf("the Docker engine does not answer (the integration tests need it): %w", err)
			return
		}
		if _, err := dockerCli.ImageInspect(ctx, sandbox.DefaultImage); err != nil {
			dockerErr = fmt.Errorf("image %s is missing: run `make image` first: %w", sandbox.DefaultImage, err)
		}
	})
	if dockerErr != nil {
		t.Fatal(dockerErr)
	}
	return dockerCli
}

// syncBuffer collects a server's stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mcpServer is a pycage serve subprocess with an initialized MCP client.
type mcpServer struct {
	client *client.Client
	stderr *syncBuffer
	cmd    *exec.Cmd
}

// startServer starts `pycage serve` with env added to the test's environment. It is stopped
// when the test ends.
func startServer(t testing.TB, env ...string) *mcpServer {
	t.Helper()
	requireDocker(t)
	s := newServer(t, env...)
	t.Cleanup(func() { s.close(t) })
	return s
}

func newServer(t testing.TB, env ...string) *mcpServer {
	t.Helper()
	bin := pycageBinary(t)
	s := &mcpServer{stderr: &syncBuffer{}}
	env = append([]string{"PYCAGE_ENV_FILE=", "PYCAGE_SECRETS_DIR="}, env...)
	c, err := client.NewStdioMCPClientWithOptions(bin, env, []string{"serve"},
		transport.WithCommandStderrWriter(s.stderr),
		transport.WithCommandFunc(func(ctx context.Context, command string, env []string, args []string) (*exec.Cmd, error) {
			cmd := exec.CommandContext(ctx, command, args...)
			cmd.Env = append(os.Environ(), env...)
			s.cmd = cmd
			return cmd, nil
		}))
	if err != nil {
		t.Fatalf("start pycage serve: %v", err)
	}
	s.client = c
	serversMu.Lock()
	serverPID = append(serverPID, s.cmd.Process.Pid)
	servers[s.cmd.Process.Pid] = s
	serversMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil { // wires notifications to OnNotification handlers
		t.Fatalf("start client: %v", err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "pycage-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v\nserver stderr:\n%s", err, s.stderr)
	}
	return s
}

func (s *mcpServer) close(t testing.TB) {
	if err := s.client.Close(); err != nil {
		t.Logf("close client: %v", err)
	}
}

// call calls run_python and decodes the structured result.
func (s *mcpServer) call(t testing.TB, args map[string]any) (*mcp.CallToolResult, tools.Outcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = tools.ToolName
	req.Params.Arguments = args
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("call run_python: %v\nserver stderr:\n%s", err, s.stderr)
	}
	var out tools.Outcome
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	if res.IsError != (out.Status != "ok") {
		t.Errorf("isError %v with status %q", res.IsError, out.Status)
	}
	return res, out
}

// run calls run_python with just code.
func (s *mcpServer) run(t testing.TB, code string) (*mcp.CallToolResult, tools.Outcome) {
	t.Helper()
	return s.call(t, map[string]any{"code": code})
}

// text returns the tool result's text content.
func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// pycageContainers lists containers of the given server processes (all pycage ones when pids
// is empty).
func pycageContainers(t testing.TB, pids ...int) []container.Summary {
	t.Helper()
	cli := requireDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", sandbox.LabelManaged+"=1"))})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	if len(pids) == 0 {
		return list
	}
	var out []container.Summary
	for _, c := range list {
		for _, p := range pids {
			if c.Labels[sandbox.LabelPID] == fmt.Sprint(p) {
				out = append(out, c)
			}
		}
	}
	return out
}

// countCreates counts container create events since the given time for a server process.
func countCreates(t testing.TB, cli *dclient.Client, since time.Time, pid int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, errs := cli.Events(ctx, events.ListOptions{
		Since: fmt.Sprint(since.Unix()),
		Until: fmt.Sprint(time.Now().Add(time.Second).Unix()),
		Filters: filters.NewArgs(filters.Arg("type", "container"), filters.Arg("event", "create"),
			filters.Arg("label", fmt.Sprintf("%s=%d", sandbox.LabelPID, pid))),
	})
	n := 0
	for {
		select {
		case <-msgs:
			n++
		case err := <-errs:
			if err != nil && err != io.EOF {
				t.Fatalf("events: %v", err)
			}
			return n
		}
	}
}
