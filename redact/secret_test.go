package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "****"},
		{"short", "abc", "****"},
		{"eleven", "abcdefghijk", "****"},
		{"twelve", "abcdefghijkl", "abcd****ijkl"},
		{"long", "sk-abcdefghijklmnopqrstuvwxyz0123", "sk-a****0123"},
		{"runes", "ääääbbbbccccdddd", "ääää****dddd"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Mask(c.in); got != c.want {
				t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestSecretNeverPrinted: slog handlers, every fmt verb and encoding/json show it masked.
func TestSecretNeverPrinted(t *testing.T) {
	value := fakeSecret(t, 32)
	s := Secret{Name: "API_TOKEN", Value: value}
	masked := Mask(value)
	check := func(t *testing.T, out string) {
		t.Helper()
		if strings.Contains(out, value) || strings.Contains(out, value[4:len(value)-4]) {
			t.Errorf("value leaked: %s", out)
		}
		if !strings.Contains(out, masked) {
			t.Errorf("masked value missing: %s", out)
		}
	}
	t.Run("slog-text", func(t *testing.T) {
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("loaded", "secret", s)
		check(t, buf.String())
		if !strings.Contains(buf.String(), "secret.name=API_TOKEN") {
			t.Errorf("name missing: %s", buf.String())
		}
	})
	t.Run("slog-json", func(t *testing.T) {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("loaded", slog.Any("secret", s))
		check(t, buf.String())
	})
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		t.Run("fmt"+verb, func(t *testing.T) {
			out := fmt.Sprintf(verb, s)
			if verb == "%T %v" {
				out = fmt.Sprintf(verb, s, s)
			}
			if strings.Contains(out, value) {
				t.Errorf("%s leaked: %s", verb, out)
			}
		})
	}
	t.Run("fmt-in-struct", func(t *testing.T) {
		check(t, fmt.Sprintf("%+v", struct{ S Secret }{s}))
	})
	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		check(t, string(b))
	})
	t.Run("string", func(t *testing.T) {
		if got, want := s.String(), "API_TOKEN="+masked; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	})
}
