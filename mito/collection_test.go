package mito_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/mito"
)

func TestCollectionRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := rand.New(rand.NewPCG(1, 2))
		pick, err := mito.Random(db, r)
		require.NoError(t, err)
		require.False(t, pick.HasQuote, "No quotes yet")
		require.Equal(t, mito.FallbackTitle, pick.Title)

		q, err := mito.Add(db, mito.Quotes, "  Less QQ more pew pew ")
		require.NoError(t, err)
		require.Equal(t, "Less QQ more pew pew", q.Text)
		_, err = mito.Add(db, mito.Quotes, "   ")
		require.ErrorIs(t, err, mito.ErrEmpty)
		_, err = mito.Add(db, mito.Titles, strings.Repeat("x", mito.MaxLength+1))
		require.ErrorIs(t, err, mito.ErrTooLong)
		title, err := mito.Add(db, mito.Titles, "Bubble Hearth Champion")
		require.NoError(t, err)

		got, err := mito.Update(db, mito.Quotes, q.ID, "Updated quote")
		require.NoError(t, err)
		require.Equal(t, "Updated quote", got.Text)
		_, err = mito.Update(db, mito.Quotes, 99999, "x")
		require.ErrorIs(t, err, mito.ErrNotFound)

		list, err := mito.List(db, mito.Quotes)
		require.NoError(t, err)
		require.Equal(t, []mito.Item{{ID: q.ID, Text: "Updated quote"}}, list)
		pick, err = mito.Random(db, r)
		require.NoError(t, err)
		require.Equal(t, mito.Pick{Quote: "Updated quote", HasQuote: true, Title: title.Text}, pick)

		require.NoError(t, mito.Delete(db, mito.Quotes, q.ID))
		require.ErrorIs(t, mito.Delete(db, mito.Quotes, q.ID), mito.ErrNotFound)
		_, err = mito.Get(db, mito.Quotes, q.ID)
		require.ErrorIs(t, err, mito.ErrNotFound)
	})
}
