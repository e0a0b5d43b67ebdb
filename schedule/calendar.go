package schedule

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

func newCalendarToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CalendarTokenFor returns the player's feed token, creating it on first use.
func CalendarTokenFor(db *gorm.DB, playerID int, now time.Time) (string, error) {
	var t models.CalendarToken
	err := db.Where("player_id = ?", playerID).Take(&t).Error
	if err == nil {
		return t.Token, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", fmt.Errorf("calendar token of player %d: %w", playerID, err)
	}
	return RegenerateCalendarToken(db, playerID, now)
}

// RegenerateCalendarToken replaces the player's feed token: the old URL stops
// working at once (for a URL that leaked).
func RegenerateCalendarToken(db *gorm.DB, playerID int, now time.Time) (string, error) {
	tok, err := newCalendarToken()
	if err != nil {
		return "", err
	}
	row := models.CalendarToken{PlayerID: playerID, Token: tok, CreatedAt: now.UTC()}
	err = db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "player_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token", "created_at"}),
	}).Create(&row).Error
	if err != nil {
		return "", fmt.Errorf("new calendar token for player %d: %w", playerID, err)
	}
	return tok, nil
}

// PlayerByCalendarToken finds the active player a feed token belongs to
// (ErrNotFound for an unknown token or an inactive player).
func PlayerByCalendarToken(db *gorm.DB, token string) (models.Player, error) {
	var p models.Player
	if token == "" || len(token) > 64 {
		return p, ruleErr(ErrNotFound, "Calendar not found")
	}
	var t models.CalendarToken
	if err := db.Where("token = ?", token).Take(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return p, ruleErr(ErrNotFound, "Calendar not found")
		}
		return p, err
	}
	if err := db.Where("id = ? AND is_active = ?", t.PlayerID, true).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return p, ruleErr(ErrNotFound, "Calendar not found")
		}
		return p, err
	}
	return p, nil
}

// CalendarWeeks is how far ahead the feed lists the weekly raid nights.
const CalendarWeeks = 12

// CalendarEvent is one VEVENT of the feed.
type CalendarEvent struct {
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	URL         string
}

// CalendarEvents is the feed's content: upcoming raid events, plus every
// active raid night's next CalendarWeeks occurrences as separate UTC
// instances (each computed on the guild's clock, so a DST change never moves
// the raid). A night that already has a raid event that day is not listed
// twice.
func CalendarEvents(db *gorm.DB, guild *time.Location, now time.Time, host string) ([]CalendarEvent, error) {
	events, err := UpcomingRaidEvents(db, now)
	if err != nil {
		return nil, err
	}
	var out []CalendarEvent
	booked := map[string]bool{}
	for _, e := range events {
		desc := ""
		if e.Notes != nil {
			desc = *e.Notes
		}
		ce := CalendarEvent{UID: fmt.Sprintf("raid-event-%d@%s", e.ID, host), Start: e.StartTimeUTC, End: e.EndTimeUTC, Summary: e.Title, Description: desc}
		if e.LogURL != nil {
			ce.URL = *e.LogURL
		}
		out = append(out, ce)
		if e.RecurringEventID != nil {
			booked[fmt.Sprintf("%d/%s", *e.RecurringEventID, e.EventDate)] = true
		}
	}
	nights, err := ActiveRaidNights(db)
	if err != nil {
		return nil, err
	}
	today := Today(now, guild)
	for d := 0; d < 7; d++ {
		n, ok := nights[d]
		if !ok {
			continue
		}
		first := today.AddDays((d - today.DayOfWeek() + 7) % 7)
		for w := 0; w < CalendarWeeks; w++ {
			day := first.AddDays(7 * w)
			start := WallClock(day, n.DefaultStartTime, guild)
			end := start.Add(time.Duration(n.DefaultDurationMinutes) * time.Minute)
			if end.Before(now) || booked[fmt.Sprintf("%d/%s", n.ID, day)] {
				continue
			}
			out = append(out, CalendarEvent{UID: fmt.Sprintf("raid-night-%d-%s@%s", n.ID, day, host), Start: start, End: end,
				Summary: n.Label, Description: "Weekly raid night"})
		}
	}
	return out, nil
}

// RenderICal writes an RFC 5545 calendar: CRLF line ends, lines folded at
// 75 octets (never inside a UTF-8 sequence), TEXT values escaped, and every
// VEVENT with UID and DTSTAMP. Instants are UTC ("Z"), so no VTIMEZONE is
// needed.
func RenderICal(name string, events []CalendarEvent, now time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICal(s)) }
	stamp := now.UTC().Format("20060102T150405Z")
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//PATT Guild Platform//Raid Schedule//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeICal(name))
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + e.UID)
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + e.Start.UTC().Format("20060102T150405Z"))
		line("DTEND:" + e.End.UTC().Format("20060102T150405Z"))
		line("SUMMARY:" + escapeICal(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + escapeICal(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

// escapeICal escapes a TEXT value (RFC 5545 §3.3.11).
func escapeICal(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldICal splits a content line into chunks of at most 75 octets joined by
// CRLF + space, and ends it with CRLF.
func foldICal(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
