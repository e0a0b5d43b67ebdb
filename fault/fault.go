// Package fault is the platform's one error model. A domain package (auth,
// identity, voting, schedule, mito, and the integrations) reports a broken
// rule as a *fault.Error: a Kind that says what went wrong, an optional
// field, and a message that is safe to show a user. Causes are wrapped with
// %w, so adding context never changes what the user sees:
//
//	return fmt.Errorf("close campaign %d: %w", id, fault.Conflict("Campaign is not live."))
//
// The HTTP layer has one translator (handlers/errors.go) that turns a Kind
// into a status code and the message into a JSON envelope, an htmx fragment
// or a page. Anything that is not a *fault.Error is an internal error: the
// user sees a generic message with an id, the log gets the detail.
// Domain packages never import net/http or Fiber; the mapping lives there.
package fault

import (
	"context"
	"errors"
	"fmt"
)

// Kind classifies an error for the caller. The zero value is KindInternal.
type Kind int

const (
	KindInternal        Kind = iota // a bug or an outage: logged, never shown
	KindMalformed                   // the request cannot be read (400)
	KindUnauthenticated             // nobody is logged in (401)
	KindForbidden                   // logged in, not allowed (403)
	KindNotFound                    // the thing does not exist (404)
	KindConflict                    // wrong state or a duplicate (409)
	KindInvalid                     // a well-formed request that breaks a rule (422)
	KindTooMany                     // throttled (429)
	KindUnavailable                 // a dependency is down or too slow (503)
)

var kindNames = [...]string{"internal", "malformed", "unauthenticated", "forbidden", "not found",
	"conflict", "invalid", "too many", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a rule the caller broke, or an outage the caller should hear of.
type Error struct {
	Kind Kind
	// Field names the input at fault ("name", "start_at"), if one is.
	Field string
	// Message is what a user may read.
	Message string
	// Fields holds one message per input when a form has several problems.
	Fields map[string]string
	// Err is the cause, for logs and errors.Is; never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error of a kind with a user-facing message.
func New(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

// Newf is New with formatting.
func Newf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Wrap gives a cause a kind and a user-facing message.
func Wrap(k Kind, msg string, cause error) *Error { return &Error{Kind: k, Message: msg, Err: cause} }

func NotFound(msg string) *Error        { return New(KindNotFound, msg) }
func Conflict(msg string) *Error        { return New(KindConflict, msg) }
func Forbidden(msg string) *Error       { return New(KindForbidden, msg) }
func Malformed(msg string) *Error       { return New(KindMalformed, msg) }
func Unauthenticated(msg string) *Error { return New(KindUnauthenticated, msg) }
func TooMany(msg string) *Error         { return New(KindTooMany, msg) }
func Unavailable(msg string) *Error     { return New(KindUnavailable, msg) }

// Invalid reports one input that breaks a rule.
func Invalid(field, msg string) *Error { return &Error{Kind: KindInvalid, Field: field, Message: msg} }

// InvalidFields reports several inputs at once; msg summarises them.
func InvalidFields(msg string, fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Message: msg, Fields: fields}
}

// As finds the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf says what kind of error err is. A deadline or a cancelled context
// anywhere in the chain is KindUnavailable: the database or a service did not
// answer in time. Everything unknown is KindInternal; nil is KindInternal too, so
// check err first.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return KindUnavailable
	}
	return KindInternal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// MessageOf is the user-facing message of err: the first *Error's message,
// or "" for an internal error (whose text must never reach a user).
func MessageOf(err error) string {
	if e, ok := As(err); ok {
		return e.Message
	}
	return ""
}

// FieldsOf returns the per-field messages of err: Fields, or Field with the
// message, or nil.
func FieldsOf(err error) map[string]string {
	e, ok := As(err)
	if !ok {
		return nil
	}
	if len(e.Fields) > 0 {
		return e.Fields
	}
	if e.Field != "" {
		return map[string]string{e.Field: e.Message}
	}
	return nil
}
