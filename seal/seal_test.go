package seal_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"patt/seal"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestSealOpen(t *testing.T) {
	box, err := seal.New(secret, "raid-helper api key")
	require.NoError(t, err)
	a, err := box.Seal("KbfhAKAP2LHt2gVrFJntXp")
	require.NoError(t, err)
	b, err := box.Seal("KbfhAKAP2LHt2gVrFJntXp")
	require.NoError(t, err)
	require.True(t, seal.IsSealed(a))
	require.NotEqual(t, a, b, "a fresh nonce each time")
	require.NotContains(t, a, "KbfhAKAP")
	got, err := box.Open(a)
	require.NoError(t, err)
	require.Equal(t, "KbfhAKAP2LHt2gVrFJntXp", got)
	require.Len(t, a, box.SealedLen(len("KbfhAKAP2LHt2gVrFJntXp")))

	// A plaintext from before sealing opens as itself.
	got, err = box.Open("plain-old-key")
	require.NoError(t, err)
	require.Equal(t, "plain-old-key", got)

	// Another secret, another purpose, or a changed byte: unreadable.
	other, err := seal.New([]byte(strings.Repeat("x", 32)), "raid-helper api key")
	require.NoError(t, err)
	_, err = other.Open(a)
	require.ErrorIs(t, err, seal.ErrUnreadable)
	purpose, err := seal.New(secret, "something else")
	require.NoError(t, err)
	_, err = purpose.Open(a)
	require.ErrorIs(t, err, seal.ErrUnreadable)
	tampered := a[:len(a)-2] + "AA"
	if tampered == a {
		tampered = a[:len(a)-2] + "BB"
	}
	_, err = box.Open(tampered)
	require.ErrorIs(t, err, seal.ErrUnreadable)
	_, err = box.Open(seal.Prefix + "not base64!")
	require.ErrorIs(t, err, seal.ErrUnreadable)

	_, err = seal.New([]byte("short"), "x")
	require.Error(t, err)
}
