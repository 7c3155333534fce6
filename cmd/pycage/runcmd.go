package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/tools"
)

func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pycage run", flag.ContinueOnError)
	code := fs.String("c", "", "Python code to run (instead of FILE)")
	input := fs.String("input", "", "JSON object available to the code as INPUT_DATA")
	asJSON := fs.Bool("json", false, "print the structured result as JSON instead of the output")
	cfg, rest, err := parseConfig(fs, args, stderr)
	if err != nil {
		return err
	}
	cfg.Pool = 0 // one call: a pool would only start containers nobody uses
	src, err := readSource(*code, rest, stdin)
	if err != nil {
		return err
	}
	raw := map[string]any{"code": src}
	if *input != "" {
		var v any
		if err := json.Unmarshal([]byte(*input), &v); err != nil {
			return usageError("--input is not valid JSON: %v", err)
		}
		raw["input_data"] = v
	}
	// --timeout is the PYCAGE_TIMEOUT setting: for run it is this snippet's limit.
	// The outcome is printed; logs would only repeat it. PYCAGE_LOG_LEVEL turns them on.
	a, err := newApp(cfg, stderr, slog.LevelError+4)
	if err != nil {
		return err
	}
	defer a.close()

	var out *tools.Outcome
	if callArgs, perr := tools.ParseArgs(raw); perr != nil {
		out = a.pipeline.Reject(perr.Error())
	} else if out, err = a.pipeline.Execute(ctx, callArgs); err != nil {
		return &exitError{code: 130, err: errors.New("interrupted")}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		io.WriteString(stdout, forTerminal(stdout, out.Stdout))
		io.WriteString(stderr, forTerminal(stderr, out.Stderr))
		if out.Stderr != "" && !strings.HasSuffix(out.Stderr, "\n") && out.Status != string(sandbox.StatusOK) {
			io.WriteString(stderr, "\n") // pycage's own messages end their line
		}
		if out.Result != nil {
			b, _ := json.Marshal(out.Result)
			fmt.Fprintf(stdout, "result = %s\n", b)
		}
	}
	return &exitError{code: runExitCode(out)}
}

// runExitCode maps an outcome to pycage run's exit code.
func runExitCode(o *tools.Outcome) int {
	switch o.Status {
	case string(sandbox.StatusOK), string(sandbox.StatusError):
		if o.ExitCode < 0 {
			return exitInfra
		}
		return o.ExitCode
	case string(sandbox.StatusTimeout):
		return exitTimeout
	case string(sandbox.StatusOOM):
		return exitOOM
	case string(sandbox.StatusOutputLimit):
		return exitOutputLimit
	case tools.StatusRejected:
		return exitRejected
	}
	return exitInfra
}

// readSource returns the code from -c, a file, or stdin ("-").
func readSource(code string, rest []string, stdin io.Reader) (string, error) {
	switch {
	case code != "" && len(rest) > 0:
		return "", usageError("give either -c CODE or a FILE, not both")
	case code != "":
		return code, nil
	case len(rest) > 1:
		return "", usageError("one FILE at most, got %d: %s", len(rest), strings.Join(rest, " "))
	case len(rest) == 0:
		return "", usageError("nothing to run: give -c CODE, a FILE, or - for standard input")
	}
	var r io.Reader
	if rest[0] == "-" {
		r = stdin
	} else {
		f, err := os.Open(rest[0])
		if err != nil {
			return "", usageError("%v", err)
		}
		defer f.Close()
		r = f
	}
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(r, 64<<20)); err != nil {
		return "", usageError("read code: %v", err)
	}
	return b.String(), nil
}
