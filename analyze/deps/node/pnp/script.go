package pnp

import (
	"bytes"
	"errors"
	"fmt"
)

// ParseScript reads the state a loader script (.pnp.cjs, .pnp.js)
// embeds, in any of the forms Yarn 2 to 4 write (see the package
// documentation). It returns ErrNoInlineState for a loader that reads
// .pnp.data.json, and ErrClassic for Yarn 1's .pnp.js.
func ParseScript(data []byte) (*State, error) {
	if lit, ok := rawStateLiteral(data); ok {
		return parseLiteral(lit)
	}
	const call = "hydrateRuntimeState("
	for rest := data; ; {
		i := bytes.Index(rest, []byte(call))
		if i < 0 {
			break
		}
		rest = skipSpace(rest[i+len(call):])
		if r, ok := bytes.CutPrefix(rest, []byte("JSON.parse(")); ok {
			if r = skipSpace(r); len(r) > 0 && (r[0] == '\'' || r[0] == '"') {
				return parseLiteral(r)
			}
			continue
		}
		if len(rest) > 0 && rest[0] == '{' {
			obj, err := objectLiteral(rest)
			if err != nil {
				return nil, fmt.Errorf("reading the Plug'n'Play state object: %w", err)
			}
			return ParseData(obj)
		}
	}
	if bytes.Contains(data, []byte("packageInformationStores")) {
		return nil, ErrClassic
	}
	return nil, ErrNoInlineState
}

// rawStateLiteral finds `RAW_RUNTIME_STATE =` followed by a string literal
// (Yarn 4) and returns the text from the literal's opening quote on.
func rawStateLiteral(data []byte) ([]byte, bool) {
	const name = "RAW_RUNTIME_STATE"
	for rest := data; ; {
		i := bytes.Index(rest, []byte(name))
		if i < 0 {
			return nil, false
		}
		rest = skipSpace(rest[i+len(name):])
		if len(rest) < 2 || rest[0] != '=' || rest[1] == '=' {
			continue
		}
		if r := skipSpace(rest[1:]); len(r) > 0 && (r[0] == '\'' || r[0] == '"') {
			return r, true
		}
	}
}

// parseLiteral decodes the string literal s starts with and parses the
// JSON it holds.
func parseLiteral(s []byte) (*State, error) {
	v, _, err := unquoteJS(s)
	if err != nil {
		return nil, fmt.Errorf("reading the Plug'n'Play state literal: %w", err)
	}
	return ParseData(v)
}

// skipSpace drops leading JavaScript white space and line breaks.
func skipSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	return s
}

// objectLiteral returns the JavaScript object literal s starts with as
// JSON: the text up to the matching closing brace, with the trailing
// commas Yarn 2 writes ("linkType": "HARD",\n}) removed. Strings are
// double-quoted JSON strings; anything else is copied as is for the JSON
// decoder to judge.
func objectLiteral(s []byte) ([]byte, error) {
	out := make([]byte, 0, 1024)
	depth := 0
	pendingComma := false // a comma was seen and not yet written
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			out = append(out, c)
			continue
		case '}', ']':
			pendingComma = false // a trailing comma: drop it
		}
		if pendingComma {
			out = append(out, ',')
			pendingComma = false
		}
		switch c {
		case ',':
			pendingComma = true
		case '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, errUnterminated
			}
			out = append(out, s[i:j+1]...)
			i = j
		case '{', '[':
			depth++
			out = append(out, c)
		case '}', ']':
			depth--
			out = append(out, c)
			if depth == 0 {
				return out, nil
			}
		default:
			out = append(out, c)
		}
	}
	return nil, errors.New("unterminated object literal")
}
