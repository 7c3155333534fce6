package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestLimitMessages(t *testing.T) {
	big := strings.Repeat("x", 300<<10)
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"code":"` + big + `"}}`,
		`{"jsonrpc":"2.0","id":"a\"b","method":"tools/call","params":{"code":"` + big + `"}}`,
		`{"jsonrpc":"2.0","method":"tools/call","params":{"id":99,"code":"` + big + `"},"id":3}`,
		`{"jsonrpc":"2.0","id":4,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":5,"method":"ping"}`, // no newline at the end
	}, "\n")
	for name, r := range map[string]io.Reader{
		"whole":       strings.NewReader(in),
		"byte a time": iotest.OneByteReader(strings.NewReader(in)),
	} {
		t.Run(name, func(t *testing.T) {
			var answers bytes.Buffer
			got, err := io.ReadAll(LimitMessages(r, &answers, 256<<10, nil))
			if err != nil {
				t.Fatal(err)
			}
			want := `{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\n" + `{"jsonrpc":"2.0","id":4,"method":"ping"}` + "\n" + `{"jsonrpc":"2.0","id":5,"method":"ping"}`
			if string(got) != want {
				t.Errorf("passed on %.200q, want %q", got, want)
			}
			var ids []string
			for _, line := range strings.Split(strings.TrimSpace(answers.String()), "\n") {
				var m struct {
					ID    json.RawMessage `json:"id"`
					Error struct {
						Code    int    `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
				}
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("answer %q: %v", line, err)
				}
				if m.Error.Code != -32600 || !strings.Contains(m.Error.Message, "over the limit of 262144 bytes") {
					t.Errorf("answer %q", line)
				}
				ids = append(ids, string(m.ID))
			}
			// The id inside the params of the third is not taken for the message's.
			if strings.Join(ids, " ") != `2 "a\"b" null` {
				t.Errorf("answered ids %v", ids)
			}
		})
	}
}

// TestSerialWriterRedactsErrors: an error that quotes the client's input (mcp-go's "tool 'X'
// not found") is redacted; other messages pass byte for byte.
func TestSerialWriterRedactsErrors(t *testing.T) {
	p, _ := newPipeline(t, nil)
	secret := testSecret
	var out bytes.Buffer
	w := p.NewSerialWriter(&out)
	errMsg := `{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"tool 'run_` + secret + `' not found: tool not found"}}` + "\n"
	result := `{"jsonrpc":"2.0","id":8,"result":{"content":[{"type":"text","text":"\"error\" is only a word here"}]}}` + "\n"
	for _, m := range []string{errMsg, result} {
		if n, err := w.Write([]byte(m)); err != nil || n != len(m) {
			t.Fatalf("Write: %d, %v", n, err)
		}
	}
	lines := strings.SplitAfter(out.String(), "\n")
	if strings.Contains(out.String(), secret) || !strings.Contains(lines[0], "[REDACTED:") || !strings.Contains(lines[0], `"id":7`) || !strings.Contains(lines[0], `"code":-32602`) {
		t.Errorf("error message: %q", lines[0])
	}
	if lines[1] != result {
		t.Errorf("result changed: %q", lines[1])
	}
}

func TestMessageID(t *testing.T) {
	for _, tc := range []struct{ head, want string }{
		{`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"code":"xx`, `7`},
		{`{"id":"a\"b","params":{`, `"a\"b"`},
		{`{"meta":{"id":1},"id":2,"params":{"code":"xx`, `2`},           // a nested id is not the message's
		{`{"a\"id":1,"id":2,"params":{`, `2`},                           // nor is a key that only ends in id
		{`{"id":1,"id":2,"params":{`, `2`},                              // the last of duplicates, as encoding/json
		{`{"\u0069d":3,"params":{`, `3`},                                // escapes decoded, as encoding/json
		{`{"method":"tools/call","params":{"id":99,"code":"xx`, `null`}, // the id is past the head
		{`[{"id":1,"method":"ping"},{"id":2,`, `null`},                  // a batch
		{`{"id":null,"params":{`, `null`},
		{`{"id":{"x":1},"params":{`, `null`},
	} {
		if got := string(messageID([]byte(tc.head))); got != tc.want {
			t.Errorf("messageID(%s) = %s, want %s", tc.head, got, tc.want)
		}
	}
}

// TestEarlyCancels: a cancellation noted before its request starts refuses that request once;
// other ids, and cancellations older than cancelMemory, do not.
func TestEarlyCancels(t *testing.T) {
	p, _ := newPipeline(t, nil)
	p.NoteCancel([]byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"x"}}` + "\n"))
	p.NoteCancel([]byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"abc"}}`))
	p.NoteCancel([]byte(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"arguments":{"code":"print('notifications/cancelled')"}}}`))
	for _, tc := range []struct {
		id   any
		want bool
	}{{float64(7), true}, {float64(7), false}, {"abc", true}, {float64(9), false}, {float64(8), false}, {nil, false}} {
		if err := p.refuseCancelled(context.Background(), tc.id, nil); (err != nil) != tc.want {
			t.Errorf("id %v: refused %v, want %v", tc.id, err != nil, tc.want)
		}
	}
	var c earlyCancels
	now := time.Now()
	c.add("old", now.Add(-2*cancelMemory))
	if c.take("old", now) {
		t.Error("a cancellation older than cancelMemory still counted")
	}
	for i := range 2 * maxCancels {
		c.add(fmt.Sprint(i), now)
	}
	if len(c.at) > maxCancels {
		t.Errorf("%d cancellations remembered, at most %d", len(c.at), maxCancels)
	}
}
