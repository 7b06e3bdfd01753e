package tui

import (
	"path"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// language is a generated file's syntax, from its name.
type language uint8

const (
	langPlain language = iota
	langDockerfile
	langShell
	langYAML
)

func languageOf(name string) language {
	base := strings.ToLower(path.Base(name))
	switch {
	case base == "dockerfile" || strings.HasSuffix(base, ".dockerfile") || strings.HasPrefix(base, "dockerfile.") ||
		base == "containerfile" || strings.HasSuffix(base, ".containerfile"):
		return langDockerfile
	case strings.HasSuffix(base, ".sh") || strings.HasSuffix(base, ".bash"):
		return langShell
	case strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"):
		return langYAML
	}
	return langPlain
}

// highlight colours content line by line for the file's language. The
// text itself is kept: without the styles, the lines are safe(content)
// split at newlines.
func highlight(st *Styles, name, content string) []string {
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	lang := languageOf(name)
	out := make([]string, len(lines))
	cont := false // the previous Dockerfile line ended with a backslash
	for i, l := range lines {
		l = safe(l)
		switch lang {
		case langDockerfile:
			out[i] = dockerLine(st, l, cont)
			t := strings.TrimSpace(l)
			cont = strings.HasSuffix(t, "\\") || (cont && strings.HasPrefix(t, "#"))
		case langShell:
			out[i] = shellLine(st, l)
		case langYAML:
			out[i] = yamlLine(st, l)
		default:
			out[i] = l
		}
	}
	return out
}

// isInstruction reports whether w is a Dockerfile instruction.
func isInstruction(w string) bool {
	switch strings.ToUpper(w) {
	case "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
		"WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER":
		return true
	}
	return false
}

func dockerLine(st *Styles, l string, cont bool) string {
	trim := strings.TrimLeft(l, " ")
	lead := l[:len(l)-len(trim)]
	if strings.HasPrefix(trim, "#") {
		return lead + st.SynComment.Render(trim)
	}
	if cont {
		return shellLine(st, l)
	}
	word, rest, _ := strings.Cut(trim, " ")
	if !isInstruction(word) {
		return shellLine(st, l)
	}
	if rest == "" && !strings.HasSuffix(trim, " ") {
		return lead + st.SynKeyword.Render(word)
	}
	return lead + st.SynKeyword.Render(word) + " " + shellLine(st, rest)
}

// isShellKeyword reports whether w is highlighted as a keyword in shell
// text.
func isShellKeyword(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "case", "esac",
		"function", "set", "export", "AS", "as", "&&", "||":
		return true
	}
	return false
}

// shellLine colours words: comments, quoted strings, $variables, flags and
// keywords.
func shellLine(st *Styles, l string) string {
	var b strings.Builder
	i := 0
	for i < len(l) {
		c := l[i]
		switch {
		case c == '#' && (i == 0 || l[i-1] == ' '):
			b.WriteString(st.SynComment.Render(l[i:]))
			return b.String()
		case c == '"' || c == '\'':
			j := strings.IndexByte(l[i+1:], c)
			end := len(l)
			if j >= 0 {
				end = i + 1 + j + 1
			}
			b.WriteString(st.SynString.Render(l[i:end]))
			i = end
		case c == '$':
			j := i + 1
			if j < len(l) && l[j] == '{' {
				if k := strings.IndexByte(l[j:], '}'); k >= 0 {
					j += k + 1
				} else {
					j = len(l)
				}
			} else {
				for j < len(l) && (isWordByte(l[j])) {
					j++
				}
			}
			b.WriteString(st.SynVar.Render(l[i:j]))
			i = j
		case c == ' ':
			b.WriteByte(c)
			i++
		default:
			j := i
			for j < len(l) && l[j] != ' ' && l[j] != '"' && l[j] != '\'' && l[j] != '$' {
				j++
			}
			if j == i {
				j = i + 1
			}
			w := l[i:j]
			switch {
			case strings.HasPrefix(w, "-") && len(w) > 1 && (i == 0 || l[i-1] == ' '):
				b.WriteString(st.SynFlag.Render(w))
			case isShellKeyword(w):
				b.WriteString(st.SynKeyword.Render(w))
			default:
				b.WriteString(w)
			}
			i = j
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// yamlLine colours comments, keys and quoted values.
func yamlLine(st *Styles, l string) string {
	trim := strings.TrimLeft(l, " ")
	lead := l[:len(l)-len(trim)]
	if strings.HasPrefix(trim, "#") {
		return lead + st.SynComment.Render(trim)
	}
	if strings.HasPrefix(trim, "- ") || trim == "-" {
		lead += st.SynKeyword.Render("-")
		trim = trim[1:]
		t2 := strings.TrimLeft(trim, " ")
		lead += trim[:len(trim)-len(t2)]
		trim = t2
	}
	if k, v, ok := strings.Cut(trim, ":"); ok && k != "" && !strings.ContainsAny(k, "\"' ") && (v == "" || v[0] == ' ') {
		return lead + st.SynKey.Render(k) + ":" + yamlValue(st, v)
	}
	return lead + yamlValue(st, trim)
}

func yamlValue(st *Styles, v string) string {
	t := strings.TrimLeft(v, " ")
	lead := v[:len(v)-len(t)]
	if t == "" {
		return v
	}
	var s lipgloss.Style
	switch {
	case strings.HasPrefix(t, "#"):
		s = st.SynComment
	case t[0] == '"' || t[0] == '\'':
		s = st.SynString
	case t == "true" || t == "false" || t == "null" || t == "|" || t == ">" || t == "|-" || t == ">-":
		s = st.SynKeyword
	case t[0] >= '0' && t[0] <= '9':
		s = st.SynFlag
	default:
		return v
	}
	return lead + s.Render(t)
}
