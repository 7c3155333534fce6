package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/docker/go-units"

	"github.com/pycage/pycage/sandbox"
)

// defaultMaxCode is the largest accepted code.
const defaultMaxCode = 256 << 10

// Config is everything pycage is configured with: flag > PYCAGE_ variable > default.
type Config struct {
	Image           string
	Timeout         time.Duration
	MaxTimeout      time.Duration
	EngineTimeout   time.Duration
	Memory          int64
	CPUs            float64
	Pids            int64
	TmpfsSize       int64
	OutputLimit     int64
	OutputHardLimit int64
	MaxCode         int64
	Concurrency     int
	Pool            int
	MaxImages       int
	WarmImports     []string
	Secrets         []string
	EnvFile         string
	EnvFileSet      bool
	SecretsDir      string
	SecretsDirSet   bool
	AuditLog        string
	Policy          string
	Runtime         string
	LogLevel        string
	LogLevelSet     bool // given by flag or environment, not the default
}

// setting is one configuration knob: a flag and its PYCAGE_ variable.
type setting struct {
	flag  string
	usage string
	def   func() string
	apply func(c *Config, v string) error
}

func (s setting) env() string {
	return "PYCAGE_" + strings.ToUpper(strings.ReplaceAll(s.flag, "-", "_"))
}

var settings = []setting{
	{"image", "image to run; any image with python3 works", constDef(sandbox.DefaultImage),
		func(c *Config, v string) error { c.Image = v; return nonEmpty(v) }},
	{"timeout", "default wall-clock limit per call", constDef("30s"),
		func(c *Config, v string) (err error) { c.Timeout, err = parseDuration(v); return }},
	{"max-timeout", "upper bound for a call's timeout_seconds", constDef("300s"),
		func(c *Config, v string) (err error) { c.MaxTimeout, err = parseDuration(v); return }},
	{"engine-timeout", "deadline of each Docker engine call (create, attach, start)", constDef("30s"),
		func(c *Config, v string) (err error) { c.EngineTimeout, err = parseDuration(v); return }},
	{"memory", "memory limit (swap disabled)", constDef("256m"),
		func(c *Config, v string) (err error) { c.Memory, err = parseSize(v, 6<<20); return }},
	{"cpus", "CPU limit", constDef("1"),
		func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1024 || math.IsNaN(f) {
				return fmt.Errorf("%q is not a positive number of CPUs", v)
			}
			c.CPUs = f
			return nil
		}},
	{"pids", "pids cgroup limit", constDef("64"),
		func(c *Config, v string) (err error) { c.Pids, err = parsePositive(v); return }},
	{"tmpfs-size", "size of the writable /tmp", constDef("64m"),
		func(c *Config, v string) (err error) { c.TmpfsSize, err = parseSize(v, 1<<20); return }},
	{"output-limit", "output kept and returned per stream", constDef("128KiB"),
		func(c *Config, v string) (err error) { c.OutputLimit, err = parseSize(v, 1<<10); return }},
	{"output-hard-limit", "total output after which a run is stopped", constDef("16MiB"),
		func(c *Config, v string) (err error) { c.OutputHardLimit, err = parseSize(v, 1<<10); return }},
	{"max-code", "largest accepted code", constDef("256KiB"),
		func(c *Config, v string) (err error) { c.MaxCode, err = parseSize(v, 1); return }},
	{"concurrency", "runs at once; up to 64 more calls wait, and more are refused as busy", func() string { return strconv.Itoa(runtime.NumCPU()) },
		func(c *Config, v string) error {
			n, err := parsePositive(v)
			c.Concurrency = int(n)
			if err == nil && n > 256 {
				err = fmt.Errorf("%d is more than 256", n)
			}
			return err
		}},
	{"pool", "started containers kept ready (each still serves one call); 0 disables", constDef("2"),
		func(c *Config, v string) (err error) { c.Pool, err = parseRange(v, 0, 64); return }},
	{"max-images", "matplotlib figures returned per call as PNG images (512 KiB in all); 0 returns none", constDef("4"),
		func(c *Config, v string) (err error) { c.MaxImages, err = parseRange(v, 0, 16); return }},
	{"warm-imports", "comma-separated modules pooled containers import before a call arrives", constDef(""),
		func(c *Config, v string) error {
			c.WarmImports = nil
			for _, m := range strings.Split(v, ",") {
				if m = strings.TrimSpace(m); m != "" {
					for _, part := range strings.Split(m, ".") {
						if !isIdentifier(part) {
							return fmt.Errorf("%q is not a module name", m)
						}
					}
					c.WarmImports = append(c.WarmImports, m)
				}
			}
			return nil
		}},
	{"secrets", "comma-separated names of host secrets passed into the sandbox", constDef(""),
		func(c *Config, v string) error {
			c.Secrets = nil
			for _, n := range strings.Split(v, ",") {
				if n = strings.TrimSpace(n); n != "" {
					if strings.ContainsAny(n, "= \t") {
						return fmt.Errorf("%q is not a variable name", n)
					}
					c.Secrets = append(c.Secrets, n)
				}
			}
			return nil
		}},
	{"env-file", "dotenv file of host secrets (read, never exported)", constDef(".env"),
		func(c *Config, v string) error { c.EnvFile = v; return nil }},
	{"secrets-dir", "directory of secret files, file name = secret name", func() string {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		return filepath.Join(home, ".secrets")
	}, func(c *Config, v string) error { c.SecretsDir = v; return nil }},
	{"audit-log", "JSON-lines audit file (mode 0600, append); empty is off", constDef(""),
		func(c *Config, v string) error { c.AuditLog = v; return nil }},
	{"policy", "default, strict, off, or the path of a policy file", constDef("default"),
		func(c *Config, v string) error { c.Policy = v; return nil }},
	{"runtime", "OCI runtime name, e.g. runsc; empty is the engine's default", constDef(""),
		func(c *Config, v string) error { c.Runtime = v; return nil }},
	{"log-level", "debug, info, warn or error", constDef("info"),
		func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return fmt.Errorf("%q is not one of debug, info, warn, error", v)
		}},
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func constDef(v string) func() string { return func() string { return v } }

// registerSettings adds every setting as a string flag to fs and returns the values.
func registerSettings(fs *flag.FlagSet) map[string]*string {
	vals := map[string]*string{}
	for _, s := range settings {
		vals[s.flag] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env(), s.def()))
	}
	return vals
}

// resolveConfig applies flag > environment > default for every setting, after fs.Parse.
func resolveConfig(fs *flag.FlagSet, vals map[string]*string, getenv func(string) string) (Config, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var c Config
	var errs []error
	for _, s := range settings {
		v, source := s.def(), "default"
		if e := getenv(s.env()); e != "" {
			v, source = e, s.env()
		}
		if set[s.flag] {
			v, source = *vals[s.flag], "-"+s.flag
		}
		if err := s.apply(&c, strings.TrimSpace(v)); err != nil {
			errs = append(errs, fmt.Errorf("invalid %s: %w", source, err))
		}
		if source != "default" {
			switch s.flag {
			case "env-file":
				c.EnvFileSet = true
			case "secrets-dir":
				c.SecretsDirSet = true
			case "log-level":
				c.LogLevelSet = true
			}
		}
	}
	if c.MaxTimeout < c.Timeout && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("invalid PYCAGE_TIMEOUT (--timeout): %s is over PYCAGE_MAX_TIMEOUT (--max-timeout) %s; lower it, or raise the maximum too", c.Timeout, c.MaxTimeout))
	}
	if c.OutputHardLimit < c.OutputLimit && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("invalid PYCAGE_OUTPUT_HARD_LIMIT: below PYCAGE_OUTPUT_LIMIT"))
	}
	return c, errors.Join(errs...)
}

func nonEmpty(v string) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// parseDuration accepts Go durations ("30s", "2m") and plain seconds ("30", "1.5").
func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || math.IsNaN(f) || f > 1e6 {
			return 0, fmt.Errorf("%q is not a duration such as 30s or 2m", v)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < time.Second {
		return 0, fmt.Errorf("%q is under one second", v)
	}
	return d, nil
}

// parseSize accepts sizes in Docker's notation: 256m, 64MiB, 128KiB, 1g (binary units).
func parseSize(v string, min int64) (int64, error) {
	n, err := units.RAMInBytes(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 256m or 128KiB", v)
	}
	if n < min {
		return 0, fmt.Errorf("%q is below the minimum of %s", v, units.BytesSize(float64(min)))
	}
	return n, nil
}

// parseRange accepts a whole number from lo to hi.
func parseRange(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}

func parsePositive(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", v)
	}
	return n, nil
}
