package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pycage/pycage/sandbox"
)

// testRuntime names the runtime the servers under test use, as "# want[NAME]" lines name it:
// "runsc" for gVisor (PYCAGE_RUNTIME=runsc, runsc-kvm, ...), else "runc".
func testRuntime() string {
	if sandbox.IsGVisor(os.Getenv("PYCAGE_RUNTIME")) {
		return "runsc"
	}
	return "runc"
}

// attack is one program of testdata/attacks: hostile (or benign twin) Python and the outcome
// its header comment asserts with lines such as
//
//	# want status=timeout
//	# want stdout=started\n
//	# want max_seconds=5
//	# want stdout_suffix=done\n
//	# want stderr_contains=time limit
//	# timeout 2
//	# want[runsc] status=oom
//
// A "# want[RUNTIME]" line replaces the plain one of the same key under that runtime (see
// testRuntime), for the outcomes that differ, each with its reason in the file.
type attack struct {
	name, code string
	timeout    float64           // timeout_seconds for the call; 0 for the default
	want       map[string]string // status, stdout, truncated, result, max_seconds
}

// wantLine is "# want KEY=VALUE" or "# want[RUNTIME] KEY=VALUE"; VALUE takes Go escapes.
var wantLine = regexp.MustCompile(`^# want(?:\[(\w+)\])? (\w+)=(.*)$`)

func loadAttacks(t *testing.T) []attack {
	t.Helper()
	files, err := filepath.Glob("testdata/attacks/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no attack programs: %v", err)
	}
	runtime := testRuntime()
	var out []attack
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := attack{name: strings.TrimSuffix(filepath.Base(f), ".py"), code: string(b), want: map[string]string{}}
		override := map[string]string{}
		for _, line := range strings.Split(a.code, "\n") {
			if m := wantLine.FindStringSubmatch(line); m != nil {
				v, err := strconv.Unquote(`"` + strings.ReplaceAll(m[3], `"`, `\"`) + `"`)
				if err != nil {
					t.Fatalf("%s: %q: %v", f, line, err)
				}
				switch m[1] {
				case "":
					a.want[m[2]] = v
				case runtime:
					override[m[2]] = v
				}
			} else if strings.HasPrefix(line, "# want") {
				t.Fatalf("%s: bad want line %q", f, line)
			}
			if v, ok := strings.CutPrefix(line, "# timeout "); ok {
				if a.timeout, err = strconv.ParseFloat(v, 64); err != nil {
					t.Fatalf("%s: %q: %v", f, line, err)
				}
			}
		}
		for k, v := range override {
			a.want[k] = v
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
				if w, ok := a.want["stdout_suffix"]; ok && !strings.HasSuffix(out.Stdout, w) {
					t.Errorf("stdout ends %q, want %q", out.Stdout[max(0, len(out.Stdout)-80):], w)
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
