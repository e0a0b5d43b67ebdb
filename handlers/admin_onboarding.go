package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/bot/outbox"
	"patt/fault"
	"patt/onboarding"
)

// The onboarding queue on /admin/bot-settings (issue 13): sessions by
// state and each open one with resolve / dismiss / retry, the same
// officer actions as the slash commands (onboarding.Service).

// onboardingQueue is the queue part of the bot-settings page.
type onboardingQueue struct {
	Counts  map[string]int
	Rows    []onboarding.Row
	Tiles   []onboardingTile
	Enabled bool // onboarding DMs are on
}

type onboardingTile struct {
	Label string
	N     int
	Alert bool
}

// queueLimit is how many open sessions the page lists.
const queueLimit = 50

// onboardingService is the app's service, or one without Discord (tests
// that build handlers alone; a site without the bot still shows its queue).
func (s *Server) onboardingService() *onboarding.Service {
	if s.Onboarding != nil {
		return s.Onboarding
	}
	return onboarding.New(s.DB, onboarding.Config{GuildName: s.Config.Guild.Name, BaseURL: s.Config.BaseURL}, s.Log, s.Now, nil)
}

func (s *Server) loadOnboardingQueue(c fiber.Ctx) (*onboardingQueue, error) {
	counts, rows, err := s.onboardingService().Queue(c.Context(), queueLimit)
	if err != nil {
		return nil, err
	}
	gates, err := outbox.LoadGates(s.db(c))
	if err != nil {
		return nil, err
	}
	q := &onboardingQueue{Counts: counts, Rows: rows, Enabled: gates.OnboardingDM()}
	escalated := 0
	for _, r := range rows {
		if r.EscalationReason != nil {
			escalated++
		}
	}
	q.Tiles = []onboardingTile{
		{"Awaiting DM", counts[onboarding.StateAwaitingDM], counts[onboarding.StateAwaitingDM] > 0},
		{"In conversation", counts[onboarding.StateAskedInGuild] + counts[onboarding.StateAskedMain] + counts[onboarding.StateAskedAlts], false},
		{"Pending verification", counts[onboarding.StatePending], false},
		{"Needs an officer", escalated, escalated > 0},
		{"Set up", counts[onboarding.StateProvisioned] + counts[onboarding.StateResolved], false},
		{"Closed", counts[onboarding.StateDismissed] + counts[onboarding.StateRejected] + counts[onboarding.StateDeclined] +
			counts[onboarding.StateTimedOut] + counts[onboarding.StateClosed], false},
	}
	return q, nil
}

// StateLabel is a session state in words.
func (q *onboardingQueue) StateLabel(state string) string {
	switch state {
	case onboarding.StateAwaitingDM:
		return "Awaiting DM"
	case onboarding.StateAskedInGuild:
		return "Asked: in the guild?"
	case onboarding.StateAskedMain:
		return "Asked: main"
	case onboarding.StateAskedAlts:
		return "Asked: alts"
	case onboarding.StatePending:
		return "Pending verification"
	}
	return state
}

// POST /admin/bot-settings/onboarding/:id/:action (resolve, dismiss, retry)
func (s *Server) adminOnboardingAction(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	action := c.Params("action")
	onb := s.onboardingService()
	discordID, err := onb.DiscordIDOf(c.Context(), id)
	if err != nil {
		return s.botSettingsAnswer(c, 0, "", err)
	}
	officer := viewerOf(c).DisplayName
	var answer string
	switch action {
	case "resolve":
		answer, err = onb.Resolve(c.Context(), officer, discordID, 0)
	case "dismiss":
		answer, err = onb.Dismiss(c.Context(), officer, discordID)
	case "retry":
		answer, err = onb.Retry(c.Context(), officer, discordID)
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		if f, ok := fault.As(err); ok && f.Kind != fault.KindInternal {
			err = fault.New(f.Kind, plainMentions(f.Message))
		}
		return s.botSettingsAnswer(c, 0, "", err)
	}
	if s.Jobs != nil {
		_ = s.Jobs.RunNow("discord-dm-outbox") // the set-up DM goes out now, when the bot runs here
	}
	return s.botSettingsAnswer(c, fiber.StatusOK, plainMentions(answer), nil)
}

// plainMentions writes Discord's "<@id>" as "the member" for the page.
func plainMentions(s string) string {
	out := []rune{}
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		if r[i] == '<' && i+1 < len(r) && r[i+1] == '@' {
			j := i + 2
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			if j < len(r) && r[j] == '>' && j > i+2 {
				out = append(out, []rune("the member")...)
				i = j
				continue
			}
		}
		if r[i] == '*' {
			continue
		}
		out = append(out, r[i])
	}
	return string(out)
}
