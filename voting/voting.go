// Package voting owns the guild's votes: campaigns and their entries, the
// ballot rules, the tally for each campaign type, turnout, who may see
// what, the background checker that opens and closes campaigns, and the
// contest agent that decides which milestone posts are due (spec voting.md
// with decision 6). It takes a *gorm.DB and a clock, never an HTTP context.
package voting

import (
	"time"

	"patt/fault"
	"patt/models"
)

// Campaign statuses.
const (
	StatusDraft  = "draft"
	StatusLive   = "live"
	StatusClosed = "closed"
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
)
