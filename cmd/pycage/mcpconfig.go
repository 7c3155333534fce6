package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pycage/pycage/sandbox/policy"
)

// cmdMCPConfig prints a ready MCP client configuration (Claude Desktop's mcpServers shape)
// that starts this binary by its absolute path with the settings now in effect: every
// PYCAGE_ variable set in the environment and every setting given as a flag. Secret values
// are never printed: PYCAGE_SECRETS names them, the server reads them at start.
func cmdMCPConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pycage mcp-config", flag.ContinueOnError)
	name := fs.String("name", "pycage", "the server's name in the client configuration")
	vals := registerSettings(fs)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pycage mcp-config [flags]\n\nPrints a Claude Desktop (mcpServers) entry that starts this binary with the settings now in effect;\nsecret values are never printed. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return &exitError{code: 0}
		}
		return &exitError{code: exitUsage}
	}
	if fs.NArg() > 0 {
		return usageError("mcp-config takes flags only, got %q", fs.Args())
	}
	cfg, err := resolveConfig(fs, vals, os.Getenv)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if _, err := policy.Parse(cfg.Policy); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid PYCAGE_POLICY: %w", err)}
	}
	// The server would stop at start on a name it cannot resolve; say so now, not in a client
	// that shows a server that never came up. Values stay unprinted; only short ones are warned of.
	bootLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if _, err := loadSecrets(cfg.secretSources(), bootLog); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	env := map[string]string{}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range settings {
		if set[s.flag] {
			env[s.env()] = *vals[s.flag]
		} else if v, ok := os.LookupEnv(s.env()); ok && v != "" {
			env[s.env()] = v
		}
	}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_API_VERSION"} {
		if v, ok := os.LookupEnv(k); ok && v != "" {
			env[k] = v
		}
	}
	if _, set := os.LookupEnv("PYCAGE_ENV_FILE"); !set && !cfg.EnvFileSet {
		if _, err := os.Stat(cfg.EnvFile); err == nil {
			env["PYCAGE_ENV_FILE"] = cfg.EnvFile // the .env found here, made absolute below
		}
	}
	paths := []string{"PYCAGE_ENV_FILE", "PYCAGE_SECRETS_DIR", "PYCAGE_AUDIT_LOG"}
	if policy.IsFile(cfg.Policy) {
		paths = append(paths, "PYCAGE_POLICY")
	}
	for _, k := range paths {
		if v := env[k]; v != "" && !filepath.IsAbs(v) {
			if abs, err := filepath.Abs(v); err == nil {
				env[k] = abs // a client starts the server in a directory of its own choosing
			}
		}
	}
	server := map[string]any{"command": exe, "args": []string{"serve"}, "env": env}
	out, err := json.MarshalIndent(map[string]any{"mcpServers": map[string]any{*name: server}}, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(out))
	for _, name := range cfg.Secrets {
		if os.Getenv(name) != "" {
			fmt.Fprintf(stderr, "note: %s is read from this shell's environment, which a client started from a desktop does not have: "+
				"put it in the env file (PYCAGE_ENV_FILE) or in %s\n",
				name, filepath.Join(cfg.SecretsDir, name))
		}
	}
	return nil
}
