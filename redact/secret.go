package redact

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// MinSecretLen is the shortest secret value, in bytes, that New registers. Shorter values
// would match ordinary text too often; they are not redacted and the caller should warn.
const MinSecretLen = 8

// maskMinLen is the shortest value whose ends Mask shows.
const maskMinLen = 12

// Secret is one host secret: Name is the variable or file name ("OPENAI_API_KEY"), Value the
// raw value. Every way of printing a Secret (fmt verbs, log/slog, encoding/json) shows the value
// masked, never in the clear.
type Secret struct {
	Name  string
	Value string
}

// String returns the name and the masked value, so that %v and %s never leak the value.
func (s Secret) String() string {
	if s.Name == "" {
		return Mask(s.Value)
	}
	return s.Name + "=" + Mask(s.Value)
}

// Format implements fmt.Formatter: every verb, %#v and %d included, prints String.
func (s Secret) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, s.String())
}

// LogValue implements slog.LogValuer: a group of the name and the masked value.
func (s Secret) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", s.Name), slog.String("value", Mask(s.Value)))
}

// MarshalJSON encodes the name and the masked value, never the value.
func (s Secret) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}{s.Name, Mask(s.Value)})
}

// Mask returns v for display: its first 4 and last 4 characters around "****" when v is at
// least 12 characters long, otherwise "****" alone. Characters are runes, so the result is
// valid UTF-8 when v is.
func Mask(v string) string {
	r := []rune(v)
	if len(r) < maskMinLen {
		return "****"
	}
	return string(r[:4]) + "****" + string(r[len(r)-4:])
}
