package redact

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// RedactValue redacts a decoded JSON value (map[string]any, []any, string, float64, bool, nil,
// json.Number) and returns a new value and the number of spans replaced. Every string is
// redacted, map keys included; a redacted key that becomes equal to another key is kept apart
// by a " (2)", " (3)" suffix. A number whose decimal text contains a secret (a numeric PIN, an
// account number) becomes the redacted text, a string. Other types are returned unchanged.
func (r *Redactor) RedactValue(v any) (any, int) {
	r = r.orDefault()
	switch x := v.(type) {
	case string:
		return r.Redact(x)
	case json.Number:
		s, n := r.Redact(string(x))
		if n == 0 {
			return x, 0
		}
		return s, n
	case float64:
		s, n := r.Redact(formatJSONFloat(x))
		if n == 0 {
			return x, 0
		}
		return s, n
	case []any:
		out := make([]any, len(x))
		total := 0
		for i, e := range x {
			var n int
			out[i], n = r.RedactValue(e)
			total += n
		}
		return out, total
	case map[string]any:
		return r.redactMap(x)
	}
	return v, 0
}

// redactMap redacts keys and values of m into a new map. Keys that redaction leaves alone keep
// their place; a redacted key that collides with another key gets a " (2)", " (3)" suffix.
func (r *Redactor) redactMap(m map[string]any) (map[string]any, int) {
	out := make(map[string]any, len(m))
	total := 0
	type renamed struct{ from, to string }
	var moved []renamed
	for k, v := range m {
		rk, n := r.Redact(k)
		if n > 0 {
			total += n
			moved = append(moved, renamed{k, rk})
			continue
		}
		var c int
		out[k], c = r.RedactValue(v)
		total += c
	}
	slices.SortFunc(moved, func(a, b renamed) int { return strings.Compare(a.from, b.from) })
	for _, mv := range moved {
		key := mv.to
		for i := 2; ; i++ {
			if _, taken := out[key]; !taken {
				break
			}
			key = mv.to + " (" + strconv.Itoa(i) + ")"
		}
		var c int
		out[key], c = r.RedactValue(m[mv.from])
		total += c
	}
	return out, total
}

// formatJSONFloat formats f as encoding/json does, which is how the value leaves pycage.
func formatJSONFloat(f float64) string {
	b, err := json.Marshal(f)
	if err != nil { // NaN and infinities
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return string(b)
}
