package errlist

import (
	"errors"
	"fmt"
	"testing"
)

func TestList(t *testing.T) {
	tests := []struct {
		name  string
		max   int
		add   int
		want  string
		parts int
	}{
		{"empty", 0, 0, "", 0},
		{"under the cap", 3, 2, "e0\ne1", 2},
		{"over the cap", 2, 5, "e0\ne1\n3 more problems not shown", 3},
		{"default cap", 0, DefaultMax + 1, "", DefaultMax + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := List{Max: tt.max}
			l.Add(nil)
			for i := range tt.add {
				l.Add(fmt.Errorf("e%d", i))
			}
			err := l.Err()
			if l.Len() != tt.add {
				t.Errorf("Len = %d, want %d", l.Len(), tt.add)
			}
			if tt.add == 0 {
				if err != nil {
					t.Fatalf("Err = %v, want nil", err)
				}
				return
			}
			var j interface{ Unwrap() []error }
			if !errors.As(err, &j) || len(j.Unwrap()) != tt.parts {
				t.Fatalf("Err = %v, want %d joined parts", err, tt.parts)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("Err = %q, want %q", err, tt.want)
			}
		})
	}
}
