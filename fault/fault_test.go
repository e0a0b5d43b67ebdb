package fault_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"patt/fault"
)

var errUsed = fault.Conflict("This invite code has already been used.")

func TestWrappingKeepsKindAndMessage(t *testing.T) {
	err := fmt.Errorf("redeem %q: %w", "ABC", errUsed)
	assert.Equal(t, fault.KindConflict, fault.KindOf(err))
	assert.Equal(t, "This invite code has already been used.", fault.MessageOf(err))
	assert.ErrorIs(t, err, errUsed)
	assert.Contains(t, err.Error(), "redeem")
}

func TestKinds(t *testing.T) {
	cause := errors.New("pq: duplicate key")
	cases := []struct {
		err  error
		kind fault.Kind
		msg  string
	}{
		{fault.NotFound("Campaign not found."), fault.KindNotFound, "Campaign not found."},
		{fault.Invalid("name", "Name is required."), fault.KindInvalid, "Name is required."},
		{fault.Wrap(fault.KindConflict, "Name taken.", cause), fault.KindConflict, "Name taken."},
		{cause, fault.KindInternal, ""},
		{fmt.Errorf("query: %w", context.DeadlineExceeded), fault.KindUnavailable, ""},
		{fault.Newf(fault.KindForbidden, "Only %s may do that.", "officers"), fault.KindForbidden, "Only officers may do that."},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.kind, fault.KindOf(tc.err), tc.err.Error())
		assert.Equal(t, tc.msg, fault.MessageOf(tc.err))
	}
	assert.ErrorIs(t, fault.Wrap(fault.KindConflict, "x", cause), cause)
	assert.True(t, fault.Is(errUsed, fault.KindConflict))
	assert.False(t, fault.Is(nil, fault.KindInternal))
}

func TestFields(t *testing.T) {
	assert.Equal(t, map[string]string{"name": "Required."}, fault.FieldsOf(fault.Invalid("name", "Required.")))
	many := fault.InvalidFields("Fix the fields.", map[string]string{"a": "x", "b": "y"})
	assert.Len(t, fault.FieldsOf(fmt.Errorf("w: %w", many)), 2)
	assert.Nil(t, fault.FieldsOf(errors.New("plain")))
	assert.Equal(t, "not found", fault.KindNotFound.String())
}
