// Package notify is how the platform speaks to the guild's Discord without
// knowing Discord: post to a channel, send a member a direct message, set a
// member's roles. The runtime (app/) picks the implementation once: the bot
// (bot/) when PATT_DISCORD_TOKEN is set, Nop otherwise. Domain packages take
// a Notifier and never import discordgo.
package notify

import (
	"context"
	"errors"
	"sync"
)

// ErrDisabled is returned by Nop: there is no Discord bot configured, so the
// message was not sent. Callers that queue work leave it queued.
var ErrDisabled = errors.New("discord is not configured")

// Message is one post or direct message. Content is the plain text; an
// embed is sent when Title or Description is set.
type Message struct {
	// Kind names what a DM is for ("invite", "onboarding", …): the bot's
	// outbox gates each kind by its own switch. Posts ignore it.
	Kind        string `json:",omitempty"`
	Content     string
	Title       string
	Description string
	URL         string
	Color       int
	Footer      string
	// Buttons and Select are components the member answers by clicking
	// (see components.go); a message has at most one row of each.
	Buttons []Button `json:",omitempty"`
	Select  *Select  `json:",omitempty"`
}

// Notifier delivers messages and roles. Ids are Discord snowflakes as
// strings. Implementations are safe for concurrent use.
type Notifier interface {
	// Enabled reports whether messages can be delivered at all.
	Enabled() bool
	// Post sends a message to a channel and returns the new message's id.
	Post(ctx context.Context, channelID string, m Message) (messageID string, err error)
	// DM sends a direct message to a member.
	DM(ctx context.Context, userID string, m Message) error
	// SetRoles adds and removes roles of one member of the guild.
	SetRoles(ctx context.Context, userID string, add, remove []string) error
}

// RankWatcher is a Notifier that keeps Discord roles in step with the
// site's ranks (the bot): it wants to hear at once when ranks changed.
type RankWatcher interface {
	// RanksChanged says these players' ranks or Discord links may have
	// changed (none named: anyone's may have). It never waits on Discord.
	RanksChanged(playerIDs ...int)
}

// RanksChanged tells n that players' ranks may have changed, when n keeps
// Discord roles in step (callers need not know whether it does).
func RanksChanged(n Notifier, playerIDs ...int) {
	if w, ok := n.(RankWatcher); ok {
		w.RanksChanged(playerIDs...)
	}
}

// Nop is the Notifier when no bot is configured: it delivers nothing and
// says so with ErrDisabled.
type Nop struct{}

func (Nop) Enabled() bool { return false }
func (Nop) Post(context.Context, string, Message) (string, error) {
	return "", ErrDisabled
}
func (Nop) DM(context.Context, string, Message) error { return ErrDisabled }
func (Nop) SetRoles(context.Context, string, []string, []string) error {
	return ErrDisabled
}

// Sent is one call a Recorder saw.
type Sent struct {
	Kind      string // "post", "dm" or "roles"
	ChannelID string
	UserID    string
	Message   Message
	Add       []string
	Remove    []string
	PlayerIDs []int // for "ranks"
}

// Recorder is a Notifier for tests: it keeps every call, answers with
// sequential message ids, and fails every call with Err when that is set.
type Recorder struct {
	mu   sync.Mutex
	sent []Sent
	Err  error
}

func (r *Recorder) Enabled() bool { return true }

func (r *Recorder) record(s Sent) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return 0, r.Err
	}
	r.sent = append(r.sent, s)
	return len(r.sent), nil
}

func (r *Recorder) Post(_ context.Context, channelID string, m Message) (string, error) {
	n, err := r.record(Sent{Kind: "post", ChannelID: channelID, Message: m})
	if err != nil {
		return "", err
	}
	return "rec-" + itoa(n), nil
}

func (r *Recorder) DM(_ context.Context, userID string, m Message) error {
	_, err := r.record(Sent{Kind: "dm", UserID: userID, Message: m})
	return err
}

func (r *Recorder) SetRoles(_ context.Context, userID string, add, remove []string) error {
	_, err := r.record(Sent{Kind: "roles", UserID: userID, Add: add, Remove: remove})
	return err
}

// RanksChanged records a rank-change signal (Kind "ranks").
func (r *Recorder) RanksChanged(playerIDs ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, Sent{Kind: "ranks", PlayerIDs: append([]int(nil), playerIDs...)})
}

// Sent returns a copy of what was recorded, oldest first.
func (r *Recorder) Sent() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
