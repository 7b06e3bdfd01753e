package gen

import (
	"bytes"
	"encoding/json"
)

// jsonField is one key of a jsonObject.
type jsonField struct {
	key string
	val any
}

// jsonObject is a JSON object that keeps its keys in the given order, the way
// npm writes package.json and lockfiles (encoding/json would sort map keys).
type jsonObject []jsonField

// MarshalJSON implements json.Marshaler without escaping <, > and & (npm
// writes ranges like ">= 2.1.2 < 3" literally).
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(f.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(f.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// renderJSON pretty-prints v with two-space indentation and a final newline,
// npm's format.
func renderJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// depsObject turns name@range strings into an ordered "dependencies" object.
func depsObject(deps []string) jsonObject {
	o := make(jsonObject, 0, len(deps))
	for _, d := range deps {
		name, rng := splitDep(d)
		o = append(o, jsonField{name, rng})
	}
	return o
}

// splitDep splits "name@range" at the '@' that follows the name (scoped
// names start with '@').
func splitDep(d string) (name, rng string) {
	for i := 1; i < len(d); i++ {
		if d[i] == '@' {
			return d[:i], d[i+1:]
		}
	}
	return d, "*"
}
