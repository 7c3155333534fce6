package sandbox

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

//go:embed runner.py
var runnerSource string

// runnerCommand is the container's command: the embedded bootstrap, isolated from the
// environment's PYTHON* variables (-I), unbuffered (-u), writing no bytecode (-B). The user's
// code never appears here; it arrives over stdin.
func runnerCommand() []string {
	return []string{"python3", "-I", "-u", "-B", "-c", runnerSource}
}

// payload is what the runner reads from stdin: a decimal length line, then this JSON.
type payload struct {
	Marker      string          `json:"marker"`
	Code        string          `json:"code"`
	InputData   json.RawMessage `json:"input_data,omitempty"`
	ResultLimit int             `json:"result_limit"`
	MaxImages   int             `json:"max_images"`
	ImageBudget int             `json:"image_budget"`
}

func newMarker() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on Linux
	}
	return "\x00pycage-result-" + hex.EncodeToString(b[:]) + "\x00"
}

func encodePayload(p payload) ([]byte, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%d\n", len(body))
	buf.Write(body)
	return buf.Bytes(), nil
}

// frame is the runner's report, found after the marker on stdout.
type frame struct {
	ExitCode int             `json:"exit_code"`
	Result   json.RawMessage `json:"result,omitempty"`
	Images   []string        `json:"images,omitempty"` // base64 PNGs
}

// frameSplitter sits in front of the stdout capture. User output passes through to out; from
// the marker on, bytes up to the next newline go to the frame buffer (bounded). The marker may
// arrive split across writes, so a possible partial marker at the end of a write is held back.
// If the stream carries several frames (only the user's code could forge one), the last wins.
type frameSplitter struct {
	out     *capture
	marker  []byte
	limit   int
	pending []byte // a prefix of marker held back from out
	inFrame bool
	frame   []byte
	frames  [][]byte
	over    bool          // current frame exceeded limit
	done    chan struct{} // closed when the first complete frame has arrived
}

func newFrameSplitter(out *capture, marker string, limit int) *frameSplitter {
	return &frameSplitter{out: out, marker: []byte(marker), limit: limit, done: make(chan struct{})}
}

func (f *frameSplitter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if f.inFrame {
			i := bytes.IndexByte(p, '\n')
			chunk := p
			if i >= 0 {
				chunk = p[:i]
			}
			if len(f.frame)+len(chunk) > f.limit {
				f.over = true
			} else {
				f.frame = append(f.frame, chunk...)
			}
			if i < 0 {
				return n, nil
			}
			if !f.over {
				f.frames = append(f.frames, f.frame)
				if len(f.frames) == 1 {
					close(f.done)
				}
			}
			f.inFrame, f.frame, f.over = false, nil, false
			p = p[i+1:]
			continue
		}
		data := p
		if len(f.pending) > 0 {
			data = append(f.pending, p...)
			f.pending = nil
		}
		p = nil
		if i := bytes.Index(data, f.marker); i >= 0 {
			if _, err := f.out.Write(data[:i]); err != nil {
				return n, err
			}
			f.inFrame = true
			p = data[i+len(f.marker):]
			continue
		}
		keep := partialSuffix(data, f.marker)
		if _, err := f.out.Write(data[:len(data)-keep]); err != nil {
			return n, err
		}
		f.pending = append([]byte(nil), data[len(data)-keep:]...)
	}
	return n, nil
}

// flush writes a held-back partial marker to the output once the stream has ended.
func (f *frameSplitter) flush() {
	if len(f.pending) > 0 {
		f.out.Write(f.pending)
		f.pending = nil
	}
}

// last returns the last complete frame, if any parses.
func (f *frameSplitter) last() (frame, bool) {
	for i := len(f.frames) - 1; i >= 0; i-- {
		var fr frame
		if json.Unmarshal(f.frames[i], &fr) == nil {
			return fr, true
		}
	}
	return frame{}, false
}

// partialSuffix returns the length of the longest suffix of data that is a proper prefix of marker.
func partialSuffix(data, marker []byte) int {
	max := len(marker) - 1
	if max > len(data) {
		max = len(data)
	}
	for k := max; k > 0; k-- {
		if bytes.HasSuffix(data, marker[:k]) {
			return k
		}
	}
	return 0
}
