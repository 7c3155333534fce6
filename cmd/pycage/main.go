// Command pycage is an MCP server that runs Python from LLM agents in locked-down, one-shot
// Docker containers, and redacts the host's secrets from everything it returns.
//
//	pycage serve                      the MCP server on stdin/stdout
//	pycage run [-c CODE | FILE | -]   one snippet through the same pipeline
//	pycage doctor                     check the engine, the image and the limits
//	pycage image build [--flavor F]   build the default image offline from Debian packages
//	pycage mcp-config                 print a ready MCP client configuration
//	pycage version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes of pycage itself; `pycage run` otherwise exits with the snippet's own code.
const (
	exitUsage       = 64  // bad flags, arguments or configuration
	exitOutputLimit = 122 // run: the hard output limit stopped the snippet
	exitTimeout     = 124 // run: the snippet hit its time limit
	exitInfra       = 125 // Docker engine, image or other infrastructure failure
	exitRejected    = 126 // run: the policy or the argument checks refused the snippet
	exitOOM         = 137 // run: the snippet ran out of memory
)

// exitError carries a process exit code out of run.
type exitError struct {
	code int
	err  error // nil when there is nothing more to say
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	// A client that closes our stderr must not kill the server with SIGPIPE before it has
	// removed its containers: writes to a closed stderr just fail.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}

// report prints err (if it has something to say) and returns the exit code for it.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	fmt.Fprintln(stderr, "pycage:", err)
	return code
}

const usage = `usage: pycage <command> [flags]

commands:
  serve                        run the MCP server on stdin/stdout (what mcp.json starts)
  run [-c CODE | FILE | -]     run one snippet through the same pipeline and print its output
      [--input JSON] [--timeout DUR] [--json]
  doctor                       check the Docker engine, the image, the limits and the secrets
  image build [--flavor NAME]  build the Python image offline from Debian packages
      [--force] [--tag REF]
  mcp-config [flags]           print a ready MCP client configuration for this binary
  version                      print the version

Every setting is a flag of serve, run and doctor and a PYCAGE_ variable; see "pycage serve -h".
Exit codes of run: the snippet's own, or 122 output limit, 124 timeout, 125 infrastructure,
126 rejected, 137 out of memory; 64 for bad usage.
`

// run is the whole program, testable: it parses args and dispatches to a command.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: exitUsage}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdin, stdout, stderr)
	case "run":
		return cmdRun(ctx, args[1:], stdin, stdout, stderr)
	case "doctor":
		return cmdDoctor(ctx, args[1:], stdout, stderr)
	case "image":
		return cmdImage(ctx, args[1:], stdout, stderr)
	case "mcp-config":
		return cmdMCPConfig(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "pycage", version)
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", args[0])
}
