package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"patt/models"
)

// Display names are how players recognise each other, so they must not be
// forgeable (issue 10 item 5): a name is normalised (NFKC, so "Ｔｒｏｇ" is
// "Trog"; spaces collapsed), may not carry control or invisible format
// characters (bidi overrides such as U+202E, zero-width joiners), and no
// two players share one, ignoring case.

// NormalizeDisplayName is the name as stored: NFKC, trimmed, runs of
// white space made one space.
func NormalizeDisplayName(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// msgDisplayNameChars names the refused characters for the user.
const msgDisplayNameChars = "Display name cannot contain control or invisible characters (such as U+%04X)."

// checkDisplayName applies every display-name rule to an already
// normalised name; exceptID is the player being renamed (0 for a new one).
func checkDisplayName(tx *gorm.DB, name string, exceptID int) error {
	switch {
	case name == "":
		return invalid("display_name", "display_name required")
	case utf8.RuneCountInString(name) > maxPlayerName:
		return invalid("display_name", "Display name must be at most %d characters.", maxPlayerName)
	}
	for _, r := range name {
		if r == utf8.RuneError || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) ||
			unicode.Is(unicode.Co, r) || isInvisibleFiller(r) {
			return invalid("display_name", msgDisplayNameChars, r)
		}
	}
	// A guild has hundreds of players, not millions: comparing in Go gives
	// one Unicode case folding on both databases (SQLite's LOWER is ASCII).
	var names []string
	if err := tx.Model(&models.Player{}).Where("id <> ?", exceptID).Pluck("display_name", &names).Error; err != nil {
		return fmt.Errorf("check display name: %w", err)
	}
	for _, other := range names {
		if strings.EqualFold(NormalizeDisplayName(other), name) {
			return conflict("Another player is already called %s.", other)
		}
	}
	return nil
}

// isInvisibleFiller reports blank letters that render as nothing (Hangul
// fillers, braille blank), which Cf does not cover.
func isInvisibleFiller(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F:
		return true
	}
	return false
}
