package notify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/notify"
)

func TestPartsFitDiscordAndSplitTheSameWayEachTime(t *testing.T) {
	// A short message is one part, unchanged.
	short := notify.Message{Title: "📣 Vote", Description: "Open now", Color: 7, Footer: "PATT"}
	assert.Equal(t, []notify.Message{short}, notify.Parts(short))
	assert.Len(t, notify.Parts(notify.Message{}), 1)

	// 9,000 characters of text in lines: three embeds, the title on the
	// first, the footer on the last, each within Discord's limits, nothing
	// lost.
	var lines []string
	for i := 0; len(strings.Join(lines, "\n")) < 9000; i++ {
		lines = append(lines, fmt.Sprintf("Line %03d of the standings, with some words.", i))
	}
	m := notify.Message{Title: "🏆 Results", Description: strings.Join(lines, "\n"), Color: 0xD4A84B, Footer: "PATT-Bot", URL: "https://patt.test/r"}
	parts := notify.Parts(m)
	require.Len(t, parts, 3)
	assert.Equal(t, parts, notify.Parts(m), "the same split every time")
	var got []string
	for i, p := range parts {
		assert.LessOrEqual(t, utf8.RuneCountInString(p.Description), notify.MaxDescription)
		assert.LessOrEqual(t, utf8.RuneCountInString(p.Title+p.Description+p.Footer), notify.MaxEmbed)
		assert.Equal(t, m.Color, p.Color)
		assert.Equal(t, i == 0, p.Title == m.Title && p.URL == m.URL, "title and link on the first part only")
		assert.Equal(t, i == 2, p.Footer == m.Footer, "footer on the last part only")
		got = append(got, p.Description)
	}
	assert.Equal(t, m.Description, strings.Join(got, "\n"), "split at line breaks, nothing lost")

	// Content over 2000 characters, no embed: content parts only.
	c := notify.Parts(notify.Message{Content: strings.Repeat("word ", 900)})
	require.Len(t, c, 3)
	for _, p := range c {
		assert.LessOrEqual(t, utf8.RuneCountInString(p.Content), notify.MaxContent)
		assert.Empty(t, p.Title)
	}
}

func TestPermanentErrorsAreMarked(t *testing.T) {
	base := errors.New("discord: HTTP 403, code 50013: Missing Permissions")
	err := fmt.Errorf("post: %w", notify.Permanent(base))
	assert.True(t, notify.IsPermanent(err))
	assert.ErrorIs(t, err, base)
	assert.False(t, notify.IsPermanent(base))
	assert.NoError(t, notify.Permanent(nil))
}
