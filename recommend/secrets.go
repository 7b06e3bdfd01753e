package recommend

import (
	"regexp"
	"strings"
)

// secretWords mark a variable name as a secret when they appear as one of
// its _-separated words (or, for the longer ones, anywhere in it).
var secretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "APIKEY", "PWD", "PASS"}

// notSecretNames are well-known variables that match the words but hold
// public data (a GPG key fingerprint, the shell's working directory).
var notSecretNames = map[string]bool{
	"PWD": true, "OLDPWD": true, "GPG_KEY": true, "GPG_KEYS": true, "NODE_AUTH_TOKEN_FILE": true,
	"SSH_AUTH_SOCK": true, "PASS_MAX_DAYS": true,
}

// secretValue matches values that look like credentials whatever their name.
var secretValue = regexp.MustCompile(`AKIA[0-9A-Z]{16}|\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|npm_[A-Za-z0-9]{30,})|-----BEGIN [A-Z ]*PRIVATE KEY-----|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.|[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`)

// isSecretName reports whether an environment variable or build argument
// name looks like it holds a secret.
func isSecretName(name string) bool {
	u := strings.ToUpper(name)
	if notSecretNames[u] {
		return false
	}
	words := strings.FieldsFunc(u, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	for _, w := range words {
		for _, s := range secretWords {
			if w == s {
				return true
			}
		}
	}
	if len(words) > 1 && words[len(words)-1] == "KEY" && !strings.HasSuffix(u, "PUBLIC_KEY") {
		return true
	}
	for _, s := range []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "APIKEY", "API_KEY", "ACCESS_KEY", "PRIVATE_KEY"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}

// isSecret reports whether the variable name=value looks like a secret.
// Empty values are not secrets (the variable is only declared).
func isSecret(name, value string) bool {
	if value == "" {
		return false
	}
	return isSecretName(name) || secretValue.MatchString(value)
}

// redact replaces the values of secret-looking assignments (NAME=value
// words) and credential-looking substrings in a history command with "***".
func redact(s string) string {
	s = secretValue.ReplaceAllString(s, "***")
	var b strings.Builder
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		if k, v, ok := strings.Cut(w, "="); ok && v != "" && isEnvName(k) && isSecretName(k) {
			b.WriteString(k + "=***")
			continue
		}
		b.WriteString(w)
	}
	return b.String()
}

// isEnvName reports whether s is a portable environment variable name.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
