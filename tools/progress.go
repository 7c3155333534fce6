package tools

import (
	"fmt"
	"strings"
	"time"

	"github.com/pycage/pycage/sandbox"
)

// Progress reports carry at most this much of the latest output.
const (
	progressLines = 3
	progressBytes = 400
)

// ProgressFunc receives a running call's progress: the seconds elapsed and a redacted message.
type ProgressFunc func(elapsed time.Duration, message string)

// progress adapts a ProgressFunc to the sandbox's raw progress reports, redacting what it shows.
//
// Output is redacted with context: a secret written slowly (one character per line, split
// across flushes) must not leak piece by piece over several reports. When secrets are
// injected into the sandbox, only output older than the redactor's reach (MaxEncodedLen) is
// shown, redacted together with that much context on each side, so every form the redactor
// catches is seen whole before any of it is shown. Without injected secrets the sandbox holds
// none, and the latest lines are shown redacted.
func (p *Pipeline) progress(send ProgressFunc) (func(sandbox.Progress), int) {
	hold := 0
	if len(p.Limits.Env) > 0 {
		hold = p.Redactor.MaxEncodedLen()
	}
	window := 2*hold + 4*progressBytes
	return func(pr sandbox.Progress) {
		msg := fmt.Sprintf("running for %d s; stdout %d bytes, stderr %d bytes", int(pr.Elapsed.Seconds()), pr.StdoutTotal, pr.StderrTotal)
		for _, st := range []struct {
			name  string
			b     []byte
			total int64
		}{{"stdout", pr.Stdout, pr.StdoutTotal}, {"stderr", pr.Stderr, pr.StderrTotal}} {
			if lines := p.latestLines(st.b, st.total > int64(len(st.b)), hold); lines != "" {
				msg += "\n" + st.name + ": " + lines
			}
		}
		send(pr.Elapsed, msg)
	}, window
}

// latestLines returns the last complete lines of raw output that are safe to show: redacted,
// with hold bytes of context kept back at the end, and at the start when cut is set (the
// window does not begin at the start of the stream).
func (p *Pipeline) latestLines(raw []byte, cut bool, hold int) string {
	s := validUTF8(raw)
	if hold > 0 {
		if len(s) <= hold {
			return ""
		}
		s, _ = headOf(s, hold, p.Redactor)
		if cut {
			s, _ = tailOf(s, min(hold, len(s)), p.Redactor)
		}
	} else {
		s, _ = p.Redactor.Redact(s)
	}
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > progressLines {
		lines = lines[len(lines)-progressLines:]
	}
	out := strings.Join(lines, " | ")
	if len(out) > progressBytes {
		out = out[len(out)-progressBytes:]
		out = "…" + strings.ToValidUTF8(out, "")
	}
	return out
}
