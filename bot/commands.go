package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"patt/fault"
	"patt/onboarding"
)

// Officers' slash commands (spec discord_bot §8.7 with the §12.12 fixes):
// registered for the one guild by bulk overwrite on every READY (the same
// list each time, so a reconnect changes nothing), shown by default only
// to members who may manage roles, never offered in DMs, checked again
// here by rank role id, answered so only the officer sees the answer.

// OfficerPermissions is the default_member_permissions of the commands:
// server admins may widen or narrow it per role in Discord's settings.
const OfficerPermissions int64 = discordgo.PermissionManageRoles

func memberOption(desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: desc, Required: true}
}

// Commands is what the bot registers.
func Commands() []*discordgo.ApplicationCommand {
	perm := OfficerPermissions
	no := false
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	cmd := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Name: name, Description: desc, Options: opts,
			DefaultMemberPermissions: &perm, DMPermission: &no, Contexts: guildOnly}
	}
	return []*discordgo.ApplicationCommand{
		cmd("onboard-status", "Onboarding sessions waiting, or one member's session",
			&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: "The Discord member to look at"}),
		cmd("onboard-resolve", "Provision a member by hand (links their main if you name it)",
			memberOption("The Discord member to resolve"),
			&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "character",
				Description: "Their main character on the roster", Autocomplete: true}),
		cmd("onboard-dismiss", "Close a member's onboarding without provisioning", memberOption("The Discord member to dismiss")),
		cmd("onboard-retry", "Verify a pending member against the roster again now", memberOption("The Discord member to retry")),
	}
}

// registerCommands is run on READY.
func (b *Bot) registerCommands(s *discordgo.Session, appID, gid string) {
	ctx, cancel := b.eventCtx()
	defer cancel()
	if _, err := b.rest.ApplicationCommandBulkOverwrite(appID, gid, Commands(), discordgo.WithContext(ctx)); err != nil {
		b.log.Error("discord: register slash commands", "err", discordErr(err))
		return
	}
	b.log.Info("discord: slash commands registered", "guild", gid, "count", len(Commands()))
}

func ephemeral(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, Content: truncate(text, maxContent),
			AllowedMentions: &discordgo.MessageAllowedMentions{}}}
}

// command answers a slash command or its autocomplete.
func (b *Bot) command(s *discordgo.Session, i *discordgo.InteractionCreate, onb *onboarding.Service) {
	ctx, cancel := b.eventCtx()
	defer cancel()
	data := i.ApplicationCommandData()
	if !strings.HasPrefix(data.Name, "onboard-") {
		return
	}
	respond := func(r *discordgo.InteractionResponse) {
		if err := s.InteractionRespond(i.Interaction, r, discordgo.WithContext(ctx)); err != nil {
			b.log.Warn("discord: command answer refused", "command", data.Name, "err", discordErr(err))
		}
	}
	if i.GuildID == "" || i.Member == nil || i.Member.User == nil {
		if i.Type == discordgo.InteractionApplicationCommand {
			respond(ephemeral("These commands work in the guild's server, not in direct messages."))
		}
		return
	}
	o := onboarding.Officer{DiscordID: i.Member.User.ID, Name: toMember(i.Member).DisplayName(), RoleIDs: i.Member.Roles}
	ok, err := onboarding.IsOfficer(b.db.WithContext(ctx), o)
	if err != nil || !ok {
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			respond(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}})
			return
		}
		respond(ephemeral("Only officers can use the onboarding commands."))
		return
	}
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, op := range data.Options {
		opts[op.Name] = op
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		partial := ""
		if op := opts["character"]; op != nil {
			partial = op.StringValue()
		}
		choices, err := onb.CharacterChoices(ctx, partial)
		if err != nil {
			b.log.Error("discord: autocomplete", "err", err)
		}
		out := []*discordgo.ApplicationCommandOptionChoice{}
		for _, c := range choices {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value})
		}
		respond(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: out}})
		return
	}
	memberID := ""
	if op := opts["member"]; op != nil {
		memberID = fmt.Sprint(op.Value)
	}
	var answer string
	switch data.Name {
	case "onboard-status":
		if memberID != "" {
			answer, err = onb.Status(ctx, memberID)
		} else {
			answer, err = b.queueText(ctx, onb)
		}
	case "onboard-resolve":
		charID := 0
		if op := opts["character"]; op != nil {
			if charID, err = strconv.Atoi(op.StringValue()); err != nil {
				err = fault.Invalid("character", "Pick the character from the list.")
			}
		}
		if err == nil {
			answer, err = onb.Resolve(ctx, o.Name, memberID, charID)
		}
	case "onboard-dismiss":
		answer, err = onb.Dismiss(ctx, o.Name, memberID)
	case "onboard-retry":
		answer, err = onb.Retry(ctx, o.Name, memberID)
	default:
		return
	}
	if err != nil {
		if msg := fault.MessageOf(err); fault.KindOf(err) != fault.KindInternal && msg != "" {
			answer = msg
		} else {
			b.log.Error("discord: command", "command", data.Name, "err", err)
			answer = "Something went wrong on my side; please try again in a minute."
		}
	}
	b.log.Info("discord: officer command", "command", data.Name, "officer", o.Name, "member", memberID)
	respond(ephemeral(answer))
	b.kickOutbox()
}

func (b *Bot) kickOutbox() {
	if _, kick := b.onboarding(); kick != nil {
		kick()
	}
}

// queueText is /onboard-status without a member: the open sessions,
// oldest first, at most 20.
func (b *Bot) queueText(ctx context.Context, onb *onboarding.Service) (string, error) {
	_, rows, err := onb.Queue(ctx, 20)
	if err != nil || len(rows) == 0 {
		return "✅ No pending onboarding sessions.", err
	}
	lines := []string{fmt.Sprintf("**Pending onboarding sessions (%d)**", len(rows))}
	for _, r := range rows {
		main := "*(not reported)*"
		if r.ReportedMainName != nil {
			main = "**" + *r.ReportedMainName + "**"
		}
		line := fmt.Sprintf("• <@%s> — main: %s | %s | %d attempts", r.DiscordID, main, r.State, r.VerificationAttempts)
		if r.EscalatedAt != nil {
			line += " ⚠️ escalated"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}
