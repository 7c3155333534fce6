package tools

import (
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/pycage/pycage/sandbox/image"
	"github.com/pycage/pycage/sandbox/policy"
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
	recipe, known := image.Flavors[p.ImageFlavor]
	if known {
		fmt.Fprintf(&b, "The image has %s. ", recipe.Contents)
	} else {
		fmt.Fprintf(&b, "The image is %s. ", l.Image)
	}
	switch {
	case l.MaxImages == 0:
		b.WriteString("Figures are not returned as images. ")
	case !known || recipe.HasMatplotlib():
		fmt.Fprintf(&b, "matplotlib figures (plt.show() or left open) come back as PNG images, up to %d per call and %s of PNG in all. ",
			l.MaxImages, kib(l.ImageBudget))
	}
	p.describePolicy(&b)
	b.WriteString("Anything resembling a secret or API key in the output is replaced by [REDACTED:NAME].")
	text, _ := p.Redactor.Redact(b.String()) // the policy's rules are the operator's words
	return text
}

// maxRulesTold is how many of a policy's rules the instructions spell out.
const maxRulesTold = 12

// describePolicy says what the policy rejects before code runs, without a policy file's path.
func (p *Pipeline) describePolicy(b *strings.Builder) {
	rejects, imports := p.Policy.Rejects(), p.Policy.AllowedImports()
	if len(rejects) == 0 && imports == nil {
		return
	}
	name := "The operator's"
	if !policy.IsFile(p.Policy.Name()) {
		name = "The " + p.Policy.Name()
	}
	fmt.Fprintf(b, "%s policy, a lint run before the code, rejects ", name)
	var parts []string
	if len(rejects) > maxRulesTold {
		parts = append(rejects[:maxRulesTold:maxRulesTold], fmt.Sprintf("%d more patterns", len(rejects)-maxRulesTold))
	} else {
		parts = rejects
	}
	if imports != nil {
		parts = append(parts, "an import of any module but "+strings.Join(imports, ", ")+" (relative imports pass)")
	}
	b.WriteString(strings.Join(parts, "; "))
	b.WriteString(". A rejection names the rule, line and column, and runs nothing. ")
}

func kib(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
