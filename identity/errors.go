package identity

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// The rules answer with three kinds of refusal, so every caller can map them
// to the same HTTP status: a missing thing (404), a conflict with what is
// stored — a duplicate, a row still in use, a wrong state (409) — and input
// that breaks a rule (422). Messages are written for officers to read.

// NotFoundError says the thing asked for does not exist.
type NotFoundError struct{ Msg string }

func (e *NotFoundError) Error() string { return e.Msg }

// ConflictError says the change clashes with stored data. Dependents names
// what still points at a row that was asked to go (e.g. "3 votes").
type ConflictError struct {
	Msg        string
	Dependents []string
}

func (e *ConflictError) Error() string { return e.Msg }

// ValidationError says one input field breaks a rule.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string { return e.Msg }

func notFound(format string, args ...any) error {
	return &NotFoundError{Msg: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &ConflictError{Msg: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// IsNotFound, IsConflict and IsValidation classify an error of this package.
func IsNotFound(err error) bool {
	var e *NotFoundError
	return errors.As(err, &e)
}

func IsConflict(err error) bool {
	var e *ConflictError
	return errors.As(err, &e)
}

func IsValidation(err error) bool {
	var e *ValidationError
	return errors.As(err, &e)
}

// dependentsConflict builds the refusal to delete something still in use.
func dependentsConflict(what string, deps []string) error {
	return &ConflictError{
		Msg:        fmt.Sprintf("%s cannot be deleted while it has %s.", what, strings.Join(deps, ", ")),
		Dependents: deps,
	}
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
