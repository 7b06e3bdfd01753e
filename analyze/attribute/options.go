package attribute

import (
	"errors"
	"fmt"
	"path"
)

// Options tunes Attribute.
type Options struct {
	// AppDir is the application directory; empty means detect it (see
	// package ecosystem).
	AppDir string
	// Rules are extra path rules, consulted together with DefaultRules;
	// within a category they win ties against the built-in ones.
	Rules []Rule
	// Roles are extra package roles, consulted before DefaultRoles.
	Roles []Role
	// NoLockfiles skips dev-dependency detection from lockfiles.
	NoLockfiles bool
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options { return Options{} }

// Validate reports every option that cannot work, joined.
func (o Options) Validate() error {
	var errs []error
	if o.AppDir != "" && !path.IsAbs(o.AppDir) {
		errs = append(errs, fmt.Errorf("app dir %q is not absolute", o.AppDir))
	}
	for _, r := range o.Rules {
		if err := r.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, r := range o.Roles {
		if err := r.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
