package tools

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// AuditRecord is one line of the audit log: one per call, secrets redacted.
type AuditRecord struct {
	Time        time.Time   `json:"time"`
	ExecutionID string      `json:"execution_id"`
	CodeSHA256  string      `json:"code_sha256"`
	Code        string      `json:"code"`    // redacted
	Policy      string      `json:"policy"`  // the policy's name
	Verdict     string      `json:"verdict"` // "allowed", or why the call was rejected (redacted)
	Image       string      `json:"image"`
	Limits      AuditLimits `json:"limits"`
	Status      string      `json:"status"`
	ExitCode    int         `json:"exit_code"`
	DurationMS  int64       `json:"duration_ms"`
	StdoutBytes int64       `json:"stdout_bytes"`
	StderrBytes int64       `json:"stderr_bytes"`
	Truncated   bool        `json:"truncated"`
	Redactions  int         `json:"redactions"`
}

// AuditLimits are the limits a call ran under.
type AuditLimits struct {
	TimeoutMS   int64   `json:"timeout_ms"`
	MemoryBytes int64   `json:"memory_bytes"`
	CPUs        float64 `json:"cpus"`
	Pids        int64   `json:"pids"`
	TmpfsBytes  int64   `json:"tmpfs_bytes"`
	OutputBytes int     `json:"output_limit_bytes"`
	Runtime     string  `json:"runtime,omitempty"`
}

// AuditLog appends records to a JSON-lines file of mode 0600, one write per record, so
// concurrent calls never interleave.
type AuditLog struct {
	mu sync.Mutex
	f  *os.File
}

// OpenAuditLog opens (creating if needed) the audit file for appending and makes it 0600.
func OpenAuditLog(path string) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s: make it private (mode 0600): %w", path, err)
	}
	return &AuditLog{f: f}, nil
}

// Write appends one record.
func (a *AuditLog) Write(r AuditRecord) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err = a.f.Write(line)
	return err
}

// Close closes the file.
func (a *AuditLog) Close() error { return a.f.Close() }

func codeHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}
