package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestToolsList: the tool, its schema and all four annotations, as a client sees them.
func TestToolsList(t *testing.T) {
	t.Parallel()
	s := sharedServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := s.client.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) != 1 || list.Tools[0].Name != "run_python" {
		t.Fatalf("tools %+v", list.Tools)
	}
	b, _ := json.Marshal(list.Tools[0])
	var tool struct {
		Annotations  map[string]any `json:"annotations"`
		InputSchema  schema         `json:"inputSchema"`
		OutputSchema schema         `json:"outputSchema"`
	}
	if err := json.Unmarshal(b, &tool); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"title": "Run Python in a sandbox", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false}
	for k, v := range want {
		if tool.Annotations[k] != v {
			t.Errorf("annotation %s = %v, want %v", k, tool.Annotations[k], v)
		}
	}
	for _, p := range []string{"code", "input_data", "timeout_seconds"} {
		if d, _ := tool.InputSchema.Properties[p]["description"].(string); d == "" {
			t.Errorf("input property %s has no description", p)
		}
	}
	if len(tool.InputSchema.Required) != 1 || tool.InputSchema.Required[0] != "code" {
		t.Errorf("required %v", tool.InputSchema.Required)
	}
	if tool.InputSchema.Properties["timeout_seconds"]["maximum"] != 300.0 {
		t.Errorf("timeout maximum %v", tool.InputSchema.Properties["timeout_seconds"]["maximum"])
	}
	for _, p := range []string{"execution_id", "status", "exit_code", "stdout", "stderr", "result", "truncated", "duration_ms", "redactions"} {
		if d, _ := tool.OutputSchema.Properties[p]["description"].(string); d == "" {
			t.Errorf("output property %s missing or undescribed", p)
		}
	}
}

type schema struct {
	Properties map[string]map[string]any `json:"properties"`
	Required   []string                  `json:"required"`
}
