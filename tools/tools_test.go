package tools

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/pycage/pycage/redact"
	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/policy"
)

// fakeRunner is a hand-written Runner: it records the request and answers with run.
type fakeRunner struct {
	mu    sync.Mutex
	calls int
	last  sandbox.Request
	run   func(ctx context.Context, req sandbox.Request) (sandbox.Result, error)
}

func (f *fakeRunner) Run(ctx context.Context, req sandbox.Request) (sandbox.Result, error) {
	f.mu.Lock()
	f.calls++
	f.last = req
	f.mu.Unlock()
	return f.run(ctx, req)
}

const testSecret = "s3cr3t-value-for-tools-test"

func newPipeline(t *testing.T, run func(context.Context, sandbox.Request) (sandbox.Result, error)) (*Pipeline, *fakeRunner) {
	t.Helper()
	pol, err := policy.Parse("default")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRunner{run: run}
	return &Pipeline{
		Runner:         f,
		Policy:         pol,
		Redactor:       redact.New([]redact.Secret{{Name: "TEST_TOKEN", Value: testSecret}}),
		DefaultTimeout: 30 * time.Second,
		MaxTimeout:     300 * time.Second,
		MaxCode:        256 << 10,
		OutputLimit:    1 << 10,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:         sandbox.DefaultConfig(),
	}, f
}

func output(s string) sandbox.Output { return sandbox.Output{Head: []byte(s), Total: int64(len(s))} }

func TestExecute(t *testing.T) {
	ok := func(stdout, stderr string) func(context.Context, sandbox.Request) (sandbox.Result, error) {
		return func(context.Context, sandbox.Request) (sandbox.Result, error) {
			return sandbox.Result{Status: sandbox.StatusOK, Stdout: output(stdout), Stderr: output(stderr), Result: json.RawMessage(`{"k":"` + testSecret + `","n":12345678901234567890}`)}, nil
		}
	}
	t.Run("redacts stdout, stderr and result", func(t *testing.T) {
		p, _ := newPipeline(t, ok("out "+testSecret+"\n", "err "+testSecret+"\n"))
		out, err := p.Execute(context.Background(), Args{Code: "print(1)"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(out)
		if strings.Contains(string(b), testSecret) || out.Redactions != 3 {
			t.Errorf("leak or wrong count: %s", b)
		}
		if !strings.Contains(string(b), "12345678901234567890") {
			t.Errorf("large number lost precision: %s", b)
		}
	})
	t.Run("a secret split across result values is caught", func(t *testing.T) {
		for _, raw := range []string{
			`["` + strings.Join(strings.Split(testSecret, ""), `","`) + `"]`,
			`{"a":"` + testSecret[:10] + `","b":"` + testSecret[10:] + `"}`,
			// Found by an adversarial review: keys the model sees sorted the other way, pieces
			// in reverse, a number or a key between the halves, nested objects.
			`{"b":"` + testSecret[:10] + `","a":"` + testSecret[10:] + `"}`,
			`["` + testSecret[10:] + `","` + testSecret[:10] + `"]`,
			`["` + testSecret[:10] + `",0,"` + testSecret[10:] + `"]`,
			`{"x":{"2":"` + testSecret[10:] + `"},"y":{"1":"` + testSecret[:10] + `"}}`,
			`{"` + testSecret[:10] + `":1,"` + testSecret[10:] + `":2}`,
			`[{"k":"` + testSecret[:10] + `"},{"k":"` + testSecret[10:] + `"}]`,
			`{"` + testSecret[:10] + `":"part one","` + testSecret[10:] + `":"part two"}`,
		} {
			p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) {
				return sandbox.Result{Status: sandbox.StatusOK, Result: json.RawMessage(raw)}, nil
			})
			out, _ := p.Execute(context.Background(), Args{Code: "print(1)"})
			b, _ := json.Marshal(out)
			if strings.Contains(string(b), testSecret) || strings.Contains(string(b), testSecret[:10]) || out.Redactions == 0 {
				t.Errorf("leak through %s: %s", raw, b)
			}
		}
	})
	t.Run("ordinary values that join into a key format are returned", func(t *testing.T) {
		// Found by an adversarial review: joined, these read as an AWS access key id.
		raw := `{"regions":["ASIA","EUROPE","AFRICA","MENA"]}`
		p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) {
			return sandbox.Result{Status: sandbox.StatusOK, Result: json.RawMessage(raw)}, nil
		})
		out, _ := p.Execute(context.Background(), Args{Code: "print(1)"})
		if b, _ := json.Marshal(out.Result); string(b) != raw || out.Redactions != 0 {
			t.Errorf("result %s, %d redactions", b, out.Redactions)
		}
	})
	t.Run("policy rejection starts nothing", func(t *testing.T) {
		p, f := newPipeline(t, ok("", ""))
		out, _ := p.Execute(context.Background(), Args{Code: "import subprocess"})
		if out.Status != StatusRejected || f.calls != 0 || !strings.Contains(out.Stderr, "line 1") {
			t.Errorf("%+v calls %d", out, f.calls)
		}
	})
	t.Run("default timeout applies", func(t *testing.T) {
		p, f := newPipeline(t, ok("", ""))
		p.Execute(context.Background(), Args{Code: "print(1)"})
		if f.last.Timeout != 30*time.Second {
			t.Errorf("timeout %s", f.last.Timeout)
		}
	})
	t.Run("infrastructure error is a redacted isError outcome", func(t *testing.T) {
		p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) {
			return sandbox.Result{}, &sandbox.HintError{Op: "create container", Err: errors.New("boom " + testSecret), Hint: "start docker"}
		})
		out, err := p.Execute(context.Background(), Args{Code: "print(1)"})
		if err != nil || out.Status != "error" || out.ExitCode != -1 || strings.Contains(out.Stderr, testSecret) || !strings.Contains(out.Stderr, "start docker") ||
			!strings.Contains(out.Stderr, "a fault of the host's sandbox, not of the code") {
			t.Errorf("%+v %v", out, err)
		}
	})
	t.Run("cancellation returns the context error", func(t *testing.T) {
		p, _ := newPipeline(t, func(ctx context.Context, _ sandbox.Request) (sandbox.Result, error) {
			<-ctx.Done()
			return sandbox.Result{}, ctx.Err()
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := p.Execute(ctx, Args{Code: "print(1)"}); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "server shutting down") {
			t.Errorf("err %v", err) // the JSON-RPC error a client reads after closing stdin early
		}
	})
	t.Run("timeout note", func(t *testing.T) {
		p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) {
			return sandbox.Result{Status: sandbox.StatusTimeout, ExitCode: 137, Stdout: output("partial")}, nil
		})
		out, _ := p.Execute(context.Background(), Args{Code: "print(1)", Timeout: 5 * time.Second})
		if out.Stdout != "partial" || !strings.Contains(out.Stderr, "time limit of 5s") {
			t.Errorf("%+v", out)
		}
	})
}

func TestClip(t *testing.T) {
	r := redact.New([]redact.Secret{{Name: "TEST_TOKEN", Value: testSecret}})
	t.Run("short output is unchanged", func(t *testing.T) {
		s, trunc, n := clip(output("hello\n"), 64, 40, r)
		if s != "hello\n" || trunc || n != 0 {
			t.Errorf("%q %v %d", s, trunc, n)
		}
	})
	t.Run("long output keeps head and tail around a marker", func(t *testing.T) {
		in := "HEAD" + strings.Repeat("x", 1000) + "TAIL"
		s, trunc, _ := clip(output(in), 64, 40, r)
		if !trunc || !strings.HasPrefix(s, "HEAD") || !strings.HasSuffix(s, "TAIL") || !strings.Contains(s, "bytes of output cut") {
			t.Errorf("%q", s)
		}
	})
	t.Run("secret on the cut boundary is redacted before cutting", func(t *testing.T) {
		// The secret straddles the head half: the capture margin keeps it whole.
		in := strings.Repeat("a", 28) + testSecret + strings.Repeat("b", 100)
		o := sandbox.Output{Head: []byte(in[:72]), Tail: []byte(in[len(in)-72:]), Total: int64(len(in)) + 500}
		s, _, n := clip(o, 64, 40, r)
		if strings.Contains(s, testSecret[:8]) || n != 1 {
			t.Errorf("%q (%d redactions)", s, n)
		}
	})
	t.Run("a secret split by the dropped middle shows no part", func(t *testing.T) {
		// Redaction shrinks the head (many copies of the secret become few markers), which
		// must not pull the margin, where the first half of a split secret sits, into view.
		// Likewise for the tail. Found by an adversarial review.
		const margin = 256
		half := len(testSecret) / 2
		many := strings.Repeat(testSecret, 8)
		head := many + strings.Repeat("#", 64/2+margin-len(many)-half) + testSecret[:half]
		tail := testSecret[half:] + strings.Repeat("#", 64/2+margin-(len(testSecret)-half)-len(many)) + many
		if len(head) != 64/2+margin || len(tail) != 64/2+margin {
			t.Fatalf("setup: head %d tail %d", len(head), len(tail))
		}
		o := sandbox.Output{Head: []byte(head), Tail: []byte(tail), Total: int64(len(head)+len(tail)) + 1000}
		s, _, _ := clip(o, 64, margin, r)
		for _, part := range []string{testSecret[:half], testSecret[half:], testSecret[:6], testSecret[len(testSecret)-6:]} {
			if strings.Contains(s, part) {
				t.Errorf("part %q of the secret shown: %q", part, s)
			}
		}
	})
	t.Run("a secret straddling the safe edge is not shown in part", func(t *testing.T) {
		const margin, limit = 64, 128
		h := strings.Repeat("a", 50) + testSecret + strings.Repeat("c", 200) // the secret straddles byte 64
		o := sandbox.Output{Head: []byte(h[:limit/2+margin]), Tail: []byte(strings.Repeat("z", limit/2+margin)), Total: 10000}
		s, _, n := clip(o, limit, margin, r)
		if strings.Contains(s, testSecret[:6]) || !strings.HasPrefix(s, strings.Repeat("a", 50)+"\n") || n == 0 {
			t.Errorf("%q (%d)", s, n)
		}
	})
	t.Run("cuts do not split a marker", func(t *testing.T) {
		h := strings.Repeat("a", 20) + testSecret + strings.Repeat("c", 200)
		o := sandbox.Output{Head: []byte(h[:32+40]), Tail: []byte(testSecret + strings.Repeat("z", 32+40-len(testSecret))), Total: 10000}
		s, _, _ := clip(o, 64, 40, r)
		if strings.Count(s, "[REDACTED:") != strings.Count(s, "[REDACTED:TEST_TOKEN]") {
			t.Errorf("a marker was cut: %q", s)
		}
		// The head cut lands inside "[REDACTED:" itself (found by an adversarial review).
		for before := 1; before < len("[REDACTED:"); before++ {
			h := strings.Repeat("a", 32-before) + testSecret + strings.Repeat("c", 200)
			o := sandbox.Output{Head: []byte(h[:32+40]), Tail: []byte(strings.Repeat("z", 32+40)), Total: 10000}
			s, _, _ := clip(o, 64, 40, r)
			if head, _, _ := strings.Cut(s, "\n"); strings.Contains(head, "[RED") || strings.HasSuffix(head, "[") {
				t.Errorf("cut %d bytes into the marker: %q", before, s)
			}
		}
	})
	t.Run("invalid UTF-8 is replaced and cuts land on rune boundaries", func(t *testing.T) {
		in := strings.Repeat("é", 100) + "\xff"
		s, _, _ := clip(output(in), 33, 40, r)
		if !utf8Valid(s) {
			t.Errorf("invalid UTF-8: %q", s)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]any
		wantErr string
		want    Args
	}{
		{"code only", map[string]any{"code": "x"}, "", Args{Code: "x"}},
		{"all fields", map[string]any{"code": "x", "input_data": map[string]any{"a": 1.0}, "timeout_seconds": 2.5}, "",
			Args{Code: "x", InputData: json.RawMessage(`{"a":1}`), Timeout: 2500 * time.Millisecond}},
		{"null input_data", map[string]any{"code": "x", "input_data": nil}, "", Args{Code: "x"}},
		{"missing code", map[string]any{}, "missing argument code", Args{}},
		{"code is a number", map[string]any{"code": 1.0}, "must be a string", Args{}},
		{"input_data is a string", map[string]any{"code": "x", "input_data": "{}"}, "must be a JSON object", Args{}},
		{"negative timeout", map[string]any{"code": "x", "timeout_seconds": -1.0}, "positive", Args{}},
		{"timeout under a second", map[string]any{"code": "x", "timeout_seconds": 0.5}, "under the minimum of 1 second", Args{}},
		{"timeout too small to be a duration", map[string]any{"code": "x", "timeout_seconds": 1e-320}, "under the minimum of 1 second", Args{}},
		{"timeout too large to be a duration", map[string]any{"code": "x", "timeout_seconds": 1e308}, "is 1e+308, over the maximum", Args{}},
		{"unknown", map[string]any{"code": "x", "cwd": "/"}, `unknown argument "cwd"`, Args{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseArgs(tc.raw)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.Code != tc.want.Code || string(got.InputData) != string(tc.want.InputData) || got.Timeout != tc.want.Timeout {
				t.Errorf("got %+v %v", got, err)
			}
		})
	}
}

// TestToolResultFitsUnderOneMiB: NUL-heavy output expands sixfold in JSON; the result still fits.
func TestToolResultFitsUnderOneMiB(t *testing.T) {
	p, _ := newPipeline(t, nil)
	p.OutputLimit = 128 << 10
	big := strings.Repeat("\x00", 128<<10)
	out := &Outcome{ExecutionID: "x", Status: "ok", Stdout: big, Stderr: big, Result: strings.Repeat("\x01", 200<<10)}
	res := p.toolResult(out)
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > maxToolResult {
		t.Errorf("tool result is %d bytes", len(b))
	}
	if !res.StructuredContent.(*Outcome).Truncated {
		t.Error("shrunk output not flagged as truncated")
	}
}

// inProcessClient returns an initialized mcp-go client of p's server, in process.
func inProcessClient(t *testing.T, p *Pipeline) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClient(NewServer(p, "test"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestInProcessServer drives the MCP server in process with mcp-go's client.
func TestInProcessServer(t *testing.T) {
	p, _ := newPipeline(t, func(context.Context, sandbox.Request) (sandbox.Result, error) {
		return sandbox.Result{Status: sandbox.StatusError, ExitCode: 2, Stderr: output("Traceback\n")}, nil
	})
	c := inProcessClient(t, p)
	ctx := context.Background()
	req := mcp.CallToolRequest{}
	req.Params.Name = ToolName
	req.Params.Arguments = map[string]any{"code": "raise SystemExit(2)"}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || res.StructuredContent == nil {
		t.Errorf("isError %v structured %v", res.IsError, res.StructuredContent)
	}
	req.Params.Arguments = "not an object"
	if res, err := c.CallTool(ctx, req); err != nil || !res.IsError {
		t.Errorf("non-object arguments: %v %v", res, err)
	}
}

func TestJSONDepth(t *testing.T) {
	for _, tc := range []struct {
		json string
		want int
	}{
		{`1`, 0}, {`"[[["`, 0}, {`[]`, 1}, {`{"a":[1,{"b":[]}]}`, 4},
		{`["\"[[[", "\\", [2]]`, 2}, {strings.Repeat("[", 300) + strings.Repeat("]", 300), 300},
	} {
		if got := jsonDepth([]byte(tc.json)); got != tc.want {
			t.Errorf("jsonDepth(%.40s) = %d, want %d", tc.json, got, tc.want)
		}
	}
}
