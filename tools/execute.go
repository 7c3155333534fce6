// Package tools is pycage's MCP face: the server, the run_python tool (schema, handler, result
// rendering) and the pipeline behind it, which `pycage run` shares. It trusts its
// configuration and nothing in a call: arguments are checked, code is linted by the policy and
// run by the sandbox, and everything that leaves goes through the redactor.
package tools

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/pycage/pycage/redact"
	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/policy"
)

// Runner runs one snippet in a container. *sandbox.Sandbox satisfies it.
type Runner interface {
	Run(ctx context.Context, req sandbox.Request) (sandbox.Result, error)
}

var _ Runner = (*sandbox.Sandbox)(nil)

// StatusRejected is the status of a call refused before any container started: bad arguments
// or a policy violation.
const StatusRejected = "rejected"

// Pipeline is the path of one call: arguments, policy, sandbox, redaction, rendering. The MCP
// tool and `pycage run` both go through it.
type Pipeline struct {
	Runner         Runner
	Policy         *policy.Policy
	Redactor       *redact.Redactor
	DefaultTimeout time.Duration
	MaxTimeout     time.Duration
	MaxCode        int // bytes
	OutputLimit    int // bytes kept per stream
	Log            *slog.Logger
	Limits         sandbox.Config // the sandbox's limits: the capture margin, and the tool's description
	Audit          *AuditLog      // nil: no audit log
	ImageFlavor    string         // the image's pycage flavor label, for the instructions; "" unknown

	cancels earlyCancels // cancellations that may have come before their request started
}

// newID returns a fresh execution id.
func newID() string { return rand.Text() }

// Args are a call's validated arguments.
type Args struct {
	Code      string
	InputData json.RawMessage // a JSON object or nil
	Timeout   time.Duration   // 0 for the default
	Progress  ProgressFunc    // nil: no progress reports
}

// Outcome is a call's result as the model sees it (the tool's structuredContent). Every string
// in it has been redacted.
type Outcome struct {
	ExecutionID string `json:"execution_id" jsonschema:"unique id of this call, also in the server's log and audit log"`
	Status      string `json:"status" jsonschema:"how the call ended: ok | error | timeout | oom | output_limit | rejected"`
	ExitCode    int    `json:"exit_code" jsonschema:"the Python process exit code; -1 when it never ran or never reported one"`
	Stdout      string `json:"stdout" jsonschema:"standard output, redacted, then cut to the output limit keeping head and tail around a marker"`
	Stderr      string `json:"stderr" jsonschema:"standard error (tracebacks, pycage's notes), redacted and cut like stdout"`
	Result      any    `json:"result,omitempty" jsonschema:"the value of the global variable result, if the code set it to something JSON-serializable; redacted"`
	Truncated   bool   `json:"truncated" jsonschema:"true when stdout or stderr was cut to the output limit"`
	DurationMS  int64  `json:"duration_ms" jsonschema:"wall-clock run time of the code in milliseconds"`
	Redactions  int    `json:"redactions" jsonschema:"how many spans that looked like secrets were replaced by [REDACTED:...]"`
	Images      int    `json:"images" jsonschema:"how many matplotlib figures came back as PNG image content (not repeated here)"`

	PNGs [][]byte `json:"-"` // the figures, sent as image content
}

// IsError reports whether the outcome is anything but ok.
func (o *Outcome) IsError() bool { return o.Status != string(sandbox.StatusOK) }

// Execute runs one call through the whole pipeline. It never returns an Outcome with secret
// text in the clear. The error is non-nil only when ctx was cancelled (the client went away).
func (p *Pipeline) Execute(ctx context.Context, args Args) (*Outcome, error) {
	id := newID()
	log := p.Log.With("exec", id)
	start := time.Now()
	timeout := args.Timeout
	if timeout == 0 {
		timeout = p.DefaultTimeout
	}
	rec := AuditRecord{Time: start.UTC(), ExecutionID: id, CodeSHA256: codeHash(args.Code), Policy: p.Policy.Name(), Verdict: "allowed"}
	defer func() { p.audit(log, &rec, args.Code, timeout) }()

	if err := p.checkArgs(&args); err != nil {
		log.Info("call rejected", "reason", "arguments")
		return p.finish(&rec, p.rejected(id, err.Error()), sandbox.Result{}), nil
	}
	if err := p.Policy.Check(args.Code); err != nil {
		var v *policy.Violation
		if errors.As(err, &v) {
			log.Info("call rejected", "reason", "policy", "rule", v.Rule, "line", v.Line, "col", v.Col)
		}
		return p.finish(&rec, p.rejected(id, err.Error()), sandbox.Result{}), nil
	}
	req := sandbox.Request{Code: args.Code, InputData: args.InputData, Timeout: timeout}
	if args.Progress != nil {
		req.Progress, req.ProgressWindow = p.progress(args.Progress)
	}
	res, err := p.Runner.Run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			log.Info("call cancelled", "after", time.Since(start).Round(time.Millisecond))
			rec.Status, rec.ExitCode, rec.DurationMS = "cancelled", -1, time.Since(start).Milliseconds()
			return nil, fmt.Errorf("pycage: the call was cancelled after %s, by the client or by the server shutting down (stdin closed, or a signal); its container is removed: %w",
				time.Since(start).Round(time.Millisecond), ctx.Err())
		}
		lead := "pycage: "
		if hint := (*sandbox.HintError)(nil); errors.As(err, &hint) {
			lead = "pycage: could not run the code: a fault of the host's sandbox, not of the code (tell the user if it persists): "
		}
		msg, n := p.Redactor.Redact(lead + err.Error())
		log.Error("call failed", "err", msg)
		return p.finish(&rec, &Outcome{ExecutionID: id, Status: string(sandbox.StatusError), ExitCode: -1, Stderr: msg, Redactions: n}, res), nil
	}
	out := p.render(id, res, timeout)
	log.Info("call done", "status", out.Status, "exit_code", out.ExitCode, "duration_ms", out.DurationMS,
		"stdout_bytes", res.Stdout.Total, "stderr_bytes", res.Stderr.Total, "truncated", out.Truncated, "redactions", out.Redactions, "warm", res.Warm)
	return p.finish(&rec, out, res), nil
}

// finish fills the audit record from the outcome and returns the outcome.
func (p *Pipeline) finish(rec *AuditRecord, out *Outcome, res sandbox.Result) *Outcome {
	if out.Status == StatusRejected {
		rec.Verdict = out.Stderr
	}
	rec.Status, rec.ExitCode, rec.DurationMS = out.Status, out.ExitCode, out.DurationMS
	rec.StdoutBytes, rec.StderrBytes = res.Stdout.Total, res.Stderr.Total
	rec.Truncated, rec.Redactions = out.Truncated, out.Redactions
	return out
}

// audit writes the call's record, with the code redacted, if there is an audit log.
func (p *Pipeline) audit(log *slog.Logger, rec *AuditRecord, code string, timeout time.Duration) {
	if p.Audit == nil {
		return
	}
	rec.Code, _ = p.Redactor.Redact(code)
	l := p.Limits
	rec.Image = l.Image
	rec.Limits = AuditLimits{TimeoutMS: timeout.Milliseconds(), MemoryBytes: l.Memory, CPUs: float64(l.NanoCPUs) / 1e9,
		Pids: l.Pids, TmpfsBytes: l.TmpfsSize, OutputBytes: p.OutputLimit, Runtime: l.Runtime}
	if err := p.Audit.Write(*rec); err != nil {
		log.Error("write audit log", "err", err)
	}
}

// Reject returns the outcome of a call whose arguments could not even be parsed, with msg
// (redacted) as its stderr, and audits it: every call has its audit record.
func (p *Pipeline) Reject(msg string) *Outcome {
	id := newID()
	rec := AuditRecord{Time: time.Now().UTC(), ExecutionID: id, CodeSHA256: codeHash(""), Policy: p.Policy.Name()}
	out := p.finish(&rec, p.rejected(id, msg), sandbox.Result{})
	p.audit(p.Log.With("exec", id), &rec, "", p.DefaultTimeout)
	return out
}

func (p *Pipeline) rejected(id, msg string) *Outcome {
	msg, n := p.Redactor.Redact("pycage: " + msg)
	return &Outcome{ExecutionID: id, Status: StatusRejected, ExitCode: -1, Stderr: msg, Redactions: n}
}

// render redacts, cuts and adds notes to a sandbox result.
func (p *Pipeline) render(id string, res sandbox.Result, timeout time.Duration) *Outcome {
	out := &Outcome{ExecutionID: id, Status: string(res.Status), ExitCode: res.ExitCode, DurationMS: res.Duration.Milliseconds()}
	var n1, n2 int
	var t1, t2 bool
	out.Stdout, t1, n1 = clip(res.Stdout, p.OutputLimit, p.Limits.OutputMargin, p.Redactor)
	out.Stderr, t2, n2 = clip(res.Stderr, p.OutputLimit, p.Limits.OutputMargin, p.Redactor)
	out.Truncated = t1 || t2
	out.Redactions = n1 + n2
	out.PNGs, out.Images = res.Images, len(res.Images)
	if res.ImagesDropped > 0 {
		out.Stderr = appendNote(out.Stderr, fmt.Sprintf("pycage: %d figure(s) not returned: not a valid PNG within the size pycage decodes (about 5 megapixels), or past the limits on figures", res.ImagesDropped))
	}
	if jsonDepth(res.Result) > maxResultDepth {
		out.Stderr = appendNote(out.Stderr, fmt.Sprintf("pycage: the result was not returned: it is nested deeper than %d levels, which MCP clients' JSON parsers may refuse; flatten it", maxResultDepth))
	} else if len(res.Result) > 0 {
		var n int
		out.Result, n = p.redactResult(res.Result)
		out.Redactions += n
		if out.Result == resultWithheld {
			out.Stderr = appendNote(out.Stderr, "pycage: the result was withheld: its values, taken together, spell out a secret")
		}
	}
	if note := statusNote(res.Status, timeout); note != "" {
		out.Stderr = appendNote(out.Stderr, note)
	}
	return out
}

// resultWithheld replaces a result that spells out a secret no single value holds (a list of
// its characters, halves in two keys).
const resultWithheld = "[REDACTED:split-secret]"

// redactResult decodes the result and redacts every string in it. A secret can also be split
// across values, so the JSON text of the whole and joins of its strings are checked too (see
// splitTexts); if any holds a secret, the result is withheld.
func (p *Pipeline) redactResult(raw json.RawMessage) (any, int) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, 0
	}
	v, n := p.Redactor.RedactValue(v)
	text, err := json.Marshal(v)
	if err != nil {
		return nil, n
	}
	written := rawLeaves(raw)
	for i := range written {
		if !written[i].num { // each piece as the model gets it: whole secrets are markers already
			written[i].text, _ = p.Redactor.Redact(written[i].text)
		}
	}
	for _, whole := range append(splitTexts(written, v), string(text)) {
		// Host secrets only: a key-format rule matches across what were separate strings
		// (["ASIA", "EUROPE", "AFRICA", "MENA"] joined reads as an AWS key id).
		if p.Redactor.HoldsHostSecret(whole) {
			return resultWithheld, n + 1
		}
	}
	return v, n
}

// leaf is one string or number of a JSON value; key marks an object key.
type leaf struct {
	text     string
	key, num bool
}

// splitTexts returns the joins of a result's strings that a secret cut into pieces would show
// in: its (redacted) leaves in the order the code wrote them and in the order the model reads
// them (v, keys sorted), each forwards and backwards, through each of leafFilters (a 0 between
// two halves, or a key, would otherwise hide them). Pieces in an order of their own are not
// found.
func splitTexts(written []leaf, v any) []string {
	var sorted []leaf
	sortedLeaves(v, &sorted)
	var texts []string
	for _, order := range [][]leaf{written, sorted} {
		for _, backwards := range []bool{false, true} {
			for _, keep := range leafFilters {
				var b strings.Builder
				for i := range order {
					l := order[i]
					if backwards {
						l = order[len(order)-1-i]
					}
					if keep(l) {
						b.WriteString(l.text)
					}
				}
				texts = append(texts, b.String())
			}
		}
	}
	return texts
}

// leafFilters choose the leaves of one join: all of them; all but numbers; the values, with and
// without numbers; the keys alone.
var leafFilters = []func(leaf) bool{
	func(leaf) bool { return true },
	func(l leaf) bool { return !l.num },
	func(l leaf) bool { return !l.key },
	func(l leaf) bool { return !l.key && !l.num },
	func(l leaf) bool { return l.key },
}

// rawLeaves lists the strings and numbers of a JSON text in their written order.
func rawLeaves(raw []byte) []leaf {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []leaf
	type level struct{ object, wantKey bool }
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		atKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = !atKey
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, level{object: true, wantKey: true})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].wantKey = true // the value just ended: a key comes next
				}
			}
		case string:
			out = append(out, leaf{text: t, key: atKey})
		case json.Number:
			out = append(out, leaf{text: t.String(), num: true})
		}
	}
}

// maxResultDepth bounds the nesting of a returned result: clients' JSON parsers have recursion
// limits of their own (pydantic's, behind the Python MCP SDK, refuses a few hundred levels).
const maxResultDepth = 64

// jsonDepth returns the deepest nesting of arrays and objects in a JSON text.
func jsonDepth(raw []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// sortedLeaves appends the strings and numbers of a decoded JSON value in the order
// json.Marshal writes them (object keys sorted).
func sortedLeaves(v any, out *[]leaf) {
	switch x := v.(type) {
	case string:
		*out = append(*out, leaf{text: x})
	case json.Number:
		*out = append(*out, leaf{text: x.String(), num: true})
	case []any:
		for _, e := range x {
			sortedLeaves(e, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			*out = append(*out, leaf{text: k, key: true})
			sortedLeaves(x[k], out)
		}
	}
}

// statusNote explains a status the model could not tell from the output alone.
func statusNote(status sandbox.Status, timeout time.Duration) string {
	switch status {
	case sandbox.StatusTimeout:
		return fmt.Sprintf("pycage: the code ran past its time limit of %s and was killed", timeout)
	case sandbox.StatusOOM:
		return "pycage: the code ran out of memory and was killed by the kernel (memory limit reached)"
	case sandbox.StatusOutputLimit:
		return "pycage: the code wrote more output than the hard output limit and was stopped"
	}
	return ""
}

func appendNote(s, note string) string {
	if s != "" && s[len(s)-1] != '\n' {
		s += "\n"
	}
	return s + note + "\n"
}
