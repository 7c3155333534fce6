package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// NewServer returns the MCP server with the run_python tool served by p.
func NewServer(p *Pipeline, version string) *server.MCPServer {
	s := server.NewMCPServer("pycage", version,
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInstructions(p.instructions()),
	)
	s.AddTool(p.Tool(), p.Handle)
	return s
}

func (p *Pipeline) instructions() string {
	return "pycage runs Python 3 in a throwaway, network-less sandbox through the run_python tool. " +
		"Each call starts from scratch: variables, files and imports do not persist between calls, so send complete programs. " +
		"Return data by assigning a JSON-serializable value to the global `result`; pass data in with input_data, read it as `INPUT_DATA`. " +
		"Only /tmp is writable. There is no network: do not try to install packages or download data. " +
		"Output is capped and anything resembling a secret is redacted as [REDACTED:...]."
}
