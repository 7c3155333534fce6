package tools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ToolName is the name of the tool, a public contract.
const ToolName = "run_python"

// maxToolResult keeps every tool result (structured and text together) under Claude Desktop's
// 1 MiB limit, with room for the JSON-RPC envelope.
const maxToolResult = 1<<20 - 32<<10

// input is the tool's input; its JSON schema is generated from it.
type input struct {
	Code           string         `json:"code" jsonschema:"Python 3 source to run. Print to stdout, or set a global variable named result to any JSON-serializable value to return structured data."`
	InputData      map[string]any `json:"input_data,omitempty" jsonschema:"optional JSON object available to the code as the global INPUT_DATA (None when absent)"`
	TimeoutSeconds float64        `json:"timeout_seconds,omitempty" jsonschema:"optional wall-clock limit for this call in seconds"`
}

// Tool returns the run_python tool definition for this pipeline's limits.
func (p *Pipeline) Tool() mcp.Tool {
	t := mcp.NewTool(ToolName,
		mcp.WithDescription(p.description()),
		mcp.WithInputSchema[input](),
		mcp.WithOutputSchema[Outcome](),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title:           "Run Python in a sandbox",
			ReadOnlyHint:    mcp.ToBoolPtr(true),
			DestructiveHint: mcp.ToBoolPtr(false),
			IdempotentHint:  mcp.ToBoolPtr(false),
			OpenWorldHint:   mcp.ToBoolPtr(false),
		}),
	)
	t.RawInputSchema = p.inputSchema(t.RawInputSchema)
	if st, ok := t.OutputSchema.Properties["status"].(map[string]any); ok {
		st["enum"] = []string{"ok", "error", "timeout", "oom", "output_limit", StatusRejected}
	}
	return t
}

// inputSchema adds the configured bounds to the generated schema.
func (p *Pipeline) inputSchema(raw json.RawMessage) json.RawMessage {
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return raw
	}
	props, _ := s["properties"].(map[string]any)
	if c, ok := props["code"].(map[string]any); ok {
		c["minLength"] = 1
		c["maxLength"] = p.MaxCode
	}
	if t, ok := props["timeout_seconds"].(map[string]any); ok {
		t["minimum"] = 1
		t["maximum"] = p.MaxTimeout.Seconds()
		t["description"] = fmt.Sprintf("optional wall-clock limit for this call in seconds, 1 to %g (default %g)", p.MaxTimeout.Seconds(), p.DefaultTimeout.Seconds())
	}
	s["additionalProperties"] = false
	out, err := json.Marshal(s)
	if err != nil {
		return raw
	}
	return out
}

func (p *Pipeline) description() string {
	return fmt.Sprintf("Run Python 3 code in a fresh, isolated sandbox container and return its stdout, stderr and result. "+
		"No network, read-only file system except a %s /tmp, nothing persists between calls. "+
		"Set a global variable `result` to return JSON data; read input from the global `INPUT_DATA`. "+
		"Limits: %s memory, %g s by default (timeout_seconds up to %g). "+
		"Anything resembling a secret or API key in the output is replaced by [REDACTED:...].",
		mib(p.Limits.TmpfsSize), mib(p.Limits.Memory), p.DefaultTimeout.Seconds(), p.MaxTimeout.Seconds())
}

func mib(n int64) string {
	return fmt.Sprintf("%d MiB", n>>20)
}

// Handle is the run_python tool handler.
func (p *Pipeline) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	raw, ok := req.Params.Arguments.(map[string]any)
	if !ok && req.Params.Arguments != nil {
		return p.toolResult(p.Reject("arguments must be a JSON object with code, input_data and timeout_seconds")), nil
	}
	args, err := ParseArgs(raw)
	if err != nil {
		return p.toolResult(p.Reject(err.Error())), nil
	}
	if req.Params.Meta != nil && req.Params.Meta.ProgressToken != nil {
		args.Progress = progressNotifier(ctx, req.Params.Meta.ProgressToken)
	}
	out, err := p.Execute(ctx, args)
	if err != nil {
		return nil, err
	}
	return p.toolResult(out), nil
}

// progressNotifier sends notifications/progress for a call that asked for them.
func progressNotifier(ctx context.Context, token mcp.ProgressToken) ProgressFunc {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil
	}
	return func(elapsed time.Duration, message string) {
		srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), map[string]any{
			"progressToken": token, "progress": elapsed.Seconds(), "message": message})
	}
}

// toolResult renders an outcome as structured content plus a text the model reads easily,
// shrinking the kept output (and at last dropping an oversized result) until the whole result
// fits under maxToolResult.
func (p *Pipeline) toolResult(out *Outcome) *mcp.CallToolResult {
	limit := p.OutputLimit
	for {
		o := shrink(out, limit)
		if limit < 1<<10 && o.Result != nil {
			c := *o
			c.Result = nil
			c.Stderr = appendNote(c.Stderr, "pycage: the result is too large to return once escaped as JSON; it was dropped")
			o = &c
		}
		content := []mcp.Content{mcp.NewTextContent(renderText(o, limit > 4<<10))}
		for _, png := range o.PNGs {
			content = append(content, mcp.NewImageContent(base64.StdEncoding.EncodeToString(png), "image/png"))
		}
		res := &mcp.CallToolResult{Content: content, StructuredContent: o, IsError: o.IsError()}
		if b, err := json.Marshal(res); err == nil && len(b) <= maxToolResult || limit < 1<<10 {
			return res
		}
		limit /= 2
	}
}

// shrink returns out with stdout and stderr cut to limit bytes each (no copy when they fit).
func shrink(out *Outcome, limit int) *Outcome {
	if len(out.Stdout) <= limit && len(out.Stderr) <= limit {
		return out
	}
	o := *out
	o.Stdout, o.Stderr = shrinkText(o.Stdout, limit), shrinkText(o.Stderr, limit)
	o.Truncated = true
	return &o
}

func shrinkText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	return cut(s[:limit/2], s[len(s)-limit/2:], int64(len(s)-limit/2*2))
}

// renderText is the model-facing text: a status line, then the streams and the result.
func renderText(o *Outcome, withResult bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status: %s, exit_code: %d, duration: %d ms", o.Status, o.ExitCode, o.DurationMS)
	if o.Truncated {
		b.WriteString(", output truncated")
	}
	if o.Redactions > 0 {
		fmt.Fprintf(&b, ", %d secret(s) redacted", o.Redactions)
	}
	if o.Images > 0 {
		fmt.Fprintf(&b, ", %d figure(s) attached as images", o.Images)
	}
	fmt.Fprintf(&b, " (execution_id %s)\n", o.ExecutionID)
	section := func(name, body string) {
		if body == "" {
			return
		}
		fmt.Fprintf(&b, "--- %s ---\n%s", name, body)
		if !strings.HasSuffix(body, "\n") {
			b.WriteByte('\n')
		}
	}
	section("stdout", o.Stdout)
	section("stderr", o.Stderr)
	if o.Result != nil {
		if !withResult {
			section("result", "(too large to repeat here: see the structured result)")
		} else if j, err := json.Marshal(o.Result); err == nil {
			section("result", string(j))
		}
	}
	return b.String()
}
