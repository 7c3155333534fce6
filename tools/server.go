package tools

import (
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/server"
)

// NewServer returns the MCP server with the run_python tool served by p.
func NewServer(p *Pipeline, version string) *server.MCPServer {
	hooks := &server.Hooks{}
	hooks.AddOnRequestInitialization(p.refuseCancelled)
	s := server.NewMCPServer("pycage", version,
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInstructions(p.instructions()),
		server.WithHooks(hooks),
	)
	s.AddTool(p.Tool(), p.Handle)
	return s
}

// instructions tells the model how to use the tool, from the live configuration.
func (p *Pipeline) instructions() string {
	l := p.Limits
	var b strings.Builder
	b.WriteString("pycage runs Python 3 in a throwaway sandbox through the run_python tool. ")
	b.WriteString("Each call starts from scratch: variables, files and imports do not persist between calls, so send complete programs. ")
	b.WriteString("Return data by assigning a JSON-serializable value to the global `result`; pass data in with input_data and read it as `INPUT_DATA`. ")
	fmt.Fprintf(&b, "Limits per call: %g s by default (timeout_seconds up to %g), %s of memory, %s of writable /tmp (the place to write files; the root file system is read-only), %d processes, %s of output per stream kept (head and tail), code up to %s. ",
		p.DefaultTimeout.Seconds(), p.MaxTimeout.Seconds(), mib(l.Memory), mib(l.TmpfsSize), l.Pids, kib(p.OutputLimit), kib(p.MaxCode))
	b.WriteString("There is no network: do not try to install packages or download data. ")
	fmt.Fprintf(&b, "The image is %s; ", l.Image)
	if l.MaxImages > 0 {
		fmt.Fprintf(&b, "matplotlib figures (plt.show() or left open) come back as images, up to %d per call. ", l.MaxImages)
	} else {
		b.WriteString("figures are not returned as images. ")
	}
	if p.Policy.Name() != "off" {
		fmt.Fprintf(&b, "A %s policy rejects some code before it runs (e.g. subprocess, os.system, eval/exec calls); the rejection names the rule, line and column. ", p.Policy.Name())
	}
	b.WriteString("Anything resembling a secret or API key in the output is replaced by [REDACTED:NAME].")
	return b.String()
}

func kib(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
