package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// maxInputData bounds the JSON of input_data, which travels to the container over stdin.
const maxInputData = 8 << 20

// ParseArgs turns a tool call's arguments into Args, with a message the model can act on for
// every mistake: a missing or mistyped field, an unknown one.
func ParseArgs(raw map[string]any) (Args, error) {
	var a Args
	var unknown []string
	for k := range raw {
		switch k {
		case "code", "input_data", "timeout_seconds":
		default:
			unknown = append(unknown, fmt.Sprintf("%q", k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return a, fmt.Errorf("unknown argument %s: run_python takes code (string), input_data (object) and timeout_seconds (number)", strings.Join(unknown, ", "))
	}
	code, ok := raw["code"]
	if !ok || code == nil {
		return a, fmt.Errorf("missing argument code: pass the Python source to run as a string")
	}
	if a.Code, ok = code.(string); !ok {
		return a, fmt.Errorf("argument code must be a string of Python source, not %s", jsonType(code))
	}
	if in, ok := raw["input_data"]; ok && in != nil {
		obj, ok := in.(map[string]any)
		if !ok {
			return a, fmt.Errorf("argument input_data must be a JSON object, not %s", jsonType(in))
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return a, fmt.Errorf("argument input_data: %v", err)
		}
		a.InputData = b
	}
	if t, ok := raw["timeout_seconds"]; ok && t != nil {
		secs, ok := toFloat(t)
		if !ok {
			return a, fmt.Errorf("argument timeout_seconds must be a number, not %s", jsonType(t))
		}
		if math.IsNaN(secs) || secs <= 0 {
			return a, fmt.Errorf("argument timeout_seconds must be a positive number of seconds")
		}
		if secs < 1 {
			// Checked here, not only in checkArgs: a tiny value (1e-320) rounds to no duration,
			// which would mean "the default".
			return a, fmt.Errorf("argument timeout_seconds is %g, under the minimum of 1 second", secs)
		}
		if secs > 1e6 { // past what a Duration holds; the maximum is checked in checkArgs
			return a, fmt.Errorf("argument timeout_seconds is %g, over the maximum of this server (PYCAGE_MAX_TIMEOUT)", secs)
		}
		a.Timeout = time.Duration(secs * float64(time.Second))
	}
	return a, nil
}

// checkArgs applies the configured bounds to validated arguments.
func (p *Pipeline) checkArgs(a *Args) error {
	switch {
	case strings.TrimSpace(a.Code) == "":
		return fmt.Errorf("argument code is empty: pass the Python source to run")
	case len(a.Code) > p.MaxCode:
		return fmt.Errorf("argument code is %d bytes, over the limit of %d bytes: send smaller code, or pass data in input_data", len(a.Code), p.MaxCode)
	case strings.IndexByte(a.Code, 0) >= 0:
		return fmt.Errorf("argument code contains a NUL byte at offset %d: Python source cannot contain NUL bytes", strings.IndexByte(a.Code, 0))
	case a.Timeout != 0 && (a.Timeout < time.Second || a.Timeout > p.MaxTimeout):
		return fmt.Errorf("argument timeout_seconds is %g, outside 1 to %g", a.Timeout.Seconds(), p.MaxTimeout.Seconds())
	}
	if len(a.InputData) > maxInputData {
		return fmt.Errorf("argument input_data is %d bytes of JSON, over the limit of %d bytes", len(a.InputData), maxInputData)
	}
	return nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
