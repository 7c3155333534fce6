package tools

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pycage/pycage/sandbox"
)

// TestProgressShowsLatestLinesRedacted: without injected secrets, the latest lines show, and
// a host secret on a line is redacted.
func TestProgressShowsLatestLinesRedacted(t *testing.T) {
	p, _ := newPipeline(t, func(_ context.Context, req sandbox.Request) (sandbox.Result, error) {
		out := []byte("epoch 1\nepoch 2 loss " + testSecret + "\nepoch 3\n")
		req.Progress(sandbox.Progress{Elapsed: 2 * time.Second, Stdout: out, StdoutTotal: int64(len(out))})
		return sandbox.Result{Status: sandbox.StatusOK}, nil
	})
	var msgs []string
	p.Execute(context.Background(), Args{Code: "print(1)", Progress: func(_ time.Duration, m string) { msgs = append(msgs, m) }})
	if len(msgs) != 1 || !strings.Contains(msgs[0], "epoch 3") || !strings.Contains(msgs[0], "running for 2 s") {
		t.Fatalf("messages %q", msgs)
	}
	if strings.Contains(msgs[0], testSecret) || !strings.Contains(msgs[0], "[REDACTED:TEST_TOKEN]") {
		t.Errorf("secret not redacted in progress: %q", msgs[0])
	}
}

// TestProgressHoldsBackInjectedSecrets: with a secret injected, a secret printed one character
// per line, slowly, never shows, whatever the reports see of it.
func TestProgressHoldsBackInjectedSecrets(t *testing.T) {
	var mu sync.Mutex
	var msgs []string
	p, _ := newPipeline(t, func(_ context.Context, req sandbox.Request) (sandbox.Result, error) {
		var out []byte
		for _, c := range testSecret { // one report per character written
			out = append(out, string(c)+"\n"...)
			w := out
			if len(w) > req.ProgressWindow {
				w = w[len(w)-req.ProgressWindow:]
			}
			req.Progress(sandbox.Progress{Elapsed: time.Second, Stdout: w, StdoutTotal: int64(len(out))})
		}
		filler := strings.Repeat("filler line\n", 3000) // then enough output to pass the hold
		out = append(out, filler...)
		w := out[max(0, len(out)-req.ProgressWindow):]
		req.Progress(sandbox.Progress{Elapsed: 2 * time.Second, Stdout: w, StdoutTotal: int64(len(out))})
		return sandbox.Result{Status: sandbox.StatusOK}, nil
	})
	p.Limits.Env = []string{"TEST_TOKEN=" + testSecret}
	p.Execute(context.Background(), Args{Code: "print(1)", Progress: func(_ time.Duration, m string) {
		mu.Lock()
		msgs = append(msgs, m)
		mu.Unlock()
	}})
	// The newest line of each report, in order, would spell the secret if it leaked.
	var newest strings.Builder
	for _, m := range msgs {
		if _, rest, ok := strings.Cut(m, "stdout: "); ok {
			lines := strings.Split(rest, " | ")
			newest.WriteString(lines[len(lines)-1])
		}
	}
	if strings.Contains(newest.String(), testSecret[:8]) {
		t.Errorf("the secret leaked through progress: %q", newest.String())
	}
	if !strings.Contains(msgs[len(msgs)-1], "filler line") {
		t.Errorf("output past the hold is not shown: %q", msgs[len(msgs)-1])
	}
}
