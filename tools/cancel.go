package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// mcp-go handles notifications/cancelled in its read loop, and cancels only a request that a
// worker has already taken up: a cancellation sent right after its request (a client that
// gives up at once, or cancels a call still queued) is dropped, and the call runs to its end.
// So the transport notes every cancellation as it passes (NoteCancel), and a request whose
// cancellation came first is refused when a worker takes it up (the server's hook).

const (
	cancelMemory  = time.Minute // how long a cancellation is remembered
	maxCancels    = 1024        // how many at most
	maxCancelLine = 4 << 10     // longer lines are not taken for cancellations
)

// errCancelledEarly refuses a request cancelled before it started.
var errCancelledEarly = errors.New("request cancelled by the client before it started")

// earlyCancels are the request ids the client cancelled lately, by fmt.Sprint of the id.
type earlyCancels struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (c *earlyCancels) add(id string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at = map[string]time.Time{}
	}
	if len(c.at) >= maxCancels {
		for k, t := range c.at {
			if now.Sub(t) > cancelMemory || len(c.at) >= maxCancels {
				delete(c.at, k)
			}
		}
	}
	c.at[id] = now
}

// take reports whether id was cancelled within cancelMemory, and forgets it.
func (c *earlyCancels) take(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.at[id]
	delete(c.at, id)
	return ok && now.Sub(t) <= cancelMemory
}

// NoteCancel records the request id of a notifications/cancelled message line; other lines
// cost a substring search at most (a cancellation is a short message).
func (p *Pipeline) NoteCancel(line []byte) {
	if len(line) > maxCancelLine || !bytes.Contains(line, []byte("notifications/cancelled")) {
		return
	}
	var n struct {
		Method string `json:"method"`
		Params struct {
			RequestID any `json:"requestId"`
		} `json:"params"`
	}
	// Decoded as mcp-go decodes a request's id (numbers as float64), so the two print alike.
	if json.Unmarshal(line, &n) != nil || n.Method != "notifications/cancelled" || n.Params.RequestID == nil {
		return
	}
	p.cancels.add(fmt.Sprint(n.Params.RequestID), time.Now())
}

// refuseCancelled is the server's request hook: a request cancelled before it started is
// answered with an error instead of being run.
func (p *Pipeline) refuseCancelled(_ context.Context, id any, _ any) error {
	if id != nil && p.cancels.take(fmt.Sprint(id), time.Now()) {
		return errCancelledEarly
	}
	return nil
}
