package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/joho/godotenv"

	"github.com/pycage/pycage/redact"
)

// secretNameParts mark an environment variable as a host secret (case-insensitive).
var secretNameParts = []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "PRIVATE"}

// maxSecretFile bounds one file of the secrets dir.
const maxSecretFile = 64 << 10

// hostSecrets is what the host knows: every secret to redact, and the ones to inject.
type hostSecrets struct {
	all    []redact.Secret // environment, env file, secrets dir (a name may appear more than once)
	inject []redact.Secret // the PYCAGE_SECRETS names, resolved
}

// secretSources says where host secrets come from. envFile and dir are "" when unset; the
// *Explicit flags say whether the user named them (then a missing one is an error).
type secretSources struct {
	environ         []string
	envFile         string
	envFileExplicit bool
	dir             string
	dirExplicit     bool
	injectNames     []string
}

// secretSources are the places cfg says host secrets come from, with this process's environment.
func (cfg Config) secretSources() secretSources {
	return secretSources{
		environ: os.Environ(), envFile: cfg.EnvFile, envFileExplicit: cfg.EnvFileSet,
		dir: cfg.SecretsDir, dirExplicit: cfg.SecretsDirSet, injectNames: cfg.Secrets,
	}
}

// envFileError keeps of an error reading the env file what holds no text of the file: the
// parser's messages quote the rest of the file or the bad value, where secrets are.
func envFileError(err error) error {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return err // open or read: the path and the OS's reason
	}
	msg := err.Error()
	if i := strings.Index(msg, " near "); i >= 0 {
		msg = msg[:i]
	}
	if strings.HasPrefix(msg, "unterminated quoted value") {
		msg = "unterminated quoted value"
	}
	return fmt.Errorf("not a valid env file: %s (the text of the file is not shown: it may hold secrets)", msg)
}

// loadSecrets reads the host's secrets. The env file is read, never exported into the
// process's environment.
func loadSecrets(src secretSources, log *slog.Logger) (hostSecrets, error) {
	var hs hostSecrets
	fromEnv, environ := map[string]string{}, map[string]string{}
	for _, kv := range src.environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		environ[name] = value
		if isSecretName(name) {
			fromEnv[name] = value
		}
	}
	fromFile := map[string]string{}
	if src.envFile != "" {
		m, err := godotenv.Read(src.envFile)
		switch {
		case err == nil:
			fromFile = m
		case errors.Is(err, fs.ErrNotExist) && !src.envFileExplicit:
		default:
			return hs, fmt.Errorf("PYCAGE_ENV_FILE: read %s: %w", src.envFile, envFileError(err))
		}
	}
	fromDir := map[string]string{}
	if src.dir != "" {
		m, err := readSecretsDir(src.dir)
		switch {
		case err == nil:
			fromDir = m
		case errors.Is(err, fs.ErrNotExist) && !src.dirExplicit:
		default:
			return hs, fmt.Errorf("PYCAGE_SECRETS_DIR: %w", err)
		}
	}
	for _, m := range []map[string]string{fromEnv, fromFile, fromDir} {
		for _, name := range sortedKeys(m) {
			s := redact.Secret{Name: name, Value: m[name]}
			if len(s.Value) < redact.MinSecretLen {
				if s.Value != "" {
					log.Warn("host secret shorter than 8 characters is not redacted", "secret", s)
				}
				continue
			}
			hs.all = append(hs.all, s)
		}
	}
	for _, name := range src.injectNames {
		var where []string
		value, ok := environ[name] // an injected name need not look like a secret
		where = append(where, "the environment")
		if !ok && src.envFile != "" {
			value, ok = fromFile[name]
			where = append(where, "env file "+src.envFile)
		}
		if !ok && src.dir != "" {
			value, ok = fromDir[name]
			where = append(where, "secrets dir "+src.dir)
		}
		if !ok {
			return hs, fmt.Errorf("PYCAGE_SECRETS: secret %q not found (looked in %s)", name, strings.Join(where, ", "))
		}
		s := redact.Secret{Name: name, Value: value}
		hs.inject = append(hs.inject, s)
		if len(value) >= redact.MinSecretLen && !isSecretName(name) {
			hs.all = append(hs.all, s) // injected values are secrets whatever their name
		}
	}
	return hs, nil
}

// notSecrets are well-known variables whose names match but whose values are not secrets
// (paths of sockets and files, switches). Redacting them would only garble output.
var notSecrets = map[string]bool{"SSH_AUTH_SOCK": true, "XAUTHORITY": true, "TOKENIZERS_PARALLELISM": true, "GPG_AGENT_INFO": true}

func isSecretName(name string) bool {
	if strings.HasPrefix(name, "PYCAGE_") || notSecrets[name] {
		return false // pycage's own settings name secrets, they are not secrets
	}
	up := strings.ToUpper(name)
	for _, p := range secretNameParts {
		if strings.Contains(up, p) {
			return true
		}
	}
	return false
}

// readSecretsDir reads every regular file of dir: file name = secret name, content = value
// (one trailing newline removed).
func readSecretsDir(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		if info.Size() > maxSecretFile {
			return nil, fmt.Errorf("%s is %d bytes, larger than a secret (%d bytes at most)", path, info.Size(), maxSecretFile)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		m[e.Name()] = v
	}
	return m, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
