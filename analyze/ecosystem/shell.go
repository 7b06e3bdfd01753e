package ecosystem

import "strings"

// maxShellWords caps the words SplitShell returns.
const maxShellWords = 4096

// SplitShell splits a shell command line (as written in a shell-form CMD or
// ENTRYPOINT) into simple commands and their words. It understands single
// and double quotes, backslash escapes and the separators ; & && || | and
// newlines; it does not expand variables or substitutions (they stay
// literal). An unterminated quote ends the last word at the end of input.
func SplitShell(s string) [][]string {
	var (
		cmds  [][]string
		words []string
		word  strings.Builder
		in    bool // inside a word
		total int
	)
	endWord := func() {
		if in && total < maxShellWords {
			words = append(words, word.String())
			total++
		}
		word.Reset()
		in = false
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\r':
			endWord()
		case '\n', ';', '&', '|':
			endCmd()
		case '\\':
			in = true
			if i+1 < len(s) {
				i++
				if s[i] != '\n' {
					word.WriteByte(s[i])
				}
			}
		case '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				word.WriteString(s[i+1:])
				i = len(s)
				break
			}
			word.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case '"':
			in = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
				}
				word.WriteByte(s[i])
			}
		case '#':
			if !in {
				// A comment runs to the end of the line.
				j := strings.IndexByte(s[i:], '\n')
				if j < 0 {
					i = len(s)
				} else {
					i += j - 1
				}
				break
			}
			word.WriteByte(c)
		default:
			in = true
			word.WriteByte(c)
		}
	}
	endCmd()
	return cmds
}
