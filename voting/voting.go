// Package voting owns the guild's votes: campaigns and their entries, the
// ballot rules, the tally for each campaign type, turnout, who may see
// what, the background checker that opens and closes campaigns, and the
// contest agent that decides which milestone posts are due (spec voting.md
// with decision 6). It takes a *gorm.DB and a clock, never an HTTP context.
package voting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"patt/fault"
	"patt/models"
)

// Campaign statuses. A draft is being prepared and never opens by itself;
// activating it before its start time schedules it (§12.10), and the
// checker opens a scheduled campaign at start_at; live takes ballots until
// end_at; closed is final.
const (
	StatusDraft     = "draft"
	StatusScheduled = "scheduled"
	StatusLive      = "live"
	StatusClosed    = "closed"
)

// Campaign types: each selects how ballots are counted.
const (
	TypeRankedChoice = "ranked_choice"
	TypeBorda        = "borda"
	TypeApproval     = "approval"
	TypeIRV          = "irv"
)

// Types lists the campaign types with their labels, in the editor's order.
var Types = []struct{ Value, Label, Hint string }{
	{TypeRankedChoice, "Ranked choice (3/2/1)", "1st = 3 pts, 2nd = 2, 3rd = 1, later picks 0"},
	{TypeBorda, "Borda count (N..1)", "with N picks: 1st = N pts … last = 1"},
	{TypeApproval, "Approval (1 per pick)", "every pick is worth 1 point; order does not matter"},
	{TypeIRV, "Instant runoff", "lowest entry is eliminated each round until one has a majority"},
}

// ValidType reports whether t is a campaign type this build can count.
func ValidType(t string) bool {
	for _, x := range Types {
		if x.Value == t {
			return true
		}
	}
	return false
}

// errorf builds a rule error; the message is what the user reads. Every
// error of this package is a *fault.Error (or wraps one), so the HTTP layer
// picks the status from its kind (decision 1) without parsing messages.
func errorf(k fault.Kind, format string, args ...any) *fault.Error {
	return fault.Newf(k, format, args...)
}

// EndAt is when a campaign stops taking ballots: start_at + duration_hours.
func EndAt(c *models.Campaign) time.Time {
	return c.StartAt.Add(time.Duration(c.DurationHours) * time.Hour)
}

// Agent message statuses.
const (
	MessagePending = "pending"
	MessageSent    = "sent"
	// MessageFailed: not posted, for good (Discord refused it, it failed
	// AgentMaxAttempts times, or it went stale); last_error says why.
	MessageFailed = "failed"
)

// TypeLabel names a campaign's count with the points its picks are really
// worth (issue 11 item 9): a 2-pick ranked-choice vote is "Ranked choice
// (3/2)", a 4-pick Borda count "Borda count (4/3/2/1)".
func TypeLabel(kind string, picks int) string {
	switch kind {
	case TypeApproval:
		return "Approval (1 point per pick)"
	case TypeIRV:
		return "Instant runoff"
	case TypeBorda:
		return "Borda count (" + pointList(kind, picks) + ")"
	}
	return "Ranked choice (" + pointList(TypeRankedChoice, picks) + ")"
}

// pointList is the points of ranks 1..picks that are worth anything, "3/2/1".
func pointList(kind string, picks int) string {
	var parts []string
	for r := 1; r <= picks; r++ {
		if p := Points(kind, picks, r); p > 0 {
			parts = append(parts, strconv.Itoa(p))
		}
	}
	return strings.Join(parts, "/")
}

// ScoringText says in a sentence what each pick of a ballot earns, from
// the same table the count uses.
func ScoringText(kind string, picks int) string {
	switch kind {
	case TypeIRV:
		return "Your 1st choice counts first; if it is eliminated your vote moves to your next choice."
	case TypeApproval:
		return "Every pick is worth 1 point."
	}
	var parts []string
	zero := 0
	for r := 1; r <= picks; r++ {
		p := Points(kind, picks, r)
		if p == 0 {
			zero++
			continue
		}
		unit := "points"
		if p == 1 {
			unit = "point"
		}
		if r == 1 {
			parts = append(parts, fmt.Sprintf("Your 1st pick earns %d %s", p, unit))
		} else {
			parts = append(parts, fmt.Sprintf("%s %d %s", Ordinal(r), p, unit))
		}
	}
	s := strings.Join(parts, ", ") + "."
	if zero > 0 {
		s += " Later picks earn no points but still show your order."
	}
	return s
}

// Ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st.
func Ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}
