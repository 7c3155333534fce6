package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// attack is one program of testdata/attacks: hostile (or benign twin) Python and the outcome
// its header comment asserts with lines such as
//
//	# want status=timeout
//	# want stdout=started\n
//	# want max_seconds=5
//	# want stderr_contains=time limit
//	# timeout 2
type attack struct {
	name, code string
	timeout    float64           // timeout_seconds for the call; 0 for the default
	want       map[string]string // status, stdout, truncated, result, max_seconds
}

func loadAttacks(t *testing.T) []attack {
	t.Helper()
	files, err := filepath.Glob("testdata/attacks/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no attack programs: %v", err)
	}
	var out []attack
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := attack{name: strings.TrimSuffix(filepath.Base(f), ".py"), code: string(b), want: map[string]string{}}
		for _, line := range strings.Split(a.code, "\n") {
			switch {
			case strings.HasPrefix(line, "# want "):
				k, v, ok := strings.Cut(strings.TrimPrefix(line, "# want "), "=")
				if !ok {
					t.Fatalf("%s: bad want line %q", f, line)
				}
				if v, err = strconv.Unquote(`"` + strings.ReplaceAll(v, `"`, `\"`) + `"`); err != nil {
					t.Fatalf("%s: %q: %v", f, line, err)
				}
				a.want[k] = v
			case strings.HasPrefix(line, "# timeout "):
				a.timeout, err = strconv.ParseFloat(strings.TrimPrefix(line, "# timeout "), 64)
				if err != nil {
					t.Fatalf("%s: %q: %v", f, line, err)
				}
			}
		}
		if a.want["status"] == "" {
			t.Fatalf("%s asserts no status", f)
		}
		out = append(out, a)
	}
	return out
}

// TestAttacks runs every attack program through the real server and checks the outcome its
// header states, then checks that the server still answers normally.
func TestAttacks(t *testing.T) {
	s := sharedServer(t)
	attacks := loadAttacks(t)
	t.Run("each", func(t *testing.T) {
		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				t.Parallel()
				args := map[string]any{"code": a.code}
				if a.timeout > 0 {
					args["timeout_seconds"] = a.timeout
				}
				start := time.Now()
				res, out := s.call(t, args)
				took := time.Since(start)
				t.Logf("%s: status %s in %d ms (call %s)", a.name, out.Status, out.DurationMS, took.Round(time.Millisecond))
				if out.Status != a.want["status"] {
					t.Fatalf("status %q exit %d, want %q\nstdout %.300q\nstderr %.300q", out.Status, out.ExitCode, a.want["status"], out.Stdout, out.Stderr)
				}
				if w, ok := a.want["stdout"]; ok && out.Stdout != w {
					t.Errorf("stdout %.300q, want %q (stderr %.300q)", out.Stdout, w, out.Stderr)
				}
				if w, ok := a.want["stderr_contains"]; ok && !strings.Contains(out.Stderr, w) {
					t.Errorf("stderr %.300q lacks %q", out.Stderr, w)
				}
				if w, ok := a.want["truncated"]; ok && fmt.Sprint(out.Truncated) != w {
					t.Errorf("truncated %v, want %s", out.Truncated, w)
				}
				if w, ok := a.want["result"]; ok {
					if b, _ := json.Marshal(out.Result); string(b) != w {
						t.Errorf("result %s, want %s", b, w)
					}
				}
				if w, ok := a.want["max_seconds"]; ok {
					max, _ := strconv.ParseFloat(w, 64)
					if float64(out.DurationMS) > max*1000 {
						t.Errorf("ran %d ms, over %s s", out.DurationMS, w)
					}
				}
				if b, _ := json.Marshal(res); len(b) >= 1<<20 {
					t.Errorf("tool result is %d bytes", len(b))
				}
			})
		}
	})
	t.Run("the server answers normally afterwards", func(t *testing.T) {
		_, out := s.run(t, "print(sum(range(10)))")
		if out.Status != "ok" || out.Stdout != "45\n" {
			t.Errorf("status %q stdout %q stderr %q", out.Status, out.Stdout, out.Stderr)
		}
	})
}
