// Package errlist collects the per-record problems of one database file up to a cap, so that hostile input
// with millions of bad lines cannot produce millions of errors.
package errlist

import (
	"errors"
	"fmt"
)

// DefaultMax is the number of problems a List keeps before it only counts them.
const DefaultMax = 16

// List accumulates errors; the zero value keeps DefaultMax errors.
type List struct {
	// Max is how many errors are kept; 0 means DefaultMax.
	Max     int
	errs    []error
	dropped int
}

// Add records err; nil is ignored.
func (l *List) Add(err error) {
	if err == nil {
		return
	}
	limit := l.Max
	if limit <= 0 {
		limit = DefaultMax
	}
	if len(l.errs) >= limit {
		l.dropped++
		return
	}
	l.errs = append(l.errs, err)
}

// Len reports how many errors were added, kept or not.
func (l *List) Len() int { return len(l.errs) + l.dropped }

// Err joins the kept errors (and a count of the dropped ones) with errors.Join, or returns nil.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	errs := l.errs
	if l.dropped > 0 {
		errs = append(errs[:len(errs):len(errs)], fmt.Errorf("%d more problems not shown", l.dropped))
	}
	return errors.Join(errs...)
}
