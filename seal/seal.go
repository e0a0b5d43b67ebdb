// Package seal keeps short secrets the site must store in its database
// (the Raid-Helper API key) unreadable at rest: AES-256-GCM with a key
// derived by HKDF-SHA256 from the app's secret (PATT_JWT_SECRET, or the
// secret generated once into the data directory; see config) and one
// purpose string, which is also the authenticated data, so a value sealed
// for one purpose never opens for another.
//
// A sealed value is "sealed:v1:" followed by base64url(nonce‖ciphertext).
// A value without the prefix is a plaintext left from before sealing; the
// owner seals it on the next start (see schedule.RaidHelper.SealStoredKey).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefix marks a sealed value.
const Prefix = "sealed:v1:"

// ErrUnreadable: the value was sealed with another secret (the app's
// secret changed since) or was altered.
var ErrUnreadable = errors.New("the sealed value cannot be opened with this app's secret")

// Box seals and opens values for one purpose.
type Box struct {
	aead    cipher.AEAD
	purpose []byte
}

// New derives the box's key from secret (at least 32 bytes) for purpose.
func New(secret []byte, purpose string) (*Box, error) {
	if len(secret) < 32 {
		return nil, errors.New("seal: the app's secret must be at least 32 bytes")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "patt seal v1: "+purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("seal: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &Box{aead: aead, purpose: []byte(purpose)}, nil
}

// IsSealed reports whether stored is a sealed value (not a plaintext).
func IsSealed(stored string) bool { return strings.HasPrefix(stored, Prefix) }

// Seal returns plain sealed, with a fresh random nonce.
func (b *Box) Seal(plain string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: nonce: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), b.purpose)
	return Prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open returns the plaintext of a sealed value; a value without the
// prefix is a plaintext from before sealing and is returned as it is.
// ErrUnreadable when it was sealed with another secret or altered.
func (b *Box) Open(stored string) (string, error) {
	if !IsSealed(stored) {
		return stored, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(stored, Prefix))
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", ErrUnreadable
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], b.purpose)
	if err != nil {
		return "", ErrUnreadable
	}
	return string(plain), nil
}

// SealedLen is the length of a sealed value of an n-byte plaintext, for
// sizing the column it is stored in.
func (b *Box) SealedLen(n int) int {
	return len(Prefix) + base64.RawURLEncoding.EncodedLen(b.aead.NonceSize()+n+b.aead.Overhead())
}
