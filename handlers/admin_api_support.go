package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// Helpers shared by the officers' JSON API and pages: reading JSON bodies
// and patches. Refusals of the identity rules are *fault.Error values that
// the handlers return for the one translator (errors.go).

// errBadJSON answers a body that is not a JSON object.
var errBadJSON = fault.Malformed("Invalid JSON body")

// pathID reads a positive integer path parameter; anything else is a 404
// (no such thing can exist).
func pathID(c fiber.Ctx, name string) (int, error) {
	id, ok := idParam(c, name)
	if !ok {
		return 0, fiber.NewError(fiber.StatusNotFound, "Not found")
	}
	return id, nil
}

// patchBody is a JSON object body kept field by field, so a handler can
// tell a field that is absent from one that is null.
type patchBody map[string]json.RawMessage

// readPatch decodes the body as a JSON object.
func readPatch(c fiber.Ctx) (patchBody, error) {
	var m patchBody
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return patchBody{}, nil
	}
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, errBadJSON
	}
	return m, nil
}

func (p patchBody) has(key string) bool { _, ok := p[key]; return ok }

func (p patchBody) isNull(key string) bool {
	raw, ok := p[key]
	return ok && bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func fieldError(key, want string) error {
	return fault.Invalid(key, fmt.Sprintf("%s must be %s", key, want))
}

// str reads a string field that may not be null.
func (p patchBody) str(key string) (identity.Change[string], error) {
	var ch identity.Change[string]
	if !p.has(key) {
		return ch, nil
	}
	if err := json.Unmarshal(p[key], &ch.Value); err != nil || p.isNull(key) {
		return ch, fieldError(key, "a string")
	}
	ch.Set = true
	return ch, nil
}

// nullableStr reads a string field where null (or "") clears the value.
func (p patchBody) nullableStr(key string) (identity.Change[*string], error) {
	var ch identity.Change[*string]
	if !p.has(key) {
		return ch, nil
	}
	ch.Set = true
	if p.isNull(key) {
		return ch, nil
	}
	var s string
	if err := json.Unmarshal(p[key], &s); err != nil {
		// Discord ids are sometimes sent as numbers; keep their digits.
		var n json.Number
		if jerr := json.Unmarshal(p[key], &n); jerr != nil {
			return ch, fieldError(key, "a string or null")
		}
		s = n.String()
	}
	ch.Value = &s
	return ch, nil
}

// integer reads an integer field that may not be null.
func (p patchBody) integer(key string) (identity.Change[int], error) {
	var ch identity.Change[int]
	if !p.has(key) {
		return ch, nil
	}
	if p.isNull(key) || json.Unmarshal(p[key], &ch.Value) != nil {
		return ch, fieldError(key, "a whole number")
	}
	ch.Set = true
	return ch, nil
}

// nullableInt reads an integer field where null clears the value.
func (p patchBody) nullableInt(key string) (identity.Change[*int], error) {
	var ch identity.Change[*int]
	if !p.has(key) {
		return ch, nil
	}
	ch.Set = true
	if p.isNull(key) {
		return ch, nil
	}
	var n int
	if err := json.Unmarshal(p[key], &n); err != nil {
		return ch, fieldError(key, "a whole number or null")
	}
	ch.Value = &n
	return ch, nil
}

// boolean reads a JSON boolean (never "false" the string).
func (p patchBody) boolean(key string) (identity.Change[bool], error) {
	var ch identity.Change[bool]
	if !p.has(key) {
		return ch, nil
	}
	if p.isNull(key) || json.Unmarshal(p[key], &ch.Value) != nil {
		return ch, fieldError(key, "true or false")
	}
	ch.Set = true
	return ch, nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
