package redact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRedactValue redacts keys and values at every depth and leaves the input untouched.
func TestRedactValue(t *testing.T) {
	sec := fakeSecret(t, 20)
	pin := "90817263544" // a numeric secret
	r := New([]Secret{{"SEC", sec}, {"PIN", pin}})
	m, p := marker("SEC"), marker("PIN")
	in := map[string]any{
		"plain": "x " + sec + " y",
		sec:     "key is the secret",
		"nested": map[string]any{
			"list": []any{1.5, true, nil, "ok", []any{"deep " + strings.ToUpper(sec)}},
			"n":    json.Number(pin),
			"f":    float64(90817263544),
			"keep": json.Number("42"),
		},
		"collide-" + sec: 1.0,
		"collide-" + m:   2.0,
		"ghp":            "token gh" + "p_" + randString(t, 36, alnum),
	}
	want := map[string]any{
		"plain": "x " + m + " y",
		m:       "key is the secret",
		"nested": map[string]any{
			"list": []any{1.5, true, nil, "ok", []any{"deep " + m}},
			"n":    p,
			"f":    p,
			"keep": json.Number("42"),
		},
		"collide-" + m:          2.0,
		"collide-" + m + " (2)": 1.0,
		"ghp":                   "token " + marker("github-pat"),
	}
	before, _ := json.Marshal(in)
	got, n := r.RedactValue(in)
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		wj, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("RedactValue:\n got %s\nwant %s", gj, wj)
	}
	if n != 7 {
		t.Errorf("count = %d, want 7", n)
	}
	if after, _ := json.Marshal(in); string(after) != string(before) {
		t.Errorf("input modified")
	}
	if again, n := r.RedactValue(got); !reflect.DeepEqual(again, got) || n != 0 {
		t.Errorf("second RedactValue changed the value (%d)", n)
	}

	for _, c := range []struct {
		name string
		in   any
	}{{"string", "fine"}, {"float", 3.5}, {"bool", false}, {"nil", nil}, {"number", json.Number("7")}, {"other", struct{}{}}} {
		t.Run(c.name, func(t *testing.T) {
			if got, n := r.RedactValue(c.in); !reflect.DeepEqual(got, c.in) || n != 0 {
				t.Errorf("RedactValue(%v) = %v, %d", c.in, got, n)
			}
		})
	}
}
