package identity

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/fault"
)

// The rules refuse with *fault.Error values, so every caller maps them to
// the same HTTP status: a missing thing (KindNotFound, 404), a conflict with
// what is stored — a duplicate, a row still in use, a wrong state
// (KindConflict, 409) — and input that breaks a rule (KindInvalid with the
// field, 422). Messages are written for officers to read.

func notFound(format string, args ...any) error {
	return fault.Newf(fault.KindNotFound, format, args...)
}

func conflict(format string, args ...any) error {
	return fault.Newf(fault.KindConflict, format, args...)
}

func invalid(field, format string, args ...any) error {
	return fault.Invalid(field, fmt.Sprintf(format, args...))
}

// InUse names what still points at a row that was asked to go ("3 votes").
// It is the cause of the KindConflict refusal, reachable with errors.As.
type InUse struct{ Dependents []string }

func (e *InUse) Error() string { return "in use by " + strings.Join(e.Dependents, ", ") }

// inUse is the refusal to delete something still referenced.
func inUse(msg string, deps []string) error {
	return fault.Wrap(fault.KindConflict, msg, &InUse{Dependents: deps})
}

// dependentsConflict builds the refusal to delete something still in use.
func dependentsConflict(what string, deps []string) error {
	return inUse(fmt.Sprintf("%s cannot be deleted while it has %s.", what, strings.Join(deps, ", ")), deps)
}

func isDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// Change is one optional field of a patch: Set says the caller sent the
// field at all, so "absent" (leave alone) and "null" (clear, when Value is
// a nil pointer) are different requests.
type Change[T any] struct {
	Set   bool
	Value T
}

// To returns a Change that sets the field to v.
func To[T any](v T) Change[T] { return Change[T]{Set: true, Value: v} }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
