package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"patt/onboarding"
)

// Onboarding: the gateway events and interactions of the onboarding
// conversation are turned into calls of onboarding.Service here; the
// conversation itself (states, texts, provisioning) lives in onboarding/.

// SetOnboarding gives the bot the onboarding service. kick, when set, asks
// for an outbox delivery run now (the conversation's next message should
// not wait for the delivery job's next tick).
func (b *Bot) SetOnboarding(s *onboarding.Service, kick func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onb, b.kick = s, kick
}

func (b *Bot) onboarding() (*onboarding.Service, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kick := b.kick
	if kick == nil {
		kick = func() {}
	}
	return b.onb, kick
}

// addOnboardingHandlers registers after the member handlers, so on a join
// the member is in discord_users before the session starts (events run
// in order: SyncEvents).
func (b *Bot) addOnboardingHandlers(s *discordgo.Session, gid string) {
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		if onb, _ := b.onboarding(); onb == nil {
			return
		}
		appID := r.User.ID
		if r.Application != nil && r.Application.ID != "" {
			appID = r.Application.ID
		}
		b.registerCommands(s, appID, gid)
	})
	s.AddHandler(func(s *discordgo.Session, e *discordgo.GuildMemberAdd) {
		onb, kick := b.onboarding()
		if onb == nil || e.GuildID != gid || e.Member == nil || e.Member.User == nil || e.Member.User.Bot {
			return
		}
		ctx, cancel := b.eventCtx()
		defer cancel()
		if err := onb.Joined(ctx, e.Member.User.ID); err != nil {
			b.log.Error("onboarding: member joined", "member", e.Member.User.ID, "err", err)
			return
		}
		kick()
	})
	s.AddHandler(func(s *discordgo.Session, e *discordgo.GuildMemberRemove) {
		onb, _ := b.onboarding()
		if onb == nil || e.GuildID != gid || e.Member == nil || e.Member.User == nil {
			return
		}
		ctx, cancel := b.eventCtx()
		defer cancel()
		if err := onb.Left(ctx, e.Member.User.ID); err != nil {
			b.log.Error("onboarding: member left", "member", e.Member.User.ID, "err", err)
		}
	})
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		onb, kick := b.onboarding()
		// Only direct messages from people: the bot's own messages come
		// back on the gateway too.
		if onb == nil || m.GuildID != "" || m.Author == nil || m.Author.Bot {
			return
		}
		ctx, cancel := b.eventCtx()
		defer cancel()
		if err := onb.Typed(ctx, m.Author.ID, m.Content); err != nil {
			b.log.Error("onboarding: direct message", "member", m.Author.ID, "err", err)
			return
		}
		kick()
	})
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		b.onboardingInteraction(s, i)
	})
}

// onboardingInteraction answers a click or a form of the conversation or
// of an escalation post, within Discord's 3 seconds.
func (b *Bot) onboardingInteraction(s *discordgo.Session, i *discordgo.InteractionCreate) {
	onb, kick := b.onboarding()
	if onb == nil {
		return
	}
	var (
		customID string
		values   []string
		fields   map[string]string
	)
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		customID, values = d.CustomID, d.Values
	case discordgo.InteractionModalSubmit:
		d := i.ModalSubmitData()
		customID, fields = d.CustomID, modalFields(d)
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		b.command(s, i, onb)
		return
	default:
		return
	}
	action, _, ok := onboarding.ParseComponentID(customID)
	if !ok {
		return
	}
	ctx, cancel := b.eventCtx()
	defer cancel()
	var (
		reply onboarding.Reply
		err   error
	)
	switch action {
	case onboarding.ActApprove, onboarding.ActReject, onboarding.ActRejectWhy:
		o := onboarding.Officer{}
		if i.Member != nil && i.Member.User != nil {
			o.DiscordID, o.Name, o.RoleIDs = i.Member.User.ID, toMember(i.Member).DisplayName(), i.Member.Roles
		} else if i.User != nil {
			o.DiscordID, o.Name = i.User.ID, i.User.Username
		}
		reply, err = onb.Decide(ctx, o, customID, fields)
	default:
		u := i.User
		if u == nil && i.Member != nil {
			u = i.Member.User
		}
		if u == nil {
			return
		}
		reply, err = onb.Interaction(ctx, u.ID, customID, values, fields)
	}
	resp := &discordgo.InteractionResponse{}
	switch {
	case err != nil:
		b.log.Error("onboarding: interaction", "custom_id", customID, "err", err)
		resp.Type = discordgo.InteractionResponseChannelMessageWithSource
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral,
			Content: "Something went wrong on my side; please try again in a minute."}
	case reply.Modal != nil:
		resp.Type, resp.Data = discordgo.InteractionResponseModal, modalData(reply.Modal)
	case reply.Update != nil:
		resp.Type, resp.Data = discordgo.InteractionResponseUpdateMessage, updateData(*reply.Update)
	default:
		resp.Type = discordgo.InteractionResponseChannelMessageWithSource
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, Content: reply.Note}
	}
	if rerr := s.InteractionRespond(i.Interaction, resp, discordgo.WithContext(ctx)); rerr != nil {
		// The step itself is saved; the member sees the current question
		// on their next click or in the checker's nudge.
		b.log.Warn("onboarding: interaction answer refused", "custom_id", customID, "err", discordErr(rerr))
	}
	kick()
}

func modalFields(d discordgo.ModalSubmitInteractionData) map[string]string {
	out := map[string]string{}
	for _, row := range d.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if in, ok := c.(*discordgo.TextInput); ok {
				out[in.CustomID] = strings.TrimSpace(in.Value)
			}
		}
	}
	return out
}

// OnboardingCheck is the onboarding-checker job.
func (b *Bot) OnboardingCheck(ctx context.Context) error {
	onb, kick := b.onboarding()
	if onb == nil {
		return nil
	}
	_, err := onb.Check(ctx)
	kick()
	return err
}
