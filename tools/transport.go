package tools

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// MaxMessage is the largest JSON-RPC message the stdio transport passes on: room for the
// largest accepted code and input_data (which is measured compact, as pycage re-encodes it)
// written with escapes, such as \uXXXX for each character of Cyrillic text, or indented.
func (p *Pipeline) MaxMessage() int {
	return 4*(p.MaxCode+maxInputData) + 1<<20
}

// SerialWriter is the server's stdout. It makes every Write to w whole (the JSON-RPC writer of
// mcp-go and the limiter's answers write one message per Write, and none may land inside
// another), and it redacts JSON-RPC errors: mcp-go's own, such as "tool 'X' not found", quote
// what the client sent, where a secret may stand.
type SerialWriter struct {
	mu  sync.Mutex
	w   io.Writer
	red redactor
}

// redactor is the part of the redactor the writer uses.
type redactor interface {
	RedactValue(v any) (any, int)
}

// NewSerialWriter returns a SerialWriter on w that redacts errors with the pipeline's redactor.
func (p *Pipeline) NewSerialWriter(w io.Writer) *SerialWriter {
	return &SerialWriter{w: w, red: p.Redactor}
}

func (s *SerialWriter) Write(p []byte) (int, error) {
	out := p
	if s.red != nil && bytes.Contains(p, []byte(`"error"`)) {
		out = s.redactError(p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// redactError returns the message p with the strings of its error object redacted, or p when
// it is no JSON-RPC error or nothing in it needed redacting.
func (s *SerialWriter) redactError(p []byte) []byte {
	var msg map[string]json.RawMessage
	if json.Unmarshal(p, &msg) != nil || msg["error"] == nil {
		return p
	}
	var e any
	dec := json.NewDecoder(bytes.NewReader(msg["error"]))
	dec.UseNumber() // error codes and data keep their digits
	if dec.Decode(&e) != nil {
		return p
	}
	e, n := s.red.RedactValue(e)
	if n == 0 {
		return p
	}
	b, err := json.Marshal(e)
	if err != nil {
		return p
	}
	msg["error"] = b
	out, err := json.Marshal(msg)
	if err != nil {
		return p
	}
	return append(out, '\n')
}

// LimitMessages returns a reader of the newline-delimited JSON-RPC messages of r that drops
// every message over max bytes instead of passing it on, so that one huge line cannot take
// the server's memory (mcp-go reads a line whole). A dropped message is answered on out with
// a JSON-RPC error carrying its id, when the id comes before its params. Each message passed
// on is shown to observe first (nil for none).
func LimitMessages(r io.Reader, out io.Writer, max int, observe func(line []byte)) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(copyMessages(bufio.NewReaderSize(r, 64<<10), pw, out, max, observe))
	}()
	return pr
}

// copyMessages copies each line of r under max bytes to w whole, and answers the others.
func copyMessages(r *bufio.Reader, w, out io.Writer, max int, observe func([]byte)) error {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case line == nil && len(chunk) > max, line != nil && len(line)+len(chunk) > max:
			prefix := append(line, chunk...)
			if derr := dropMessage(r, prefix, len(prefix), err, out, max); derr != nil {
				return derr
			}
			line = nil
			continue
		case err == bufio.ErrBufferFull:
			line = append(line, chunk...)
			continue
		}
		if len(line) > 0 || len(chunk) > 0 {
			if line != nil {
				chunk = append(line, chunk...)
			}
			if observe != nil {
				observe(chunk)
			}
			if _, werr := w.Write(chunk); werr != nil {
				return werr
			}
		}
		line = nil
		if err != nil {
			return err // io.EOF ends the stream as it ended r
		}
	}
}

// dropMessage discards the rest of a message of which prefix (size bytes so far) has been read,
// then answers it on out.
func dropMessage(r *bufio.Reader, prefix []byte, size int, err error, out io.Writer, max int) error {
	head := prefix[:min(len(prefix), 64<<10)]
	for err == bufio.ErrBufferFull {
		var chunk []byte
		chunk, err = r.ReadSlice('\n')
		size += len(chunk)
	}
	if err != nil && err != io.EOF {
		return err
	}
	answer, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      messageID(head),
		"error": map[string]any{
			"code": -32600, // invalid request
			"message": fmt.Sprintf("pycage: a JSON-RPC message of %d bytes is over the limit of %d bytes and was dropped; "+
				"send less code or input_data", size, max),
		},
	})
	if _, werr := out.Write(append(answer, '\n')); werr != nil {
		return werr
	}
	return err
}

// messageID returns the top-level id of the message whose first bytes are head, read the way
// encoding/json (and so mcp-go) reads it: escapes decoded, nested objects skipped, the last
// of duplicate keys. When head holds no id at the top level (a batch, an id past the head),
// it is null.
func messageID(head []byte) json.RawMessage {
	null := json.RawMessage("null")
	dec := json.NewDecoder(bytes.NewReader(head))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return null
	}
	id := null
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break // the value runs past the head
		}
		if key == "id" {
			id = null
			if len(v) > 0 && (v[0] == '"' || v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
				id = v
			}
		}
	}
	return id
}
