package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/pycage/pycage/tools"
)

// TestProgressNotifications: a call with a progress token gets notifications/progress about
// once a second, with the elapsed time and the latest output, while the code runs.
func TestProgressNotifications(t *testing.T) {
	t.Parallel()
	s := startServer(t, "PYCAGE_POOL=0")
	var mu sync.Mutex
	var got []map[string]any
	s.client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationProgress) {
			mu.Lock()
			got = append(got, n.Params.AdditionalFields)
			mu.Unlock()
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = tools.ToolName
	req.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
	req.Params.Arguments = map[string]any{"code": "import time\nfor i in range(12):\n    print('step', i, flush=True)\n    time.sleep(0.25)"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.client.CallTool(ctx, req)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %v", err, res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 2 || len(got) > 4 {
		t.Fatalf("%d progress notifications for a 3 s run, want about one a second: %v\n%s", len(got), got, s.stderr)
	}
	last := got[len(got)-1]
	msg, _ := last["message"].(string)
	if last["progressToken"] != "tok-1" || !strings.Contains(msg, "running for") || !strings.Contains(msg, "step") {
		t.Errorf("notification %v", last)
	}
}
