package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Spec identity §10.1: passwords.
func TestPasswordVectors(t *testing.T) {
	h, err := HashPassword("hunter22")
	require.NoError(t, err)
	require.NotEqual(t, "hunter22", h)

	h1, err := HashPassword("same-password")
	require.NoError(t, err)
	h2, err := HashPassword("same-password")
	require.NoError(t, err)
	require.NotEqual(t, h1, h2, "a fresh salt per hash")

	good, err := HashPassword("correct_horse_battery_staple")
	require.NoError(t, err)
	require.True(t, VerifyPassword("correct_horse_battery_staple", good))

	real, err := HashPassword("real_password")
	require.NoError(t, err)
	require.False(t, VerifyPassword("wrong_password", real))
	require.False(t, VerifyPassword("", real))
}

func TestPasswordPolicyIsEightTo72Bytes(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want error
	}{
		{"", ErrPasswordTooShort},
		{"1234567", ErrPasswordTooShort},
		{"12345678", nil},
		{strings.Repeat("x", 72), nil},
		{strings.Repeat("x", 73), ErrPasswordTooLong},
		{strings.Repeat("é", 37), ErrPasswordTooLong}, // 74 bytes, 37 characters
	} {
		require.ErrorIs(t, CheckPasswordPolicy(tc.pw), tc.want, "len %d", len(tc.pw))
		if tc.want != nil {
			_, err := HashPassword(tc.pw)
			require.ErrorIs(t, err, tc.want)
		}
	}
}
