package app

import (
	"context"
	"time"

	"patt/app/jobs"
	"patt/bot"
)

// plugBot plugs the Discord bot with the onboarding conversation it
// carries: the bot turns gateway events into onboarding steps, the
// onboarding-checker job handles what time does (welcome once DMs are
// allowed, nudges, time-outs, verification retries, escalations).
func (a *App) plugBot() error {
	b := bot.FromConfig(a.DB, a.Config, a.Log, a.Clock)
	onb := a.Onboarding
	// The conversation's next message goes out now, not at the delivery
	// job's next tick (when the job is busy, the tick takes it).
	b.SetOnboarding(onb, func() { _ = a.Jobs.RunNow(bot.JobOutbox) })
	if err := a.plug(b); err != nil {
		return err
	}
	return a.Jobs.Add(jobs.Job{
		Name:        "onboarding-checker",
		Description: "Onboarding over time: welcomes members once onboarding DMs are on, nudges quiet ones, times out stalled ones, retries verification and escalates to officers.",
		Schedule:    jobs.Every(time.Minute),
		Timeout:     2 * time.Minute,
		Run:         func(ctx context.Context) error { return b.OnboardingCheck(ctx) },
	})
}
