package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"patt/fault"
)

// Claims is what a session token says: which account, and which version of
// its credentials. Bumping users.token_version (password change, deactivation,
// "log out everywhere") makes every older token invalid.
type Claims struct {
	UserID       int `json:"user_id"`
	PlayerID     int `json:"member_id,omitempty"`
	RankLevel    int `json:"rank_level"`
	TokenVersion int `json:"tv"`
	// SessionID names the server-side session (common.sessions); a token
	// without one, or whose session was revoked, opens nothing.
	SessionID string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// Token errors, worded as the API reports them.
var (
	ErrTokenExpired = fault.New(fault.KindUnauthenticated, "Token has expired.")
	ErrTokenInvalid = fault.New(fault.KindUnauthenticated, "Invalid token.")
	ErrTokenPayload = fault.New(fault.KindUnauthenticated, "Invalid token payload.")
)

// IssueToken signs a session token valid for ttl from now.
func IssueToken(secret []byte, c Claims, now time.Time, ttl time.Duration) (string, error) {
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	s, err := tok.SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// ParseToken checks the signature, algorithm and expiry of a token.
func ParseToken(secret []byte, raw string, now time.Time) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		return secret, nil
	}, jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, ErrTokenExpired
	case err != nil:
		return nil, ErrTokenInvalid
	case c.UserID == 0:
		return nil, ErrTokenPayload
	}
	return &c, nil
}
