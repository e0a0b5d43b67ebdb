// Package auth owns accounts and sessions: bcrypt passwords, the JWT session
// token, invite codes and the rank checks that guard every write.
package auth

import (
	"golang.org/x/crypto/bcrypt"

	"patt/fault"
)

// Password length limits. bcrypt ignores everything past 72 bytes, so a
// longer password would silently be a different (shorter) one.
const (
	MinPasswordBytes = 8
	MaxPasswordBytes = 72
)

var (
	ErrPasswordTooShort = fault.New(fault.KindInvalid, "Password must be at least 8 characters.")
	ErrPasswordTooLong  = fault.New(fault.KindInvalid, "Password must be at most 72 bytes.")
)

// CheckPasswordPolicy returns why a new password is not acceptable, or nil.
func CheckPasswordPolicy(pw string) error {
	switch {
	case len(pw) < MinPasswordBytes:
		return ErrPasswordTooShort
	case len(pw) > MaxPasswordBytes:
		return ErrPasswordTooLong
	}
	return nil
}

// HashPassword returns a bcrypt hash with a fresh salt.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordPolicy(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// VerifyPassword reports whether pw matches the hash, in constant time.
func VerifyPassword(pw, hash string) bool {
	if pw == "" || hash == "" {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// passwordCost is bcrypt's work factor for new hashes.
var passwordCost = bcrypt.DefaultCost

// dummyHash is compared against when a login names no account, so an
// unknown username costs as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), passwordCost)

// UseFastHashingForTests lowers bcrypt's work factor to its minimum. Test
// binaries call it from TestMain: under the race detector a default-cost
// hash takes most of a second, and suites create hundreds of accounts.
// Verification reads the cost from each hash, so nothing else changes.
func UseFastHashingForTests() {
	passwordCost = bcrypt.MinCost
	dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), passwordCost)
}

// SpendPasswordTime does the work of one failed password check.
func SpendPasswordTime(pw string) {
	_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
}
