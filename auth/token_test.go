package auth

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// Spec identity §10.1: JWT.
func TestTokenVectors(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	tok, err := IssueToken(testSecret, Claims{UserID: 42, PlayerID: 7, RankLevel: 4}, now, 24*time.Hour)
	require.NoError(t, err)
	c, err := ParseToken(testSecret, tok, now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, 42, c.UserID)
	require.Equal(t, 7, c.PlayerID)
	require.Equal(t, 4, c.RankLevel)
	require.NotNil(t, c.ExpiresAt)
	require.NotNil(t, c.IssuedAt)

	expired, err := IssueToken(testSecret, Claims{UserID: 42}, now, -time.Minute)
	require.NoError(t, err)
	_, err = ParseToken(testSecret, expired, now)
	require.ErrorIs(t, err, ErrTokenExpired)

	_, err = ParseToken(testSecret, "not.a.valid.token", now)
	require.ErrorIs(t, err, ErrTokenInvalid)

	tampered := tok[:len(tok)-4] + "XXXX"
	_, err = ParseToken(testSecret, tampered, now)
	require.ErrorIs(t, err, ErrTokenInvalid)

	_, err = ParseToken([]byte("another-secret-another-secret-xx"), tok, now)
	require.ErrorIs(t, err, ErrTokenInvalid)

	short, err := IssueToken(testSecret, Claims{UserID: 42}, now, 30*time.Minute)
	require.NoError(t, err)
	c, err = ParseToken(testSecret, short, now)
	require.NoError(t, err)
	life := c.ExpiresAt.Sub(c.IssuedAt.Time)
	require.GreaterOrEqual(t, life, 29*time.Minute)
	require.LessOrEqual(t, life, 31*time.Minute)

	noUser, err := IssueToken(testSecret, Claims{}, now, time.Hour)
	require.NoError(t, err)
	_, err = ParseToken(testSecret, noUser, now)
	require.ErrorIs(t, err, ErrTokenPayload)
}
