package recommend

import (
	"strconv"
	"strings"
)

// parsed is one history entry taken apart.
type parsed struct {
	instr     string   // RUN, COPY, ADD, WORKDIR, USER, ENV, LABEL, … ("" when unknown)
	body      string   // RUN: the shell command; others: the instruction's arguments
	flags     []string // leading --flag=value words (RUN --mount=…, COPY --chown=…)
	buildArgs []string // NAME=value pairs the builder recorded (|N NAME=value …)
	empty     bool     // nothing was recorded
}

// parseCreatedBy understands the history forms of the classic builder
// ("/bin/sh -c #(nop)  COPY dir:… in /app", "/bin/sh -c make",
// "|2 A=b C=d /bin/sh -c make"), BuildKit ("RUN /bin/sh -c make # buildkit",
// "COPY . /app # buildkit"), buildah and kaniko ("RUN make", "COPY . .").
func parseCreatedBy(s string) parsed {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	if s == "" {
		return parsed{empty: true}
	}
	var p parsed
	// BuildKit and kaniko start with the instruction keyword.
	if kw, rest, ok := cutWord(s); ok && isKeyword(kw) && !strings.HasPrefix(s, "/bin/sh") {
		p.instr = strings.ToUpper(kw)
		s = rest
	}
	if p.instr == "" || p.instr == "RUN" {
		s, p.buildArgs = cutBuildArgs(s)
	}
	if p.instr == "RUN" || p.instr == "COPY" || p.instr == "ADD" {
		s, p.flags = cutFlags(s)
	}
	if p.instr == "" || p.instr == "RUN" {
		for _, sh := range []string{"/bin/sh -c ", "/bin/bash -c ", "/bin/sh -o pipefail -c ", "/bin/bash -o pipefail -c ", "/bin/sh -ec ", "/bin/sh -exc "} {
			if strings.HasPrefix(s, sh) {
				s = strings.TrimPrefix(s, sh)
				if p.instr == "" {
					p.instr = "RUN"
				}
				break
			}
		}
		if nop, ok := strings.CutPrefix(s, "#(nop)"); ok {
			nop = strings.TrimSpace(nop)
			kw, rest, _ := cutWord(nop)
			p.instr = strings.ToUpper(kw)
			if !isKeyword(kw) {
				p.instr = ""
			}
			s = rest
			if p.instr == "COPY" || p.instr == "ADD" {
				s, p.flags = cutFlags(s)
			}
		}
	}
	if p.instr == "" {
		p.instr = "RUN" // buildah and s2i record bare commands
	}
	p.body = strings.TrimSpace(s)
	if p.instr != "RUN" {
		p.body = strings.Join(strings.Fields(p.body), " ")
	}
	return p
}

var keywords = map[string]bool{
	"RUN": true, "COPY": true, "ADD": true, "WORKDIR": true, "USER": true, "ENV": true,
	"LABEL": true, "CMD": true, "ENTRYPOINT": true, "EXPOSE": true, "VOLUME": true,
	"ARG": true, "SHELL": true, "HEALTHCHECK": true, "STOPSIGNAL": true, "ONBUILD": true,
	"MAINTAINER": true,
}

func isKeyword(w string) bool { return keywords[strings.ToUpper(w)] && w == strings.ToUpper(w) }

// cutWord splits off the first space-separated word.
func cutWord(s string) (word, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, "", s != ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t"), true
}

// cutBuildArgs removes the "|N A=b C=d " prefix the builders record for
// build arguments used by a RUN.
func cutBuildArgs(s string) (string, []string) {
	if !strings.HasPrefix(s, "|") {
		return s, nil
	}
	w, rest, _ := cutWord(s)
	n, err := strconv.Atoi(w[1:])
	if err != nil || n < 0 || n > 1000 {
		return s, nil
	}
	var args []string
	for i := 0; i < n; i++ {
		var a string
		a, rest, _ = cutWord(rest)
		if !strings.Contains(a, "=") {
			return s, nil
		}
		args = append(args, a)
	}
	return rest, args
}

// cutFlags removes leading --flag or --flag=value words.
func cutFlags(s string) (string, []string) {
	var flags []string
	for strings.HasPrefix(s, "--") {
		w, rest, _ := cutWord(s)
		flags = append(flags, w)
		s = rest
	}
	return s, flags
}

// copyArgs splits a COPY/ADD body into sources and destination. The
// classic builder writes "dir:<hash> in /dest" or "file:<hash> in /dest";
// BuildKit writes the instruction's words (JSON arrays are accepted).
func copyArgs(body string) (srcs []string, dest string, hashed bool) {
	if i := strings.LastIndex(body, " in "); i >= 0 && (strings.HasPrefix(body, "dir:") || strings.HasPrefix(body, "file:") || strings.HasPrefix(body, "multi:")) {
		return strings.Fields(body[:i]), strings.TrimSpace(body[i+4:]), true
	}
	words := strings.Fields(body)
	if strings.HasPrefix(body, "[") {
		words = jsonWords(body)
	}
	if len(words) < 2 || words[len(words)-1] == "" {
		return nil, "", false
	}
	return words[:len(words)-1], words[len(words)-1], false
}

// jsonWords reads a loose JSON-ish array: ["a" "b"] (BuildKit drops the
// commas) or ["a","b"].
func jsonWords(s string) []string {
	var out []string
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]"))
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ,\t")
		if !strings.HasPrefix(s, `"`) {
			w, rest, _ := cutWord(s)
			out = append(out, strings.TrimRight(w, ","))
			s = rest
			continue
		}
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			out = append(out, strings.Trim(s, `"`))
			break
		}
		u, _ := strconv.Unquote(q)
		out = append(out, u)
		s = s[len(q):]
	}
	return out
}
