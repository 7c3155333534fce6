package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the real binary with args, stdin and extra environment.
func runCLI(t *testing.T, stdin string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	requireDocker(t)
	cmd := exec.Command(pycageBinary(t), args...)
	cmd.Env = append(append(os.Environ(), "PYCAGE_ENV_FILE=", "PYCAGE_SECRETS_DIR="), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestCLIRun(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "snippet.py")
	os.WriteFile(file, []byte("print('from a file')\nresult = {'n': INPUT_DATA['n'] + 1}\n"), 0o600)
	secret := "cli-" + strings.Repeat("q", 20)
	badPolicy := filepath.Join(t.TempDir(), "bad.policy")
	os.WriteFile(badPolicy, []byte("base default\ndney call x\n"), 0o600)
	tests := []struct {
		name     string
		stdin    string
		env      []string
		args     []string
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{"-c", "", nil, []string{"run", "-c", "print(6*7)"}, "42\n", "", 0},
		{"file with --input and result", "", nil, []string{"run", "--input", `{"n": 1}`, file}, "from a file\nresult = {\"n\":2}\n", "", 0},
		{"flags after FILE", "", nil, []string{"run", file, "--input", `{"n": 41}`, "--timeout", "10s"}, "from a file\nresult = {\"n\":42}\n", "", 0},
		{"stdin", "print('piped')", nil, []string{"run", "-"}, "piped\n", "", 0},
		{"snippet exit code", "", nil, []string{"run", "-c", "raise SystemExit(7)"}, "", "", 7},
		{"exception", "", nil, []string{"run", "-c", "1/0"}, "", "ZeroDivisionError", 1},
		{"rejected", "", nil, []string{"run", "-c", "eval('1')"}, "", `rule "eval"`, exitRejected},
		{"timeout", "", nil, []string{"run", "--timeout", "1s", "-c", "while True: pass"}, "", "time limit", exitTimeout},
		{"oom", "", []string{"PYCAGE_MEMORY=64m"}, []string{"run", "-c", "x = bytearray(1 << 30)"}, "", "out of memory", exitOOM},
		{"output limit", "", []string{"PYCAGE_OUTPUT_HARD_LIMIT=1MiB"}, []string{"run", "-c", "while True: print('x' * 1000)"}, "", "hard output limit", exitOutputLimit},
		{"infrastructure: missing image", "", []string{"PYCAGE_IMAGE=pycage/does-not-exist:0"}, []string{"run", "-c", "print(1)"}, "", "pycage image build", exitInfra},
		{"infrastructure: engine down", "", []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, []string{"run", "-c", "print(1)"}, "", "start the Docker engine", exitInfra},
		{"infrastructure: runtime not registered", "", []string{"PYCAGE_RUNTIME=pycage-no-such-runtime"}, []string{"run", "-c", "print(1)"}, "", `no runtime "pycage-no-such-runtime": register it`, exitInfra},
		{"usage: two files", "", nil, []string{"run", file, file}, "", "one FILE at most", exitUsage},
		{"usage: nothing to run", "", nil, []string{"run"}, "", "nothing to run", exitUsage},
		{"usage: bad setting", "", []string{"PYCAGE_MEMORY=lots"}, []string{"run", "-c", "print(1)"}, "", "PYCAGE_MEMORY", exitUsage},
		{"usage: bad --input", "", nil, []string{"run", "--input", "{", "-c", "print(1)"}, "", "--input", exitUsage},
		{"usage: unknown command", "", nil, []string{"frobnicate"}, "", "unknown command", exitUsage},
		{"secret redacted in run output", "", []string{"CLI_TEST_TOKEN=" + secret, "PYCAGE_SECRETS=CLI_TEST_TOKEN"},
			[]string{"run", "-c", "import os, sys; t = os.environ['CLI_TEST_TOKEN']; print(t); print(t[::-1], file=sys.stderr)"},
			"[REDACTED:CLI_TEST_TOKEN]\n", "[REDACTED:CLI_TEST_TOKEN]", 0},
		{"missing injected secret stops start-up", "", []string{"PYCAGE_SECRETS=NOT_SET_ANYWHERE"}, []string{"run", "-c", "print(1)"}, "", "NOT_SET_ANYWHERE", exitUsage},
		{"version", "", nil, []string{"version"}, "pycage ", "", 0},
		{"policy file allows its imports", "", []string{"PYCAGE_POLICY=../../examples/policy.example"},
			[]string{"run", "-c", "import math, statistics\nprint(statistics.mean([1, 2, 3]))"}, "2\n", "", 0},
		{"policy file rejects an import off its list", "", []string{"PYCAGE_POLICY=../../examples/policy.example"},
			[]string{"run", "-c", "import math\nimport socket"}, "", `rule "import"`, exitRejected},
		{"policy file lowers the code limit", "", []string{"PYCAGE_POLICY=../../examples/policy.example"},
			[]string{"run", "-c", "x = 1\n" + strings.Repeat("#", 70<<10)}, "", "over the limit of 65536 bytes", exitRejected},
		{"policy file mistakes stop start-up with line numbers", "", []string{"PYCAGE_POLICY=" + badPolicy},
			[]string{"run", "-c", "print(1)"}, "", "bad.policy:2: unknown directive", exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, tc.stdin, tc.env, tc.args...)
			if code != tc.wantCode || !strings.HasPrefix(out, tc.wantOut) || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("exit %d stdout %q stderr %q; want exit %d stdout %q stderr containing %q", code, out, errOut, tc.wantCode, tc.wantOut, tc.wantErr)
			}
			if strings.Contains(out+errOut, secret) {
				t.Errorf("secret in the clear: %q %q", out, errOut)
			}
		})
	}
	t.Run("--json", func(t *testing.T) {
		t.Parallel()
		out, _, code := runCLI(t, "", nil, "run", "--json", "-c", "print('j'); result = [1]")
		var o struct {
			Status string `json:"status"`
			Stdout string `json:"stdout"`
			Result []int  `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &o); err != nil || code != 0 || o.Status != "ok" || o.Stdout != "j\n" || len(o.Result) != 1 {
			t.Errorf("exit %d, %+v, %v: %s", code, o, err, out)
		}
	})
}

// TestHelpExitsZero: -h of every command prints its usage and exits 0, as asking for help
// is not a mistake.
func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"serve", "-h"}, {"run", "-h"}, {"doctor", "-h"}, {"mcp-config", "-h"}, {"image", "build", "-h"}} {
		_, errOut, code := runCLI(t, "", nil, args...)
		if code != 0 || !strings.Contains(errOut, "-") {
			t.Errorf("pycage %s: exit %d, usage %q", strings.Join(args, " "), code, errOut)
		}
	}
}
