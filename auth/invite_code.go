package auth

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// InviteAlphabet has no 0/O/1/I/L, so a code read aloud or copied from a DM
// cannot be mistyped into another valid-looking code.
const InviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// InviteCodeLength is the number of symbols in an invite code.
const InviteCodeLength = 8

// NewInviteCode returns a crypto-random invite code.
func NewInviteCode() string {
	var b strings.Builder
	max := big.NewInt(int64(len(InviteAlphabet)))
	for range InviteCodeLength {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(InviteAlphabet[n.Int64()])
	}
	return b.String()
}

// NormalizeInviteCode trims and upper-cases a code as a person typed it.
func NormalizeInviteCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
