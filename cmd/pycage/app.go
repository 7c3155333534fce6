package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/docker/docker/client"

	"github.com/pycage/pycage/redact"
	"github.com/pycage/pycage/sandbox"
	"github.com/pycage/pycage/sandbox/policy"
	"github.com/pycage/pycage/tools"
)

// app is everything a serving or running pycage holds.
type app struct {
	cfg      Config
	log      *slog.Logger
	secrets  hostSecrets
	redactor *redact.Redactor
	docker   *client.Client
	sandbox  *sandbox.Sandbox
	pipeline *tools.Pipeline
}

// parseConfig parses a command's flags (every setting, plus extra ones the command added to
// fs), wherever they stand among the positional arguments, and resolves the configuration.
func parseConfig(fs *flag.FlagSet, args []string, stderr io.Writer) (Config, []string, error) {
	vals := registerSettings(fs)
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return Config{}, nil, &exitError{code: 0}
			}
			return Config{}, nil, &exitError{code: exitUsage}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	cfg, err := resolveConfig(fs, vals, os.Getenv)
	if err != nil {
		return cfg, nil, &exitError{code: exitUsage, err: err}
	}
	return cfg, positional, nil
}

// newApp loads secrets, builds the redactor, the policy, the engine client and the pipeline.
// It does not contact the engine.
func newApp(cfg Config, stderr io.Writer, defaultLevel slog.Level) (*app, error) {
	a := &app{cfg: cfg}
	level := defaultLevel
	if cfg.LogLevelSet {
		level.UnmarshalText([]byte(cfg.LogLevel))
	}
	// Until the redactor exists, log only through a handler that knows no secrets yet; no
	// secret value is logged before that point.
	bootLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	secrets, err := loadSecrets(cfg.secretSources(), bootLog)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	a.secrets = secrets
	a.redactor = redact.New(secrets.all)
	a.log = slog.New(newRedactingHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}), a.redactor))

	pol, err := policy.Parse(cfg.Policy)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("invalid PYCAGE_POLICY: %w", err)}
	}
	maxCode := int(cfg.MaxCode)
	if m := pol.MaxCode(); m > 0 && m < maxCode {
		maxCode = m // a policy file may lower the limit, never raise it
	}
	a.docker, err = sandbox.NewClient()
	if err != nil {
		return nil, &exitError{code: exitInfra, err: fmt.Errorf("docker client: %w", err)}
	}
	sc := sandbox.DefaultConfig()
	sc.Image = cfg.Image
	sc.Memory = cfg.Memory
	sc.NanoCPUs = int64(cfg.CPUs * 1e9)
	sc.Pids = cfg.Pids
	sc.TmpfsSize = cfg.TmpfsSize
	sc.OutputLimit = int(cfg.OutputLimit)
	sc.OutputMargin = max(sandbox.DefaultOutputMargin, a.redactor.MaxEncodedLen())
	sc.HardOutputLimit = cfg.OutputHardLimit
	sc.Concurrency = cfg.Concurrency
	sc.Runtime = cfg.Runtime
	sc.Pool = cfg.Pool
	sc.MaxImages = cfg.MaxImages
	sc.EngineTimeout = cfg.EngineTimeout
	sc.WarmImports = cfg.WarmImports
	sc.Instance = rand.Text()[:16]
	for _, s := range secrets.inject {
		sc.Env = append(sc.Env, s.Name+"="+s.Value)
	}
	a.sandbox, err = sandbox.New(sc, a.docker, a.log)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	var audit *tools.AuditLog
	if cfg.AuditLog != "" {
		if audit, err = tools.OpenAuditLog(cfg.AuditLog); err != nil {
			return nil, &exitError{code: exitUsage, err: fmt.Errorf("invalid PYCAGE_AUDIT_LOG: %w", err)}
		}
	}
	a.pipeline = &tools.Pipeline{
		Audit:          audit,
		Runner:         a.sandbox,
		Policy:         pol,
		Redactor:       a.redactor,
		DefaultTimeout: cfg.Timeout,
		MaxTimeout:     cfg.MaxTimeout,
		MaxCode:        maxCode,
		OutputLimit:    int(cfg.OutputLimit),
		Log:            a.log,
		Limits:         sc,
	}
	return a, nil
}

// close removes every container this app started and closes the engine client.
func (a *app) close() {
	ctx := context.Background()
	if err := a.sandbox.Close(ctx); err != nil {
		a.log.Warn("remove containers on exit", "err", err)
	}
	a.docker.Close()
	if a.pipeline.Audit != nil {
		a.pipeline.Audit.Close()
	}
}
