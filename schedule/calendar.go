package schedule

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
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

// CalendarEvent is one raid of the feed, at its UTC instants.
type CalendarEvent struct {
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	URL         string
	Status      string // CONFIRMED, TENTATIVE or CANCELLED (RFC 5545 STATUS)
}

// CalendarNight is a weekly raid night as one recurring VEVENT: its wall
// clock in the guild's zone (DTSTART;TZID=… + RRULE, with a VTIMEZONE), so
// calendar apps keep it at 21:00 across DST; dates that have a raid event
// of their own (listed with the member's answer) are excluded (EXDATE).
type CalendarNight struct {
	UID      string
	Label    string
	Day      int // 0 = Monday
	Start    models.TimeOfDay
	Duration time.Duration
	First    models.Date
	Except   []models.Date
}

// Calendar is a member's feed.
type Calendar struct {
	Name   string
	Zone   *time.Location
	Events []CalendarEvent
	Nights []CalendarNight
}

// CalendarFor builds a member's feed: the coming raid events with the
// member's own answer, and every active raid night as a weekly series.
func CalendarFor(db *gorm.DB, guild *time.Location, now time.Time, host string, playerID int, siteURL string) (Calendar, error) {
	cal := Calendar{Zone: guild}
	events, err := UpcomingRaidEvents(db, now)
	if err != nil {
		return cal, err
	}
	var sigs []models.RaidSignup
	if err := db.Where("player_id = ?", playerID).Find(&sigs).Error; err != nil {
		return cal, fmt.Errorf("calendar signups: %w", err)
	}
	answer := map[int]models.RaidSignup{}
	for _, s := range sigs {
		answer[s.EventID] = s
	}
	taken := map[int]map[models.Date]bool{}
	for _, e := range events {
		ce := CalendarEvent{UID: fmt.Sprintf("raid-event-%d@%s", e.ID, host), Start: e.StartTimeUTC, End: e.EndTimeUTC,
			Summary: e.Title, Status: "TENTATIVE"}
		var desc []string
		if s, ok := answer[e.ID]; ok {
			ce.Summary += " (" + SignupLabels[s.Status] + ")"
			desc = append(desc, "Your answer: "+SignupLabels[s.Status]+func() string {
				if s.Note != nil && *s.Note != "" {
					return " — " + *s.Note
				}
				return ""
			}())
			switch s.Status {
			case SignupSigned, SignupLate:
				ce.Status = "CONFIRMED"
			case SignupAbsent:
				ce.Status = "CANCELLED"
			}
		} else {
			desc = append(desc, "You have not answered yet.")
		}
		if e.Status == EventCancelled {
			ce.Summary, ce.Status = "Cancelled: "+e.Title, "CANCELLED"
		}
		if e.Notes != nil && *e.Notes != "" {
			desc = append(desc, *e.Notes)
		}
		ce.Description = strings.Join(desc, "\n")
		if siteURL != "" {
			ce.URL = strings.TrimRight(siteURL, "/") + "/raids/" + fmt.Sprint(e.ID)
		}
		cal.Events = append(cal.Events, ce)
		if e.RecurringEventID != nil {
			if taken[*e.RecurringEventID] == nil {
				taken[*e.RecurringEventID] = map[models.Date]bool{}
			}
			taken[*e.RecurringEventID][e.EventDate] = true
		}
	}
	nights, err := ActiveRaidNights(db)
	if err != nil {
		return cal, err
	}
	today := Today(now, guild)
	for d := 0; d < 7; d++ {
		n, ok := nights[d]
		if !ok {
			continue
		}
		cn := CalendarNight{UID: fmt.Sprintf("raid-night-%d@%s", n.ID, host), Label: n.Label, Day: d, Start: n.DefaultStartTime,
			Duration: time.Duration(n.DefaultDurationMinutes) * time.Minute, First: today.AddDays((d - today.DayOfWeek() + 7) % 7)}
		for day := range taken[n.ID] {
			if !day.Before(cn.First) {
				cn.Except = append(cn.Except, day)
			}
		}
		sort.Slice(cn.Except, func(i, j int) bool { return cn.Except[i].Before(cn.Except[j]) })
		cal.Nights = append(cal.Nights, cn)
	}
	return cal, nil
}

var icalDays = [7]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// Render writes the feed as RFC 5545: CRLF line ends, lines folded at 75
// octets (never inside a UTF-8 sequence), TEXT values escaped, every VEVENT
// with UID and DTSTAMP. Raid events are UTC instants; raid nights are wall
// clock times in the guild's zone, described by a VTIMEZONE.
func (c Calendar) Render(now time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICal(s)) }
	stamp := now.UTC().Format("20060102T150405Z")
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//PATT Guild Platform//Raid Schedule//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeICal(c.Name))
	tzid := c.Zone.String()
	if len(c.Nights) > 0 {
		line("X-WR-TIMEZONE:" + tzid)
		writeVTimezone(line, c.Zone, now)
	}
	for _, e := range c.Events {
		line("BEGIN:VEVENT")
		line("UID:" + e.UID)
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + e.Start.UTC().Format("20060102T150405Z"))
		line("DTEND:" + e.End.UTC().Format("20060102T150405Z"))
		line("SUMMARY:" + escapeICal(e.Summary))
		if e.Status != "" {
			line("STATUS:" + e.Status)
		}
		if e.Description != "" {
			line("DESCRIPTION:" + escapeICal(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		line("END:VEVENT")
	}
	for _, n := range c.Nights {
		local := func(d models.Date) string {
			return fmt.Sprintf("%04d%02d%02dT%02d%02d00", d.Year, int(d.Month), d.Day, n.Start.Hour, n.Start.Minute)
		}
		line("BEGIN:VEVENT")
		line("UID:" + n.UID)
		line("DTSTAMP:" + stamp)
		line("DTSTART;TZID=" + tzid + ":" + local(n.First))
		line(fmt.Sprintf("DURATION:PT%dM", int(n.Duration/time.Minute)))
		line("RRULE:FREQ=WEEKLY;BYDAY=" + icalDays[n.Day])
		for _, x := range n.Except {
			line("EXDATE;TZID=" + tzid + ":" + local(x))
		}
		line("SUMMARY:" + escapeICal(n.Label))
		line("DESCRIPTION:Weekly raid night")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

// writeVTimezone describes zone by its real transitions from a year
// before now to five years after (one STANDARD or DAYLIGHT block each, its
// DTSTART the local time on the clock before the change), or by one
// STANDARD block for a zone without changes in that span.
func writeVTimezone(line func(string), zone *time.Location, now time.Time) {
	line("BEGIN:VTIMEZONE")
	line("TZID:" + zone.String())
	offset := func(sec int) string {
		sign := "+"
		if sec < 0 {
			sign, sec = "-", -sec
		}
		return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
	}
	from, to := now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0)
	found := false
	_, prev := from.In(zone).Zone()
	for t := from; t.Before(to); t = t.Add(24 * time.Hour) {
		next := t.Add(24 * time.Hour)
		if _, off := next.In(zone).Zone(); off == prev {
			continue
		}
		// Binary search the change to the second.
		lo, hi := t, next
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2)
			if _, off := mid.In(zone).Zone(); off == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		name, off := hi.In(zone).Zone()
		kind := "STANDARD"
		if hi.In(zone).IsDST() {
			kind = "DAYLIGHT"
		}
		line("BEGIN:" + kind)
		line("DTSTART:" + hi.Add(time.Duration(prev)*time.Second).UTC().Format("20060102T150405"))
		line("TZOFFSETFROM:" + offset(prev))
		line("TZOFFSETTO:" + offset(off))
		line("TZNAME:" + name)
		line("END:" + kind)
		prev, found = off, true
	}
	if !found {
		name, off := now.In(zone).Zone()
		line("BEGIN:STANDARD")
		line("DTSTART:19700101T000000")
		line("TZOFFSETFROM:" + offset(off))
		line("TZOFFSETTO:" + offset(off))
		line("TZNAME:" + name)
		line("END:STANDARD")
	}
	line("END:VTIMEZONE")
}

// escapeICal escapes a TEXT value (RFC 5545 §3.3.11): backslash, ; and ,
// escaped, every line break (CR LF, LF, CR, U+2028/9) written as \n, and
// the other control characters — which §3.1 forbids in a value — dropped,
// so no text can end its line and forge the next property or event.
func escapeICal(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`,
		"\u2028", `\n`, "\u2029", `\n`)
	return strings.Map(func(r rune) rune {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, r.Replace(s))
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
